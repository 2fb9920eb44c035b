/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdlib.h>
#include <glib/gi18n.h>

#include "kbd-application.h"
#include "kbd-gui-text.h"
#include "kbd-history-view.h"
#include "kbd-reader-view.h"
#include "kbd-session-view.h"
#include "kbd-window.h"

/* At most this many index results are listed: the best ones come first. */
#define SEARCH_LIMIT 200
/* How many articles back navigation in the reader remembers. */
#define READER_TRAIL_MAX 50

struct _KbdWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay *toast_overlay;
  AdwLeaflet *leaflet;
  GtkWidget *sidebar;
  GtkWidget *content;
  GtkSearchEntry *library_search;
  GtkListView *library_list;
  GtkRevealer *index_revealer;
  GtkLabel *index_label;
  GtkProgressBar *index_progress;
  GtkRevealer *index_problems_revealer;
  GtkLabel *index_problems_label;
  AdwWindowTitle *window_title;
  GtkStack *main_stack;
  GtkLabel *start_id;
  GtkLabel *start_title;
  GtkLabel *start_summary;
  GtkLabel *start_products;
  GtkRevealer *resume_revealer;
  GtkLabel *resume_label;
  AdwEntryRow *ticket_row;
  KbdSessionView *session_view;
  KbdHistoryView *history_view;
  KbdReaderView *reader_view;
  GtkButton *back_button;
  GtkLabel *problems_title;
  GtkLabel *problems_file;
  GtkListBox *problems_list;

  GtkCustomFilter *library_filter;
  GtkFilterListModel *catalog_model;  /* the catalog's decision trees, filtered by title */
  GListStore *results;                /* KbdIndexResult: what the index found */
  GtkSingleSelection *library_selection;
  GPtrArray *reader_trail;  /* KbdReferenceArticle: read before the one shown, newest last */
  char *page_before_reader;
  gboolean start_from_reader;  /* the start page was opened by a link in the reader */
  KbdArticle *article;      /* the article on the start page */
  KbdSession *session;      /* the session on the session page */
  char *resume_uuid;        /* an unfinished session of the shown article */
  char *page_before_history;
  GSettings *settings;
  gulong session_notify;
};

G_DEFINE_FINAL_TYPE (KbdWindow, kbd_window, ADW_TYPE_APPLICATION_WINDOW)

static KbdApplication *
get_app (KbdWindow *self)
{
  return KBD_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

/* The history, once the application has opened it. */
static KbdHistory *
get_history (KbdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  return KBD_IS_APPLICATION (app) ? kbd_application_get_history (KBD_APPLICATION (app)) : NULL;
}

/* The article index, once its first update is over: until then the
 * library is filtered by title. */
static KbdIndex *
get_ready_index (KbdWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  if (!KBD_IS_APPLICATION (app) || !kbd_application_get_index_ready (KBD_APPLICATION (app)))
    return NULL;
  return kbd_application_get_index (KBD_APPLICATION (app));
}

void
kbd_window_toast (KbdWindow  *self,
                  const char *message)
{
  AdwToast *toast = adw_toast_new (message);

  /* Toast titles are markup; ours are plain text. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  adw_toast_set_title (toast, escaped);
  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (KbdWindow *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  gboolean in_session = self->session != NULL && g_strcmp0 (page, "session") == 0;
  /* Back leaves the reader, or returns to it from a decision tree it
   * linked to; in a session it goes back one step. */
  gboolean back_to_page = g_strcmp0 (page, "reader") == 0 ||
                          (self->start_from_reader && g_strcmp0 (page, "start") == 0);
  KbdIndex *index = get_ready_index (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.back",
                                 back_to_page || (in_session && kbd_session_get_can_go_back (self->session)));
  gtk_button_set_icon_name (self->back_button, back_to_page ? "go-previous-symbolic" : "edit-undo-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->back_button),
                               back_to_page ? _("Back (Alt+←)") : _("Back One Step (Alt+←)"));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.index-problems",
                                 index != NULL && kbd_index_get_problems (index)[0] != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.restart", in_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.notes", in_session);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start", self->article != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.resume-latest", self->resume_uuid != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.history",
                                 get_history (self) != NULL);
}

static void
show_page (KbdWindow  *self,
           const char *name)
{
  gtk_stack_set_visible_child_name (self->main_stack, name);
  adw_leaflet_set_visible_child (self->leaflet, self->content);
  update_actions (self);
}

/* Library ------------------------------------------------------------------- */

