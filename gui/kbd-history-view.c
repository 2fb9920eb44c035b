/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kbd-gui-text.h"
#include "kbd-history-view.h"
#include "kbd-window.h"

/* Every recorded session in one virtualised list: paged from the history
 * (KbdHistoryModel) so 100,000 sessions cost what is on screen, or the
 * ranked results of a full-text search. */

struct _KbdHistoryView
{
  GtkWidget parent_instance;

  KbdHistory *history;
  KbdHistoryModel *model;
  GListStore *results;
  GtkNoSelection *selection;

  GtkSearchEntry *search;
  /* The text whose results the list shows, NULL when it shows the filters'
   * sessions. */
  char *searched;
  GtkDropDown *outcome;
  GtkDropDown *period;
  GtkEntry *article;
  GtkListView *list;
  GtkStack *stack;
  GtkLabel *count;
};

enum {
  SIGNAL_TOAST,
  SIGNAL_RESUME,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KbdHistoryView, kbd_history_view, GTK_TYPE_WIDGET)

static const char *
outcome_text (KbdSessionRecord *record)
{
  if (!kbd_session_record_get_finished (record))
    return _("Unfinished");
  switch (kbd_session_record_get_outcome (record))
    {
    case KBD_OUTCOME_RESOLVED:
      return _("Resolved");
    case KBD_OUTCOME_ESCALATE:
      return _("Escalated");
    case KBD_OUTCOME_NOT_APPLICABLE:
      return _("Not applicable");
    case KBD_OUTCOME_NONE:
    default:
      return _("Unfinished");
    }
}

static KbdHistoryFilter *
build_filter (KbdHistoryView *self)
{
  KbdHistoryFilter *filter = kbd_history_filter_new ();
  const char *article = gtk_editable_get_text (GTK_EDITABLE (self->article));
  g_autofree char *article_id = article[0] != '\0' ? kbd_article_id_normalize (article) : NULL;
  static const gint64 periods[] = { 0, G_TIME_SPAN_DAY, 7 * G_TIME_SPAN_DAY, 30 * G_TIME_SPAN_DAY };
  guint period = gtk_drop_down_get_selected (self->period);

  if (article_id != NULL)
    kbd_history_filter_set_article (filter, article_id);
  switch (gtk_drop_down_get_selected (self->outcome))
    {
    case 1:
      kbd_history_filter_set_outcome (filter, KBD_OUTCOME_RESOLVED);
      break;
    case 2:
      kbd_history_filter_set_outcome (filter, KBD_OUTCOME_ESCALATE);
      break;
    case 3:
      kbd_history_filter_set_outcome (filter, KBD_OUTCOME_NOT_APPLICABLE);
      break;
    case 4:
      kbd_history_filter_set_flags (filter, KBD_HISTORY_FILTER_UNFINISHED);
      break;
    default:
      break;
    }
  if (period > 0 && period < G_N_ELEMENTS (periods))
    kbd_history_filter_set_range (filter, g_get_real_time () - periods[period], 0);
  return filter;
}

static void
update_count (KbdHistoryView *self)
{
  GListModel *model = gtk_no_selection_get_model (self->selection);
  guint n = model != NULL ? g_list_model_get_n_items (model) : 0;
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session", "%u sessions", n), n);

  gtk_label_set_text (self->count, text);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

void
kbd_history_view_reload (KbdHistoryView *self)
{
  const char *text;
  g_autofree char *stripped = NULL;

  g_return_if_fail (KBD_IS_HISTORY_VIEW (self));

  if (self->history == NULL)
    return;

  text = gtk_editable_get_text (GTK_EDITABLE (self->search));
  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (stripped[0] != '\0')
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = kbd_history_search (self->history, text, 50, &error);

      g_free (self->searched);
      self->searched = g_strdup (text);
      /* One change replaces the rows, so the list rebinds the rows it has
       * rather than making new ones. */
      if (hits == NULL)
        {
          g_list_store_remove_all (self->results);
          g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message);
        }
      else
        g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                             hits->pdata, hits->len);
      gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->results));
    }
  else
    {
      g_autoptr(KbdHistoryFilter) filter = build_filter (self);

      g_clear_pointer (&self->searched, g_free);

      if (self->model == NULL)
        self->model = kbd_history_model_new (self->history, filter);
      else
        kbd_history_model_set_filter (self->model, filter);
      gtk_no_selection_set_model (self->selection, G_LIST_MODEL (self->model));
    }
  update_count (self);
}

