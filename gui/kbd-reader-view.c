/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "kbd-gui-text.h"
#include "kbd-reader-view.h"

/* A classic reference article, to read: its header fields, then its
 * sections in one text view, so a selection can run across sections.
 * Everything from the file is inserted as text, never as markup. The
 * articles it mentions that the index holds are links; the view only
 * reports a link's id ("open-article"), the window looks it up in the index
 * again and opens it, so nothing but an indexed article can be opened. */

/* Lines shorter than this, followed by more text in the same paragraph,
 * were broken on purpose (lists of files, addresses): the archive wraps
 * prose at about 75 columns. */
#define SHORT_LINE 45

struct _KbdReaderView
{
  GtkWidget parent_instance;

  KbdReferenceArticle *article;
  GHashTable *targets;        /* mention ("Q123456") → KbdIndexResult */

  GtkScrolledWindow *scroller;
  GtkLabel *id_label;
  GtkLabel *title_label;
  GtkGrid *facts;
  GtkTextView *text_view;
  GtkWidget *links_group;
  GtkListBox *links_list;

  GtkTextTag *heading_tag;
  GtkTextTag *subheading_tag;
  GtkTextTag *preformatted_tag;
  GtkTextTag *rule_tag;
  GtkTextTag *link_tag;
  GPtrArray *target_tags;     /* one tag per link, naming its article */
  gboolean hovering_link;
};

enum {
  SIGNAL_OPEN_ARTICLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KbdReaderView, kbd_reader_view, GTK_TYPE_WIDGET)

/* Paragraphs ---------------------------------------------------------------- */

static gboolean
starts_list_item (const char *line)
{
  const char *p = line;

  if ((p[0] == '-' || p[0] == '*' || p[0] == 'o') && p[1] == ' ')
    return TRUE;
  while (g_ascii_isdigit (*p))
    p++;
  return p > line && (*p == '.' || *p == ')') && p[1] == ' ';
}

/* A separator line: one character of "-=_*" repeated, perhaps indented. */
static gboolean
is_rule (const char *line)
{
  const char *p = line;
  gsize n = 0;

  while (*p == ' ' || *p == '\t')
    p++;
  if (strchr ("-=_*", *p) == NULL || *p == '\0')
    return FALSE;
  while (p[n] == p[0])
    n++;
  return n >= 3 && p[n] == '\0';
}

/* Whether the line breaks of a paragraph carry meaning: indented blocks
 * (code, command lines, registry paths), tables (tabs, gaps of several
 * spaces), lists and lines broken short. Those are kept as written; the
 * rest is prose, wrapped by hand, which reads better wrapped to the
 * window. */
static gboolean
is_preformatted (char  **lines,
                 guint   n_lines)
{
  for (guint i = 0; i < n_lines; i++)
    {
      const char *line = lines[i];

      if (line[0] == ' ' || line[0] == '\t' || strchr (line, '\t') != NULL ||
          strstr (line, "   ") != NULL || starts_list_item (line))
        return TRUE;
      if (i + 1 < n_lines && g_utf8_strlen (line, -1) < SHORT_LINE)
        return TRUE;
    }
  return FALSE;
}

/* Links ------------------------------------------------------------------------ */

static void
insert_plain (KbdReaderView *self,
              GtkTextIter   *end,
              const char    *text,
              gsize          length,
              GtkTextTag    *block_tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_autofree char *piece = g_strndup (text, length);
  g_autofree char *broken = kbd_gui_break_long_runs (piece, FALSE);

  if (broken[0] != '\0')
    gtk_text_buffer_insert_with_tags (buffer, end, broken, -1, block_tag, NULL);
}

static void
insert_link (KbdReaderView  *self,
             GtkTextIter    *end,
             const char     *mention,
             KbdIndexResult *target,
             GtkTextTag     *block_tag)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextTag *target_tag = gtk_text_buffer_create_tag (buffer, NULL, NULL);

  g_object_set_data_full (G_OBJECT (target_tag), "kbd-link", g_strdup (kbd_index_result_get_id (target)), g_free);
  g_ptr_array_add (self->target_tags, target_tag);
  gtk_text_buffer_insert_with_tags (buffer, end, mention, -1, self->link_tag, target_tag, block_tag, NULL);
}

/* Inserts @text, with the mentions the index resolved as links. A mention
 * is found where the library finds it: "Q" and its digits, not inside a
 * word; only the exact mentions the library listed can be links. */