static gboolean
library_match (gpointer item,
               gpointer user_data)
{
  KbdWindow *self = user_data;
  KbdCatalogEntry *entry = item;
  const char *query = gtk_editable_get_text (GTK_EDITABLE (self->library_search));
  g_auto(GStrv) words = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *haystack = NULL;

  if (query == NULL || query[0] == '\0')
    return TRUE;

  joined = g_strjoin (" ", kbd_catalog_entry_get_id (entry), kbd_catalog_entry_get_title (entry),
                      kbd_catalog_entry_get_products (entry), NULL);
  haystack = g_utf8_casefold (joined, -1);
  words = g_strsplit_set (query, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      g_autofree char *word = g_utf8_casefold (words[i], -1);
      g_autofree char *id = kbd_article_id_normalize (words[i]);

      if (word[0] == '\0')
        continue;
      /* "312395" and "Q312395" find KB312395 too. */
      if (strstr (haystack, word) == NULL &&
          (id == NULL || g_ascii_strcasecmp (id, kbd_catalog_entry_get_id (entry)) != 0))
        return FALSE;
    }
  return TRUE;
}

static void
set_library_model (KbdWindow  *self,
                   GListModel *model)
{
  if (gtk_single_selection_get_model (self->library_selection) != model)
    gtk_single_selection_set_model (self->library_selection, model);
}

/* Lists what the index finds for @query, best first; an id typed in any
 * spelling (317627, KB317627, q317627) puts its article at the top. */
static gboolean
search_index (KbdWindow  *self,
              KbdIndex   *index,
              const char *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = kbd_index_search (index, query, NULL, KBD_INDEX_KIND_ALL, SEARCH_LIMIT, &error);
  g_autoptr(KbdIndexResult) by_id = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  if (found == NULL)
    {
      kbd_window_toast (self, error->message);
      return FALSE;
    }
  if (strpbrk (query, " \t") == NULL)
    by_id = kbd_index_lookup (index, query, NULL);
  if (by_id != NULL)
    g_ptr_array_add (items, by_id);
  for (guint i = 0; i < found->len; i++)
    {
      KbdIndexResult *result = g_ptr_array_index (found, i);

      if (by_id == NULL ||
          g_strcmp0 (kbd_index_result_get_filename (result), kbd_index_result_get_filename (by_id)) != 0)
        g_ptr_array_add (items, result);
    }
  g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                       items->pdata, items->len);
  return TRUE;
}

/* With nothing typed, or before the index is ready, the library lists the
 * catalog's decision trees, filtered by what is typed; otherwise what the
 * index finds among every kind of article. Runs once typing pauses (the
 * entry's search delay). */
static void
library_search_changed_cb (KbdWindow *self)
{
  g_autofree char *query = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->library_search))));
  KbdIndex *index = get_ready_index (self);

  if (query[0] != '\0' && index != NULL && search_index (self, index, query))
    {
      set_library_model (self, G_LIST_MODEL (self->results));
      return;
    }
  g_list_store_remove_all (self->results);
  gtk_filter_changed (GTK_FILTER (self->library_filter), GTK_FILTER_CHANGE_DIFFERENT);
  set_library_model (self, G_LIST_MODEL (self->catalog_model));
}

static void
library_setup_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  user_data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *snippet = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (title), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (title), 3);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_label_set_xalign (GTK_LABEL (snippet), 0);
  gtk_label_set_wrap (GTK_LABEL (snippet), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (snippet), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (snippet), 2);
  gtk_label_set_ellipsize (GTK_LABEL (snippet), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (snippet, "kbd-snippet");
  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_margin_top (icon, 2);
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_box_append (GTK_BOX (box), snippet);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), box);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_list_item_set_child (item, row);
}

/* A row shows a catalog entry (a decision tree) or an index result (either
 * kind, with a snippet of the text around the words found). */
static void
library_bind_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 gpointer                  user_data)
{
  gpointer object = gtk_list_item_get_item (item);
  GtkWidget *icon = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_next_sibling (icon));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *snippet = gtk_widget_get_next_sibling (subtitle);
  g_autofree char *line = NULL;
  KbdIndexKind kind = KBD_INDEX_KIND_DECISION_TREE;

  if (KBD_IS_INDEX_RESULT (object))
    {
      KbdIndexResult *result = object;
      const char *product = kbd_index_result_get_product (result);
      const char *plain = kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PLAIN);

      kind = kbd_index_result_get_kind (result);
      line = product[0] != '\0'
             ? g_strdup_printf ("%s · %s · %s", kbd_index_result_get_id (result), kbd_gui_kind_name (kind), product)
             : g_strdup_printf ("%s · %s", kbd_index_result_get_id (result), kbd_gui_kind_name (kind));
      gtk_label_set_text (GTK_LABEL (title), kbd_index_result_get_title (result));
      /* The snippet is the library's escaped Pango markup: its bold marks
       * become attributes; the label itself never parses markup. */
      kbd_gui_label_set_markup (GTK_LABEL (snippet), kbd_index_result_get_snippet (result, KBD_TEXT_FORMAT_PANGO),
                                plain);
      gtk_widget_set_visible (snippet, plain[0] != '\0');
    }
  else
    {
      KbdCatalogEntry *entry = object;

      line = g_strdup_printf ("%s · %s", kbd_catalog_entry_get_id (entry), kbd_catalog_entry_get_products (entry));
      gtk_label_set_text (GTK_LABEL (title), kbd_catalog_entry_get_title (entry));
      gtk_widget_set_visible (snippet, FALSE);
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (icon), kbd_gui_kind_icon (kind));
  gtk_widget_set_tooltip_text (icon, kbd_gui_kind_name (kind));
  gtk_label_set_text (GTK_LABEL (subtitle), line);
}