static void
filters_changed_cb (KbdHistoryView *self)
{
  kbd_history_view_reload (self);
}

/* GtkSearchEntry reports a change after the fact, from the main loop: a
 * text that kbd_history_view_set_search() already searched is not searched
 * again. */
static void
search_changed_cb (KbdHistoryView *self)
{
  if (self->searched == NULL ||
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->search)), self->searched) != 0)
    kbd_history_view_reload (self);
}

/* Rows ------------------------------------------------------------------------ */

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  for (guint i = 0; i < 3; i++)
    {
      GtkWidget *label = gtk_label_new (NULL);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
      if (i > 0)
        gtk_widget_add_css_class (label, i == 1 ? "dim-label" : "caption");
      gtk_box_append (GTK_BOX (box), label);
    }
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             gpointer                  user_data)
{
  KbdSessionRecord *record = gtk_list_item_get_item (item);
  GtkWidget *title = gtk_widget_get_first_child (gtk_list_item_get_child (item));
  GtkWidget *details = gtk_widget_get_next_sibling (title);
  GtkWidget *snippet = gtk_widget_get_next_sibling (details);
  g_autofree char *article_title = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *when = NULL;
  GString *line = g_string_new (NULL);

  if (record == NULL)
    return;

  article_title = kbd_text_render (kbd_session_record_get_article_title (record), KBD_TEXT_FORMAT_PLAIN);
  heading = g_strdup_printf ("%s · %s", kbd_session_record_get_article_id (record), article_title);
  when = kbd_gui_format_time (kbd_session_record_get_started_at (record));
  g_string_append_printf (line, "%s · %s", when, outcome_text (record));
  if (kbd_session_record_get_ticket (record) != NULL)
    g_string_append_printf (line, " · %s", kbd_session_record_get_ticket (record));
  if (kbd_session_record_get_technician (record) != NULL)
    g_string_append_printf (line, " · %s", kbd_session_record_get_technician (record));

  gtk_label_set_text (GTK_LABEL (title), heading);
  gtk_label_set_text (GTK_LABEL (details), line->str);
  gtk_label_set_text (GTK_LABEL (snippet), kbd_session_record_get_snippet (record) != NULL
                                           ? kbd_session_record_get_snippet (record) : "");
  gtk_widget_set_visible (snippet, kbd_session_record_get_snippet (record) != NULL);
  g_string_free (line, TRUE);
}

/* The transcript window ------------------------------------------------------------ */

static void
delete_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    KbdHistoryView   *self)
{
  const char *uuid = g_object_get_data (G_OBJECT (dialog), "kbd-session-uuid");
  GtkWindow *transcript = g_object_get_data (G_OBJECT (dialog), "kbd-transcript");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "delete") != 0)
    return;
  if (!kbd_history_delete_session (self->history, uuid, &error))
    {
      g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message);
      return;
    }
  gtk_window_destroy (transcript);
  kbd_history_view_reload (self);
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, _("Session deleted"));
}