static void
insert_with_links (KbdReaderView *self,
                   GtkTextIter   *end,
                   const char    *text,
                   GtkTextTag    *block_tag)
{
  const char *done = text;

  for (const char *p = strchr (text, 'Q'); p != NULL; p = strchr (p + 1, 'Q'))
    {
      g_autofree char *mention = NULL;
      KbdIndexResult *target;
      gsize n = 0;

      if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '_'))
        continue;
      while (g_ascii_isdigit (p[1 + n]))
        n++;
      if (n == 0)
        continue;
      mention = g_strndup (p, n + 1);
      target = g_hash_table_lookup (self->targets, mention);
      if (target == NULL)
        continue;
      insert_plain (self, end, done, p - done, block_tag);
      insert_link (self, end, mention, target, block_tag);
      done = p + 1 + n;
      p += n;
    }
  insert_plain (self, end, done, strlen (done), block_tag);
}

/* Inserts a section's text paragraph by paragraph; a separator line is a
 * paragraph of its own, shown dimmed. */
static void
insert_section_text (KbdReaderView *self,
                     GtkTextIter   *end,
                     const char    *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint start = 0;
  gboolean first = TRUE;

  while (lines[start] != NULL)
    {
      guint stop = start;

      if (lines[start][0] == '\0')
        {
          start++;
          continue;
        }
      if (!first)
        gtk_text_buffer_insert (buffer, end, "\n\n", -1);
      first = FALSE;
      if (is_rule (lines[start]))
        {
          insert_plain (self, end, lines[start], strlen (lines[start]), self->rule_tag);
          start++;
          continue;
        }
      while (lines[stop] != NULL && lines[stop][0] != '\0' && !is_rule (lines[stop]))
        stop++;

      if (is_preformatted (lines + start, stop - start))
        {
          char *saved = lines[stop];
          g_autofree char *block = NULL;

          lines[stop] = NULL;
          block = g_strjoinv ("\n", lines + start);
          lines[stop] = saved;
          insert_with_links (self, end, block, self->preformatted_tag);
        }
      else
        {
          char *saved = lines[stop];
          g_autofree char *paragraph = NULL;

          lines[stop] = NULL;
          paragraph = g_strjoinv (" ", lines + start);
          lines[stop] = saved;
          insert_with_links (self, end, paragraph, NULL);
        }
      start = stop;
    }
}

static void
fill_text (KbdReaderView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  guint n = kbd_reference_article_get_n_sections (self->article);
  GtkTextIter end;

  gtk_text_buffer_set_text (buffer, "", 0);
  for (guint i = 0; i < self->target_tags->len; i++)
    gtk_text_tag_table_remove (gtk_text_buffer_get_tag_table (buffer), g_ptr_array_index (self->target_tags, i));
  g_ptr_array_set_size (self->target_tags, 0);
  gtk_text_buffer_get_end_iter (buffer, &end);
  for (guint i = 0; i < n; i++)
    {
      const char *title = kbd_reference_article_get_section_title (self->article, i);
      const char *text = kbd_reference_article_get_section_text (self->article, i);

      if (i > 0)
        gtk_text_buffer_insert (buffer, &end, "\n\n", -1);
      if (title != NULL)
        {
          GtkTextTag *tag = kbd_reference_article_get_section_level (self->article, i) <= 1
                            ? self->heading_tag : self->subheading_tag;

          insert_plain (self, &end, title, strlen (title), tag);
          gtk_text_buffer_insert (buffer, &end, "\n", -1);
        }
      insert_section_text (self, &end, text);
    }
}