static void
show_problems (KbdWindow  *self,
               const char *title,
               const char *file,
               GPtrArray  *messages)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->problems_list))) != NULL)
    gtk_list_box_remove (self->problems_list, child);

  gtk_label_set_text (self->problems_title, title);
  gtk_label_set_text (self->problems_file, file);
  for (guint i = 0; i < messages->len; i++)
    {
      GtkWidget *label = gtk_label_new (g_ptr_array_index (messages, i));

      gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "monospace");
      gtk_widget_set_margin_top (label, 10);
      gtk_widget_set_margin_bottom (label, 10);
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_list_box_append (self->problems_list, label);
    }
  adw_window_title_set_title (self->window_title, _("Problems"));
  adw_window_title_set_subtitle (self->window_title, "");
  g_clear_object (&self->article);
  show_page (self, "problems");
}

static char *
join_products (KbdArticle *article)
{
  guint n = 0;
  KbdProduct *const *products = kbd_article_get_products (article, &n);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      const char *const *versions = kbd_product_get_versions (products[i]);
      g_autofree char *name = kbd_text_render (kbd_product_get_name (products[i]), KBD_TEXT_FORMAT_PLAIN);

      if (i > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, name);
      if (versions != NULL && versions[0] != NULL)
        {
          g_autofree char *list = g_strjoinv (", ", (char **) versions);
          g_string_append_printf (out, " (%s)", list);
        }
    }
  return g_string_free (out, FALSE);
}

/* Looks for the newest unfinished session of the shown article. */
static void
find_resumable (KbdWindow *self)
{
  KbdHistory *history = get_history (self);
  g_autoptr(KbdHistoryFilter) filter = NULL;
  g_autoptr(GPtrArray) records = NULL;

  g_clear_pointer (&self->resume_uuid, g_free);
  gtk_revealer_set_reveal_child (self->resume_revealer, FALSE);
  if (history == NULL || self->article == NULL)
    return;

  kbd_history_flush (history, NULL);
  filter = kbd_history_filter_new ();
  kbd_history_filter_set_article (filter, kbd_article_get_id (self->article));
  kbd_history_filter_set_flags (filter, KBD_HISTORY_FILTER_UNFINISHED);
  records = kbd_history_list_sessions (history, filter, 0, 1, NULL);
  if (records != NULL && records->len > 0)
    {
      KbdSessionRecord *record = g_ptr_array_index (records, 0);
      g_autofree char *when = kbd_gui_format_time (kbd_session_record_get_updated_at (record));
      g_autofree char *text = NULL;

      if (self->session != NULL &&
          g_strcmp0 (kbd_session_get_uuid (self->session), kbd_session_record_get_uuid (record)) == 0)
        return;
      text = kbd_session_record_get_ticket (record) != NULL
             ? g_strdup_printf (_("An unfinished session for ticket %s, last changed %s."),
                                kbd_session_record_get_ticket (record), when)
             : g_strdup_printf (_("An unfinished session, last changed %s."), when);
      gtk_label_set_text (self->resume_label, text);
      self->resume_uuid = g_strdup (kbd_session_record_get_uuid (record));
      gtk_revealer_set_reveal_child (self->resume_revealer, TRUE);
    }
}

void
kbd_window_show_article (KbdWindow  *self,
                         KbdArticle *source)
{
  /* In the technician's language where the article has a translation;
   * untranslated strings show in the original. */
  g_autoptr(KbdArticle) article = kbd_article_new_for_languages (source, NULL, NULL);
  g_autofree char *products = join_products (article);
  g_autofree char *title = kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN);

  g_set_object (&self->article, article);
  self->start_from_reader = FALSE;
  gtk_label_set_text (self->start_id, kbd_article_get_id (article));
  kbd_gui_label_set_article_text (self->start_title, kbd_article_get_title (article));
  kbd_gui_label_set_article_text (self->start_summary, kbd_article_get_summary (article));
  gtk_label_set_text (self->start_products, products);
  gtk_editable_set_text (GTK_EDITABLE (self->ticket_row), "");
  adw_window_title_set_title (self->window_title, kbd_article_get_id (article));
  adw_window_title_set_subtitle (self->window_title, title);
  find_resumable (self);
  show_page (self, "start");
}