static void
delete_clicked_cb (GtkButton      *button,
                   KbdHistoryView *self)
{
  GtkWindow *transcript = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  const char *uuid = g_object_get_data (G_OBJECT (transcript), "kbd-session-uuid");
  GtkWidget *dialog = adw_message_dialog_new (transcript, _("Delete This Session?"),
                                              _("Its steps, notes and outcome are removed from the history for good."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"), "delete", _("_Delete"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "kbd-session-uuid", g_strdup (uuid), g_free);
  g_object_set_data (G_OBJECT (dialog), "kbd-transcript", transcript);
  g_signal_connect (dialog, "response", G_CALLBACK (delete_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
resume_clicked_cb (GtkButton      *button,
                   KbdHistoryView *self)
{
  GtkWindow *transcript = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  g_autofree char *uuid = g_strdup (g_object_get_data (G_OBJECT (transcript), "kbd-session-uuid"));

  gtk_window_destroy (transcript);
  g_signal_emit (self, signals[SIGNAL_RESUME], 0, uuid);
}

static void
export_clicked_cb (GtkButton      *button,
                   KbdHistoryView *self)
{
  GtkWindow *transcript = GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button)));
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (KBD_IS_WINDOW (root))
    kbd_window_choose_export (KBD_WINDOW (root),
                              g_object_get_data (G_OBJECT (transcript), "kbd-session-uuid"),
                              g_object_get_data (G_OBJECT (transcript), "kbd-article-id"));
}

/* Opens a window with the session's transcript and what can be done with it. */
GtkWidget *
kbd_history_view_open_record (KbdHistoryView   *self,
                              KbdSessionRecord *record)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = kbd_history_export (self->history, kbd_session_record_get_uuid (record),
                                              KBD_TRANSCRIPT_TEXT, &error);
  GtkWidget *window, *box, *header, *scroller, *view, *button;
  g_autofree char *title = NULL;

  if (text == NULL)
    {
      g_signal_emit (self, signals[SIGNAL_TOAST], 0, error->message);
      return NULL;
    }

  window = adw_window_new ();
  title = g_strdup_printf (_("Session of %s"), kbd_session_record_get_article_id (record));
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 560);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  g_object_set_data_full (G_OBJECT (window), "kbd-session-uuid", g_strdup (kbd_session_record_get_uuid (record)), g_free);
  g_object_set_data_full (G_OBJECT (window), "kbd-article-id", g_strdup (kbd_session_record_get_article_id (record)), g_free);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  if (!kbd_session_record_get_finished (record))
    {
      button = gtk_button_new_with_mnemonic (_("_Resume"));
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_set_name (button, "resume");
      g_signal_connect (button, "clicked", G_CALLBACK (resume_clicked_cb), self);
      adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
    }
  button = gtk_button_new_with_mnemonic (_("_Export…"));
  gtk_widget_set_name (button, "export");
  g_signal_connect (button, "clicked", G_CALLBACK (export_clicked_cb), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), button);
  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_tooltip_text (button, _("Delete Session"));
  gtk_widget_set_name (button, "delete");
  gtk_widget_add_css_class (button, "destructive-action");
  g_signal_connect (button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), button);
  gtk_box_append (GTK_BOX (box), header);

  view = gtk_text_view_new ();
  gtk_text_view_set_editable (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_monospace (GTK_TEXT_VIEW (view), TRUE);
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 18);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  scroller = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_box_append (GTK_BOX (box), scroller);

  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
row_activated_cb (GtkListView    *list,
                  guint           position,
                  KbdHistoryView *self)
{
  g_autoptr(KbdSessionRecord) record = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (record != NULL)
    kbd_history_view_open_record (self, record);
}

/* GObject ------------------------------------------------------------------------- */

static void
kbd_history_view_dispose (GObject *object)
{
  KbdHistoryView *self = KBD_HISTORY_VIEW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->results);
  g_clear_object (&self->model);
  g_clear_object (&self->history);
  g_clear_pointer (&self->searched, g_free);

  G_OBJECT_CLASS (kbd_history_view_parent_class)->dispose (object);
}

static void
kbd_history_view_class_init (KbdHistoryViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbd_history_view_dispose;

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_RESUME] =
    g_signal_new ("resume", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kbdhistoryview");
}

static GtkDropDown *
drop_down (const char *const *items,
           const char        *accessible)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GtkWidget *widget;

  for (guint i = 0; items[i] != NULL; i++)
    gtk_string_list_append (strings, _(items[i]));
  widget = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (strings)), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return GTK_DROP_DOWN (widget);
}