gboolean
kbd_reader_view_follow_link_at (KbdReaderView     *self,
                                const GtkTextIter *iter)
{
  g_autoptr(GSList) tags = NULL;

  g_return_val_if_fail (KBD_IS_READER_VIEW (self), FALSE);
  g_return_val_if_fail (iter != NULL, FALSE);

  tags = gtk_text_iter_get_tags (iter);
  for (GSList *l = tags; l != NULL; l = l->next)
    {
      const char *id = g_object_get_data (l->data, "kbd-link");

      if (id != NULL)
        {
          g_autofree char *target = g_strdup (id);

          /* The handler may show another article, freeing this tag. */
          g_signal_emit (self, signals[SIGNAL_OPEN_ARTICLE], 0, target);
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
iter_at_point (KbdReaderView *self,
               double         x,
               double         y,
               GtkTextIter   *iter)
{
  int buffer_x, buffer_y;

  gtk_text_view_window_to_buffer_coords (self->text_view, GTK_TEXT_WINDOW_WIDGET,
                                         (int) x, (int) y, &buffer_x, &buffer_y);
  return gtk_text_view_get_iter_at_location (self->text_view, iter, buffer_x, buffer_y);
}

static void
text_released_cb (GtkGestureClick *gesture,
                  int              n_press,
                  double           x,
                  double           y,
                  KbdReaderView   *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  GtkTextIter start, end, iter;

  /* A drag that selected text is not a click on a link. */
  if (gtk_text_buffer_get_selection_bounds (buffer, &start, &end))
    return;
  if (iter_at_point (self, x, y, &iter))
    kbd_reader_view_follow_link_at (self, &iter);
}

static void
text_motion_cb (GtkEventControllerMotion *motion,
                double                    x,
                double                    y,
                KbdReaderView            *self)
{
  GtkTextIter iter;
  gboolean hovering = iter_at_point (self, x, y, &iter) && gtk_text_iter_has_tag (&iter, self->link_tag);

  if (hovering == self->hovering_link)
    return;
  self->hovering_link = hovering;
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self->text_view), hovering ? "pointer" : "text");
}

static void
link_row_activated_cb (KbdReaderView *self,
                       GtkListBoxRow *row)
{
  g_autofree char *target = g_strdup (g_object_get_data (G_OBJECT (row), "kbd-link"));

  if (target != NULL)
    g_signal_emit (self, signals[SIGNAL_OPEN_ARTICLE], 0, target);
}

/* Header ---------------------------------------------------------------------- */

static void
add_fact (KbdReaderView *self,
          int           *row,
          const char    *name,
          const char    *value)
{
  GtkWidget *key, *label;

  if (value == NULL || value[0] == '\0')
    return;
  key = gtk_label_new (name);
  label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (key), 0);
  gtk_label_set_yalign (GTK_LABEL (key), 0);
  gtk_widget_add_css_class (key, "dim-label");
  gtk_label_set_text (GTK_LABEL (label), value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_focusable (label, FALSE);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_grid_attach (self->facts, key, 0, *row, 1, 1);
  gtk_grid_attach (self->facts, label, 1, *row, 1, 1);
  (*row)++;
}

static void
fill_header (KbdReaderView *self)
{
  KbdReferenceArticle *article = self->article;
  GDateTime *date = kbd_reference_article_get_date (article);
  g_autofree char *day = date != NULL ? g_date_time_format (date, "%F") : NULL;
  g_autofree char *id_line = day != NULL
                             ? g_strdup_printf ("%s · %s", kbd_reference_article_get_id (article), day)
                             : g_strdup (kbd_reference_article_get_id (article));
  g_autofree char *keywords = g_strjoinv (", ", (char **) kbd_reference_article_get_keywords (article));
  g_autofree char *title = kbd_gui_break_long_runs (kbd_reference_article_get_title (article), FALSE);
  GtkWidget *child;
  int row = 0;

  gtk_label_set_text (self->id_label, id_line);
  gtk_label_set_text (self->title_label, title);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->facts))) != NULL)
    gtk_grid_remove (self->facts, child);
  add_fact (self, &row, _("Product"), kbd_reference_article_get_product (article));
  add_fact (self, &row, _("Versions"), kbd_reference_article_get_versions (article));
  add_fact (self, &row, _("Operating Systems"), kbd_reference_article_get_operating_systems (article));
  add_fact (self, &row, _("Keywords"), keywords);
  gtk_widget_set_visible (GTK_WIDGET (self->facts), row > 0);
}

/* Resolves the article's mentions in the index: those it holds become
 * links, listed once more below the text. */
static void
resolve_mentions (KbdReaderView *self,
                  KbdIndex      *index)
{
  g_autoptr(GPtrArray) mentions = kbd_reference_article_find_mentions (self->article);
  GtkWidget *child;

  g_hash_table_remove_all (self->targets);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->links_list))) != NULL)
    gtk_list_box_remove (self->links_list, child);

  for (guint i = 0; index != NULL && i < mentions->len; i++)
    {
      const char *mention = g_ptr_array_index (mentions, i);
      g_autoptr(KbdIndexResult) target = kbd_index_lookup (index, mention, NULL);
      g_autofree char *subtitle = NULL;
      GtkWidget *row, *icon;

      if (target == NULL)
        continue;
      subtitle = g_strdup_printf ("%s · %s", kbd_index_result_get_id (target),
                                  kbd_gui_kind_name (kbd_index_result_get_kind (target)));
      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kbd_index_result_get_title (target));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 1);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      icon = gtk_image_new_from_icon_name (kbd_gui_kind_icon (kbd_index_result_get_kind (target)));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      g_object_set_data_full (G_OBJECT (row), "kbd-link", g_strdup (kbd_index_result_get_id (target)), g_free);
      gtk_list_box_append (self->links_list, row);
      g_hash_table_insert (self->targets, g_strdup (mention), g_steal_pointer (&target));
    }
  gtk_widget_set_visible (self->links_group, g_hash_table_size (self->targets) > 0);
}