static void
open_catalog_entry (KbdWindow       *self,
                    KbdCatalogEntry *entry)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_file (kbd_catalog_entry_get_filename (entry),
                                                             KBD_LOAD_FLAGS_NONE, &error);

  if (article == NULL)
    {
      g_autoptr(GPtrArray) messages = g_ptr_array_new ();

      g_ptr_array_add (messages, error->message);
      show_problems (self, _("This Article Cannot Be Used"), kbd_catalog_entry_get_filename (entry), messages);
      return;
    }
  kbd_window_show_article (self, article);
}

/* Reference articles ------------------------------------------------------------ */

static void
set_title (KbdWindow  *self,
           const char *title,
           const char *subtitle)
{
  adw_window_title_set_title (self->window_title, title);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
}

/* The window title of a page, for going back to it. */
static void
restore_title (KbdWindow  *self,
               const char *page)
{
  KbdArticle *shown = self->session != NULL ? kbd_session_get_article (self->session) : self->article;

  if (g_strcmp0 (page, "reader") == 0 && kbd_reader_view_get_article (self->reader_view) != NULL)
    {
      KbdReferenceArticle *article = kbd_reader_view_get_article (self->reader_view);

      set_title (self, kbd_reference_article_get_id (article), kbd_reference_article_get_title (article));
    }
  else if (g_strcmp0 (page, "history") == 0)
    set_title (self, _("History"), NULL);
  else if (g_strcmp0 (page, "problems") == 0)
    set_title (self, _("Problems"), NULL);
  else if (g_strcmp0 (page, "welcome") != 0 && shown != NULL)
    {
      g_autofree char *title = kbd_text_render (kbd_article_get_title (shown), KBD_TEXT_FORMAT_PLAIN);

      set_title (self, kbd_article_get_id (shown), title);
    }
  else
    set_title (self, _("KB Decide"), NULL);
}

/* Shows @article in the reader. Coming from another page, back returns
 * there; following a link from the reader, back returns to the article
 * read before (when @remember). */
static void
show_reference_article (KbdWindow           *self,
                        KbdReferenceArticle *article,
                        gboolean             remember)
{
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  KbdReferenceArticle *current = kbd_reader_view_get_article (self->reader_view);
  KbdIndex *index = kbd_application_get_index (get_app (self));

  if (g_strcmp0 (page, "reader") != 0)
    {
      g_free (self->page_before_reader);
      self->page_before_reader = g_strdup (page);
      g_ptr_array_set_size (self->reader_trail, 0);
    }
  else if (remember && current != NULL && current != article)
    {
      if (self->reader_trail->len >= READER_TRAIL_MAX)
        g_ptr_array_remove_index (self->reader_trail, 0);
      g_ptr_array_add (self->reader_trail, g_object_ref (current));
    }
  kbd_reader_view_set_article (self->reader_view, article, index);
  show_page (self, "reader");
  restore_title (self, "reader");
}

static void
reader_back (KbdWindow *self)
{
  const char *page;

  if (self->reader_trail->len > 0)
    {
      g_autoptr(KbdReferenceArticle) previous =
        g_ptr_array_steal_index (self->reader_trail, self->reader_trail->len - 1);

      show_reference_article (self, previous, FALSE);
      return;
    }
  page = self->page_before_reader != NULL ? self->page_before_reader : "welcome";
  show_page (self, page);
  restore_title (self, page);
}

/* Opens an article the index found: a decision tree on its start page, a
 * reference article in the reader. @from_reader when a link in the reader
 * asked for it. */
static void
open_index_result (KbdWindow      *self,
                   KbdIndexResult *result,
                   gboolean        from_reader)
{
  g_autoptr(GError) error = NULL;

  if (kbd_index_result_get_kind (result) == KBD_INDEX_KIND_DECISION_TREE)
    {
      /* Through the catalog, which loads only from its folders. */
      g_autoptr(KbdArticle) article = kbd_catalog_load (kbd_application_get_catalog (get_app (self)),
                                                        kbd_index_result_get_id (result), &error);

      if (article == NULL)
        {
          kbd_window_toast (self, error->message);
          return;
        }
      kbd_window_show_article (self, article);
      self->start_from_reader = from_reader;
      update_actions (self);
    }
  else
    {
      /* Through the catalog, which reads only inside its folders,
       * whatever the index database says. */
      g_autoptr(KbdReferenceArticle) article =
        kbd_catalog_load_reference (kbd_application_get_catalog (get_app (self)),
                                    kbd_index_result_get_filename (result), &error);

      if (article == NULL)
        {
          kbd_window_toast (self, error->message);
          return;
        }
      show_reference_article (self, article, TRUE);
    }
}