static void
kbd_history_view_init (KbdHistoryView *self)
{
  static const char *const outcomes[] = {
    N_("All outcomes"), N_("Resolved"), N_("Escalated"), N_("Not applicable"), N_("Unfinished"), NULL
  };
  static const char *const periods[] = {
    N_("Any time"), N_("Last 24 hours"), N_("Last 7 days"), N_("Last 30 days"), NULL
  };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkWidget *empty;
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->results = g_list_store_new (KBD_TYPE_SESSION_RECORD);
  self->selection = gtk_no_selection_new (NULL);

  self->search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  g_object_set (self->search, "placeholder-text", _("Search notes, answers and titles"), NULL);
  gtk_widget_set_hexpand (GTK_WIDGET (self->search), TRUE);
  g_signal_connect_swapped (self->search, "search-changed", G_CALLBACK (search_changed_cb), self);
  /* A search takes a few dozen milliseconds: answer every keystroke at once
   * rather than after GTK's default pause. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (self->search), "search-delay") != NULL)
    g_object_set (self->search, "search-delay", 0u, NULL);

  self->article = GTK_ENTRY (gtk_entry_new ());
  gtk_entry_set_placeholder_text (self->article, _("Article"));
  gtk_editable_set_width_chars (GTK_EDITABLE (self->article), 10);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->article), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Article"), -1);
  g_signal_connect_swapped (self->article, "changed", G_CALLBACK (filters_changed_cb), self);

  self->outcome = drop_down (outcomes, _("Outcome"));
  g_signal_connect_swapped (self->outcome, "notify::selected", G_CALLBACK (filters_changed_cb), self);
  self->period = drop_down (periods, _("Period"));
  g_signal_connect_swapped (self->period, "notify::selected", G_CALLBACK (filters_changed_cb), self);

  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->search));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->article));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->outcome));
  gtk_box_append (GTK_BOX (bar), GTK_WIDGET (self->period));
  gtk_widget_set_margin_top (bar, 12);
  gtk_widget_set_margin_bottom (bar, 6);
  gtk_widget_set_margin_start (bar, 12);
  gtk_widget_set_margin_end (bar, 12);
  gtk_box_append (GTK_BOX (box), bar);

  self->count = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->count, 0);
  gtk_widget_set_margin_start (GTK_WIDGET (self->count), 14);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->count), 6);
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->count), "caption");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->count));

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  self->list = GTK_LIST_VIEW (gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (self->selection)),
                                                 g_object_ref (factory)));
  gtk_list_view_set_single_click_activate (self->list, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->list), "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->list), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sessions"), -1);
  g_signal_connect (self->list, "activate", G_CALLBACK (row_activated_cb), self);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->list));

  empty = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (empty), "document-open-recent-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (empty), _("No Sessions"));
  adw_status_page_set_description (ADW_STATUS_PAGE (empty), _("Sessions appear here as they are recorded."));

  self->stack = GTK_STACK (gtk_stack_new ());
  gtk_stack_add_named (self->stack, scroller, "list");
  gtk_stack_add_named (self->stack, empty, "empty");
  gtk_widget_set_vexpand (GTK_WIDGET (self->stack), TRUE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->stack));

  gtk_widget_set_parent (box, GTK_WIDGET (self));
  update_count (self);
}

GtkWidget *
kbd_history_view_new (void)
{
  return g_object_new (KBD_TYPE_HISTORY_VIEW, NULL);
}

void
kbd_history_view_set_history (KbdHistoryView *self,
                              KbdHistory     *history)
{
  g_return_if_fail (KBD_IS_HISTORY_VIEW (self));

  if (self->history == history)
    return;
  g_set_object (&self->history, history);
  g_clear_object (&self->model);
  kbd_history_view_reload (self);
}

void
kbd_history_view_focus_search (KbdHistoryView *self)
{
  g_return_if_fail (KBD_IS_HISTORY_VIEW (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search));
}

void
kbd_history_view_set_search (KbdHistoryView *self,
                             const char     *text)
{
  g_return_if_fail (KBD_IS_HISTORY_VIEW (self));

  /* Replacing the text empties it first; searching that empty moment would
   * list the whole history for nothing. */
  g_signal_handlers_block_by_func (self->search, search_changed_cb, self);
  gtk_editable_set_text (GTK_EDITABLE (self->search), text);
  g_signal_handlers_unblock_by_func (self->search, search_changed_cb, self);
  kbd_history_view_reload (self);
}

void
kbd_history_view_set_outcome_filter (KbdHistoryView *self,
                                     guint           index)
{
  g_return_if_fail (KBD_IS_HISTORY_VIEW (self));
  gtk_drop_down_set_selected (self->outcome, index);
}

GListModel *
kbd_history_view_get_model (KbdHistoryView *self)
{
  g_return_val_if_fail (KBD_IS_HISTORY_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}