static void
update_link_colour (KbdReaderView *self)
{
  GdkRGBA colour = { 0.11, 0.44, 0.85, 1.0 };

  gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)), "accent_color", &colour);
  g_object_set (self->link_tag, "foreground-rgba", &colour, NULL);
}

/* Life cycle ------------------------------------------------------------------ */

static void
kbd_reader_view_css_changed (GtkWidget         *widget,
                             GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (kbd_reader_view_parent_class)->css_changed (widget, change);
  update_link_colour (KBD_READER_VIEW (widget));
}

static void
kbd_reader_view_dispose (GObject *object)
{
  KbdReaderView *self = KBD_READER_VIEW (object);

  g_clear_object (&self->article);
  g_clear_pointer (&self->targets, g_hash_table_unref);
  g_clear_pointer (&self->target_tags, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBD_TYPE_READER_VIEW);

  G_OBJECT_CLASS (kbd_reader_view_parent_class)->dispose (object);
}

static void
kbd_reader_view_class_init (KbdReaderViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbd_reader_view_dispose;
  widget_class->css_changed = kbd_reader_view_css_changed;

  /**
   * KbdReaderView::open-article:
   * @id: the id of an article in the index
   *
   * A link to another article was activated.
   */
  signals[SIGNAL_OPEN_ARTICLE] =
    g_signal_new ("open-article", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kbdecide/KbDecide/kbd-reader-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, scroller);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, id_label);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, title_label);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, facts);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, text_view);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, links_group);
  gtk_widget_class_bind_template_child (widget_class, KbdReaderView, links_list);
  gtk_widget_class_bind_template_callback (widget_class, link_row_activated_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kbdreaderview");
}

static void
kbd_reader_view_init (KbdReaderView *self)
{
  GtkTextBuffer *buffer;
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  self->targets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->target_tags = g_ptr_array_new ();

  buffer = gtk_text_view_get_buffer (self->text_view);
  self->heading_tag = gtk_text_buffer_create_tag (buffer, "heading",
                                                  "weight", PANGO_WEIGHT_BOLD,
                                                  "scale", 1.25,
                                                  "pixels-above-lines", 12,
                                                  "pixels-below-lines", 4,
                                                  NULL);
  self->subheading_tag = gtk_text_buffer_create_tag (buffer, "subheading",
                                                     "weight", PANGO_WEIGHT_BOLD,
                                                     "pixels-above-lines", 8,
                                                     "pixels-below-lines", 2,
                                                     NULL);
  self->preformatted_tag = gtk_text_buffer_create_tag (buffer, "preformatted",
                                                       "family", "monospace",
                                                       "left-margin", 12,
                                                       "wrap-mode", GTK_WRAP_CHAR,
                                                       "insert-hyphens", FALSE,
                                                       NULL);
  self->rule_tag = gtk_text_buffer_create_tag (buffer, "rule",
                                               "family", "monospace",
                                               "wrap-mode", GTK_WRAP_CHAR,
                                               "insert-hyphens", FALSE,
                                               "foreground-rgba", &(GdkRGBA) { 0.5, 0.5, 0.5, 0.6 },
                                               NULL);
  self->link_tag = gtk_text_buffer_create_tag (buffer, "link",
                                               "underline", PANGO_UNDERLINE_SINGLE,
                                               NULL);
  update_link_colour (self);

  g_signal_connect (click, "released", G_CALLBACK (text_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (motion, "motion", G_CALLBACK (text_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->text_view), motion);
}

GtkWidget *
kbd_reader_view_new (void)
{
  return g_object_new (KBD_TYPE_READER_VIEW, NULL);
}

/* Shows @article; its mentions of articles @index holds become links. */
void
kbd_reader_view_set_article (KbdReaderView       *self,
                             KbdReferenceArticle *article,
                             KbdIndex            *index)
{
  g_return_if_fail (KBD_IS_READER_VIEW (self));
  g_return_if_fail (KBD_IS_REFERENCE_ARTICLE (article));
  g_return_if_fail (index == NULL || KBD_IS_INDEX (index));

  g_set_object (&self->article, article);
  fill_header (self);
  resolve_mentions (self, index);
  fill_text (self);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

KbdReferenceArticle *
kbd_reader_view_get_article (KbdReaderView *self)
{
  g_return_val_if_fail (KBD_IS_READER_VIEW (self), NULL);
  return self->article;
}

GtkTextView *
kbd_reader_view_get_text_view (KbdReaderView *self)
{
  g_return_val_if_fail (KBD_IS_READER_VIEW (self), NULL);
  return self->text_view;
}