/* A link in the reader names an article by id: it opens only what the
 * index finds under that id. */
static void
reader_open_article_cb (KbdWindow  *self,
                        const char *id)
{
  KbdIndex *index = kbd_application_get_index (get_app (self));
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdIndexResult) result = NULL;

  if (index == NULL)
    return;
  result = kbd_index_lookup (index, id, &error);
  if (result == NULL)
    {
      kbd_window_toast (self, error->message);
      return;
    }
  open_index_result (self, result, TRUE);
}

static void
library_activate_cb (KbdWindow *self,
                     guint      position)
{
  GListModel *model = G_LIST_MODEL (self->library_selection);
  g_autoptr(GObject) item = g_list_model_get_item (model, position);

  if (KBD_IS_CATALOG_ENTRY (item))
    open_catalog_entry (self, KBD_CATALOG_ENTRY (item));
  else if (KBD_IS_INDEX_RESULT (item))
    open_index_result (self, KBD_INDEX_RESULT (item), FALSE);
}

static void
library_search_activate_cb (KbdWindow *self)
{
  library_activate_cb (self, 0);
}

/* Opening files --------------------------------------------------------------- */

void
kbd_window_open_file (KbdWindow *self,
                      GFile     *file)
{
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *shown = g_file_get_parse_name (file);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  gboolean errors = FALSE;

  if (path == NULL)
    {
      kbd_window_toast (self, _("Only local files can be opened"));
      return;
    }

  article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NO_VALIDATE, &error);
  if (article == NULL)
    {
      g_ptr_array_add (messages, g_strdup (error->message));
      show_problems (self, _("This Article Cannot Be Used"), shown, messages);
      return;
    }

  diagnostics = kbd_article_validate (article);
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

      g_ptr_array_add (messages, kbd_diagnostic_to_string (diagnostic));
      if (kbd_diagnostic_get_severity (diagnostic) == KBD_SEVERITY_ERROR)
        errors = TRUE;
    }
  if (errors)
    {
      show_problems (self, _("This Article Cannot Be Used"), shown, messages);
      return;
    }
  kbd_window_show_article (self, article);
  if (messages->len > 0)
    kbd_window_toast (self, _("The article has warnings; kbdecide validate lists them"));
}

static void
open_response_cb (GtkNativeDialog *dialog,
                  int              response,
                  KbdWindow       *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      kbd_window_open_file (self, file);
    }
  g_object_unref (dialog);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Open Article"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                 _("_Open"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Article files"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (open_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         KbdWindow     *self)
{
  GSList *files;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  if (files == NULL)
    return FALSE;
  kbd_window_open_file (self, files->data);
  g_slist_free (files);
  return TRUE;
}

/* Sessions ------------------------------------------------------------------- */

static void
session_state_cb (KbdSession *session,
                  GParamSpec *pspec,
                  KbdWindow  *self)
{
  update_actions (self);
}

static void
set_session (KbdWindow  *self,
             KbdSession *session)
{
  if (self->session != NULL)
    g_clear_signal_handler (&self->session_notify, self->session);
  g_set_object (&self->session, session);
  if (session != NULL)
    self->session_notify = g_signal_connect (session, "notify::can-go-back",
                                             G_CALLBACK (session_state_cb), self);
  kbd_session_view_set_session (self->session_view, session);
}

KbdSession *
kbd_window_get_session (KbdWindow *self)
{
  g_return_val_if_fail (KBD_IS_WINDOW (self), NULL);
  return self->session;
}

static void
start_session_cb (KbdWindow *self)
{
  g_autofree char *technician = NULL;
  g_autofree char *ticket = NULL;
  g_autoptr(KbdSession) session = NULL;
  KbdHistory *history = get_history (self);

  if (self->article == NULL)
    return;

  technician = g_strstrip (g_settings_get_string (self->settings, "technician"));
  ticket = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->ticket_row))));
  session = kbd_session_new (self->article, technician[0] != '\0' ? technician : NULL,
                             ticket[0] != '\0' ? ticket : NULL);
  if (history != NULL && !kbd_history_get_read_only (history))
    kbd_history_attach (history, session);
  set_session (self, session);
  show_page (self, "session");
}

static void
start_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);

  /* Ctrl+Return reaches here from anywhere: it starts only from the
   * article's start page. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "start") == 0)
    start_session_cb (self);
}

gboolean
kbd_window_resume (KbdWindow   *self,
                   const char  *uuid,
                   GError     **error)
{
  KbdApplication *app = get_app (self);
  KbdHistory *history = get_history (self);
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdSession) session = NULL;
  g_auto(GStrv) warnings = NULL;
  g_autofree char *title = NULL;

  if (history == NULL)
    {
      g_set_error_literal (error, KBD_ERROR, KBD_ERROR_NOT_FOUND, _("The history is not available"));
      return FALSE;
    }
  /* Steps still on their way to the disk belong to what is resumed. */
  if (!kbd_history_flush (history, error))
    return FALSE;
  record = kbd_history_get_session (history, uuid, error);
  if (record == NULL)
    return FALSE;
  article = kbd_catalog_load (kbd_application_get_catalog (app), kbd_session_record_get_article_id (record), error);
  if (article == NULL)
    return FALSE;
  /* Resumed in the language the session ran in. */
  {
    const char *languages[] = { kbd_session_record_get_language (record), NULL };
    KbdArticle *shown = kbd_article_new_for_languages (article, languages[0] != NULL ? languages : NULL, NULL);

    g_object_unref (article);
    article = shown;
  }
  session = kbd_history_resume (history, uuid, article, &warnings, error);
  if (session == NULL)
    return FALSE;

  g_set_object (&self->article, article);
  set_session (self, session);
  title = kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN);
  adw_window_title_set_title (self->window_title, kbd_article_get_id (article));
  adw_window_title_set_subtitle (self->window_title, title);
  g_clear_pointer (&self->resume_uuid, g_free);
  show_page (self, "session");
  if (warnings != NULL && warnings[0] != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", warnings);
      kbd_window_toast (self, joined);
    }
  return TRUE;
}

static void
resume_and_report (KbdWindow  *self,
                   const char *uuid)
{
  g_autoptr(GError) error = NULL;

  if (!kbd_window_resume (self, uuid, &error))
    kbd_window_toast (self, error->message);
}

static void
resume_latest_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);
  g_autofree char *uuid = g_strdup (self->resume_uuid);

  if (uuid != NULL)
    resume_and_report (self, uuid);
}

static void
resume_session_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  resume_and_report (KBD_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
history_resume_cb (KbdWindow  *self,
                   const char *uuid)
{
  resume_and_report (self, uuid);
}

void
kbd_window_offer_resume (KbdWindow *self)
{
  KbdHistory *history = get_history (self);
  g_autoptr(KbdHistoryFilter) filter = NULL;
  g_autoptr(GPtrArray) records = NULL;
  KbdSessionRecord *record;
  AdwToast *toast;
  g_autofree char *title = NULL;

  if (history == NULL || self->session != NULL)
    return;
  filter = kbd_history_filter_new ();
  kbd_history_filter_set_flags (filter, KBD_HISTORY_FILTER_UNFINISHED);
  records = kbd_history_list_sessions (history, filter, 0, 1, NULL);
  if (records == NULL || records->len == 0)
    return;

  /* Only offer what was interrupted recently: a day-old session is in the
   * history for whoever wants it. */
  record = g_ptr_array_index (records, 0);
  if (g_get_real_time () - kbd_session_record_get_updated_at (record) > G_TIME_SPAN_DAY)
    return;

  title = g_markup_printf_escaped (_("Session of %s was interrupted"), kbd_session_record_get_article_id (record));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Resume"));
  adw_toast_set_action_name (toast, "win.resume-session");
  adw_toast_set_action_target_value (toast, g_variant_new_string (kbd_session_record_get_uuid (record)));
  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (page, "reader") == 0)
    reader_back (self);
  else if (self->start_from_reader && g_strcmp0 (page, "start") == 0)
    {
      self->start_from_reader = FALSE;
      show_page (self, "reader");
      restore_title (self, "reader");
    }
  else if (self->session != NULL && !kbd_session_back (self->session, &error))
    kbd_window_toast (self, error->message);
}

static void
restart_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);

  if (self->session != NULL)
    kbd_session_restart (self->session);
}

static void
notes_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);

  kbd_session_view_set_notes_visible (self->session_view,
                                      !kbd_session_view_get_notes_visible (self->session_view));
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);
  const char *page = gtk_stack_get_visible_child_name (self->main_stack);
  KbdHistory *history = get_history (self);

  if (g_strcmp0 (page, "history") == 0)
    {
      const char *before = self->page_before_history != NULL ? self->page_before_history : "welcome";

      show_page (self, before);
      restore_title (self, before);
      return;
    }
  if (history == NULL)
    return;
  g_free (self->page_before_history);
  self->page_before_history = g_strdup (page);
  kbd_history_flush (history, NULL);
  kbd_history_view_set_history (self->history_view, history);
  kbd_history_view_reload (self->history_view);
  show_page (self, "history");
  adw_window_title_set_title (self->window_title, _("History"));
  adw_window_title_set_subtitle (self->window_title, "");
  kbd_history_view_focus_search (self->history_view);
}

static void
show_library_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  gtk_widget_grab_focus (GTK_WIDGET (self->library_search));
}

static void
session_toast_cb (KbdWindow  *self,
                  const char *message)
{
  kbd_window_toast (self, message);
}

/* Transcript export ------------------------------------------------------------ */

static KbdTranscriptFormat
format_for_name (const char *name)
{
  if (g_str_has_suffix (name, ".html") || g_str_has_suffix (name, ".htm"))
    return KBD_TRANSCRIPT_HTML;
  if (g_str_has_suffix (name, ".txt"))
    return KBD_TRANSCRIPT_TEXT;
  if (g_str_has_suffix (name, ".json"))
    return KBD_TRANSCRIPT_JSON;
  return KBD_TRANSCRIPT_MARKDOWN;
}

gboolean
kbd_window_export_transcript (KbdWindow   *self,
                              const char  *uuid,
                              GFile       *file,
                              GError     **error)
{
  KbdHistory *history = get_history (self);
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *text = NULL;

  if (history == NULL)
    {
      g_set_error_literal (error, KBD_ERROR, KBD_ERROR_NOT_FOUND, _("The history is not available"));
      return FALSE;
    }
  if (!kbd_history_flush (history, error))
    return FALSE;
  text = kbd_history_export (history, uuid, format_for_name (name), error);
  if (text == NULL)
    return FALSE;
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    KbdWindow       *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "kbd-session-uuid");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autoptr(GError) error = NULL;

      if (kbd_window_export_transcript (self, uuid, file, &error))
        kbd_window_toast (self, _("Transcript exported"));
      else
        kbd_window_toast (self, error->message);
    }
  g_object_unref (dialog);
}

void
kbd_window_choose_export (KbdWindow  *self,
                          const char *uuid,
                          const char *article_id)
{
  GtkFileChooserNative *dialog =
    gtk_file_chooser_native_new (_("Export Transcript"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                 _("_Export"), _("_Cancel"));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("%s-%s.md", article_id, date);
  const struct { const char *name; const char *pattern; } filters[] = {
    { N_("Markdown"), "*.md" }, { N_("HTML"), "*.html" }, { N_("Plain text"), "*.txt" }, { N_("JSON"), "*.json" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

      gtk_file_filter_set_name (filter, _(filters[i].name));
      gtk_file_filter_add_pattern (filter, filters[i].pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_object_set_data_full (G_OBJECT (dialog), "kbd-session-uuid", g_strdup (uuid), g_free);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
export_current_cb (KbdWindow *self)
{
  if (self->session != NULL)
    kbd_window_choose_export (self, kbd_session_get_uuid (self->session),
                              kbd_article_get_id (kbd_session_get_article (self->session)));
}

/* The article index ------------------------------------------------------------ */

void
kbd_window_index_progress (KbdWindow *self,
                           guint      done,
                           guint      total)
{
  g_autofree char *text = NULL;

  g_return_if_fail (KBD_IS_WINDOW (self));

  if (total == 0)
    {
      text = g_strdup (_("Indexing articles…"));
      gtk_progress_bar_pulse (self->index_progress);
    }
  else
    {
      /* Translators: the numbers of article files indexed so far and in all. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Indexing articles… %'u of %'u",
                                           "Indexing articles… %'u of %'u", total),
                              done, total);
      gtk_progress_bar_set_fraction (self->index_progress, (double) MIN (done, total) / total);
    }
  gtk_label_set_text (self->index_label, text);
  gtk_revealer_set_reveal_child (self->index_revealer, TRUE);
}

void
kbd_window_index_finished (KbdWindow *self)
{
  KbdIndex *index;
  guint n_problems;

  g_return_if_fail (KBD_IS_WINDOW (self));

  gtk_revealer_set_reveal_child (self->index_revealer, FALSE);
  index = get_ready_index (self);
  if (index == NULL)
    return;
  n_problems = g_strv_length ((char **) kbd_index_get_problems (index));
  if (n_problems > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u article file could not be indexed",
                                                            "%u article files could not be indexed", n_problems),
                                               n_problems);

      gtk_label_set_text (self->index_problems_label, text);
    }
  gtk_revealer_set_reveal_child (self->index_problems_revealer, n_problems > 0);
  update_actions (self);
  /* What was typed while indexing is searched again, now in the index. */
  library_search_changed_cb (self);
}

static void
index_problems_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  KbdWindow *self = KBD_WINDOW (widget);
  KbdIndex *index = get_ready_index (self);
  g_autoptr(GPtrArray) messages = g_ptr_array_new ();
  g_autofree char *folders = NULL;

  if (index == NULL)
    return;
  for (const char *const *problem = kbd_index_get_problems (index); *problem != NULL; problem++)
    g_ptr_array_add (messages, (gpointer) *problem);
  folders = g_strjoinv ("\n", (char **) kbd_catalog_get_directories (kbd_application_get_catalog (get_app (self))));
  show_problems (self, _("Some Articles Could Not Be Indexed"), folders, messages);
}

/* Life cycle ----------------------------------------------------------------- */

void
kbd_window_set_catalog (KbdWindow  *self,
                        KbdCatalog *catalog)
{
  g_clear_object (&self->catalog_model);
  self->catalog_model = gtk_filter_list_model_new (g_object_ref (kbd_catalog_get_entries (catalog)),
                                                   g_object_ref (GTK_FILTER (self->library_filter)));
  library_search_changed_cb (self);
}

void
kbd_window_history_ready (KbdWindow *self)
{
  KbdHistory *history = get_history (self);

  if (history != NULL)
    kbd_history_view_set_history (self->history_view, history);
  if (self->article != NULL)
    find_resumable (self);
  update_actions (self);
}

static gboolean
kbd_window_close_request (GtkWindow *window)
{
  KbdWindow *self = KBD_WINDOW (window);
  KbdHistory *history = get_history (self);
  int width, height;

  /* Everything the technician did is already queued; make it durable. */
  if (history != NULL)
    kbd_history_flush (history, NULL);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (kbd_window_parent_class)->close_request (window);
}

static void
kbd_window_dispose (GObject *object)
{
  KbdWindow *self = KBD_WINDOW (object);

  set_session (self, NULL);
  g_clear_object (&self->article);
  g_clear_object (&self->library_selection);
  g_clear_object (&self->catalog_model);
  g_clear_object (&self->results);
  g_clear_object (&self->library_filter);
  g_clear_pointer (&self->reader_trail, g_ptr_array_unref);
  g_clear_pointer (&self->page_before_reader, g_free);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->resume_uuid, g_free);
  g_clear_pointer (&self->page_before_history, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBD_TYPE_WINDOW);

  G_OBJECT_CLASS (kbd_window_parent_class)->dispose (object);
}

static void
kbd_window_class_init (KbdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = kbd_window_dispose;
  window_class->close_request = kbd_window_close_request;

  g_type_ensure (KBD_TYPE_SESSION_VIEW);
  g_type_ensure (KBD_TYPE_HISTORY_VIEW);
  g_type_ensure (KBD_TYPE_READER_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kbdecide/KbDecide/kbd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, content);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, library_search);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, library_list);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, index_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, index_label);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, index_progress);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, index_problems_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, index_problems_label);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, start_id);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, start_title);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, start_summary);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, start_products);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, resume_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, resume_label);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, ticket_row);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, session_view);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, history_view);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, reader_view);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, problems_title);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, problems_file);
  gtk_widget_class_bind_template_child (widget_class, KbdWindow, problems_list);
  gtk_widget_class_bind_template_callback (widget_class, library_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, library_search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, library_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, start_session_cb);
  gtk_widget_class_bind_template_callback (widget_class, session_toast_cb);
  gtk_widget_class_bind_template_callback (widget_class, export_current_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_resume_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);
  gtk_widget_class_bind_template_callback (widget_class, reader_open_article_cb);

  gtk_widget_class_install_action (widget_class, "win.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "win.restart", NULL, restart_action);
  gtk_widget_class_install_action (widget_class, "win.notes", NULL, notes_action);
  gtk_widget_class_install_action (widget_class, "win.history", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.show-library", NULL, show_library_action);
  gtk_widget_class_install_action (widget_class, "win.resume-latest", NULL, resume_latest_action);
  gtk_widget_class_install_action (widget_class, "win.resume-session", "s", resume_session_action);
  gtk_widget_class_install_action (widget_class, "win.index-problems", NULL, index_problems_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "win.restart", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.notes", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_h, GDK_CONTROL_MASK, "win.history", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.show-library", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "win.start", NULL);
}

static void
kbd_window_init (KbdWindow *self)
{
  GtkDropTarget *drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new ("io.github.kbdecide.KbDecide");
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  self->library_filter = gtk_custom_filter_new (library_match, self, NULL);
  self->results = g_list_store_new (KBD_TYPE_INDEX_RESULT);
  self->reader_trail = g_ptr_array_new_with_free_func (g_object_unref);
  self->library_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->library_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->library_selection, TRUE);
  gtk_list_view_set_model (self->library_list, GTK_SELECTION_MODEL (self->library_selection));
  g_signal_connect (factory, "setup", G_CALLBACK (library_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (library_bind_cb), self);
  gtk_list_view_set_factory (self->library_list, factory);

  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  if (g_str_has_suffix (APPLICATION_ID, ".Devel"))
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  update_actions (self);
}

KbdWindow *
kbd_window_new (KbdApplication *application)
{
  return g_object_new (KBD_TYPE_WINDOW, "application", application, NULL);
}
