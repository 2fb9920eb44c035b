/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n.h>

#include "kbd-gui-text.h"
#include "kbd-session-view.h"

/* One session on screen: the current question, procedure or outcome in
 * the middle, the path so far beside it (click an earlier question to
 * change its answer), notes on the other side. Everything it shows comes
 * from the KbdSession; everything it does is a KbdSession call. */

struct _KbdSessionView
{
  GtkWidget parent_instance;

  KbdSession *session;
  gulong notify_handler;

  AdwFlap *flap;
  GtkListBox *path_list;
  GtkScrolledWindow *scroller;
  GtkBox *page;
  GtkRevealer *notes_revealer;
  GtkTextView *note_entry;
  GtkListBox *note_list;
  GtkLabel *elapsed;
  guint tick;
};

enum {
  PROP_0,
  PROP_SESSION,
  PROP_NOTES_VISIBLE,
  N_PROPS
};

enum {
  SIGNAL_TOAST,
  SIGNAL_EXPORT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (KbdSessionView, kbd_session_view, GTK_TYPE_WIDGET)

static void
toast (KbdSessionView *self,
       const char     *message)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message);
}

static void
report (KbdSessionView *self,
        GError         *error)
{
  if (error != NULL)
    toast (self, error->message);
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static GtkWidget *
heading_label (const char *text,
               const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* A page's title: not selectable, so keyboard focus never lands on it and
 * selects it all. */
static GtkWidget *
title_label (const char *inline_text)
{
  GtkWidget *label = kbd_gui_text_label_new (inline_text, "title-2");

  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  return label;
}

/* The first control of a page that takes the keyboard: an answer, a check
 * box or a button. */
static GtkWidget *
first_control (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = first_control (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Question ----------------------------------------------------------------- */

static void
answer_clicked_cb (GtkButton      *button,
                   KbdSessionView *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kbd-answer-index"));

  kbd_session_view_choose_index (self, index);
}

static void
build_question (KbdSessionView *self,
                KbdNode        *node,
                guint           position)
{
  guint n_answers = 0;
  KbdAnswer *const *answers = kbd_node_get_answers (node, &n_answers);
  g_autofree char *counter = g_strdup_printf (_("Question %u"), position);
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);

  gtk_box_append (self->page, heading_label (counter, "dim-label"));
  gtk_box_append (self->page, title_label (kbd_node_get_prompt (node)));
  if (kbd_node_get_help (node) != NULL)
    gtk_box_append (self->page, kbd_gui_text_label_new (kbd_node_get_help (node), "body"));

  gtk_widget_set_margin_top (list, 12);
  gtk_widget_add_css_class (list, "kbd-answers");
  for (guint i = 0; i < n_answers; i++)
    {
      GtkWidget *button = gtk_button_new ();
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
      GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
      g_autofree char *key = i < 9 ? g_strdup_printf ("%u", i + 1) : g_strdup ("");
      GtkWidget *number = gtk_label_new (key);

      gtk_widget_add_css_class (number, "kbd-answer-key");
      gtk_widget_set_valign (number, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (row), number);
      gtk_box_append (GTK_BOX (texts), kbd_gui_text_label_new (kbd_answer_get_label (answers[i]), "heading"));
      if (kbd_answer_get_help (answers[i]) != NULL)
        gtk_box_append (GTK_BOX (texts), kbd_gui_text_label_new (kbd_answer_get_help (answers[i]), "dim-label"));
      gtk_widget_set_hexpand (texts, TRUE);
      gtk_box_append (GTK_BOX (row), texts);

      /* The labels inside stay selectable text; the button is what clicks. */
      for (GtkWidget *child = gtk_widget_get_first_child (texts); child; child = gtk_widget_get_next_sibling (child))
        gtk_label_set_selectable (GTK_LABEL (child), FALSE);

      gtk_button_set_child (GTK_BUTTON (button), row);
      gtk_widget_add_css_class (button, "kbd-answer");
      g_object_set_data (G_OBJECT (button), "kbd-answer-index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (answer_clicked_cb), self);
      gtk_box_append (GTK_BOX (list), button);
    }
  gtk_box_append (self->page, list);
}

/* Procedure ---------------------------------------------------------------- */

static void
step_toggled_cb (GtkCheckButton *check,
                 KbdSessionView *self)
{
  const char *step_id = g_object_get_data (G_OBJECT (check), "kbd-step-id");
  gboolean active = gtk_check_button_get_active (check);
  g_autoptr(GError) error = NULL;

  if (kbd_session_is_step_done (self->session, step_id) == active)
    return;
  if (!kbd_session_set_step_done (self->session, step_id, active, &error))
    report (self, error);
}

static void
continue_clicked_cb (GtkButton      *button,
                     KbdSessionView *self)
{
  g_autoptr(GError) error = NULL;

  if (!kbd_session_advance (self->session, &error))
    report (self, error);
}

static GtkWidget *
callout_box (KbdCallout *callout)
{
  static const char *const icons[] = {
    [KBD_CALLOUT_NOTE] = "dialog-information-symbolic",
    [KBD_CALLOUT_WARNING] = "dialog-warning-symbolic",
    [KBD_CALLOUT_IMPORTANT] = "emblem-important-symbolic",
  };
  static const char *const classes[] = {
    [KBD_CALLOUT_NOTE] = "kbd-callout-note",
    [KBD_CALLOUT_WARNING] = "kbd-callout-warning",
    [KBD_CALLOUT_IMPORTANT] = "kbd-callout-important",
  };
  const char *titles[] = {
    [KBD_CALLOUT_NOTE] = _("Note"),
    [KBD_CALLOUT_WARNING] = _("Warning"),
    [KBD_CALLOUT_IMPORTANT] = _("Important"),
  };
  KbdCalloutKind kind = kbd_callout_get_kind (callout);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (icons[kind]);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, titles[kind], -1);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (texts), heading_label (titles[kind], "heading"));
  gtk_box_append (GTK_BOX (texts), kbd_gui_text_label_new (kbd_callout_get_text (callout), NULL));
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);
  gtk_widget_add_css_class (box, "kbd-callout");
  gtk_widget_add_css_class (box, classes[kind]);
  return box;
}

static void
build_procedure (KbdSessionView *self,
                 KbdNode        *node)
{
  guint n_steps = 0;
  KbdStep *const *steps = kbd_node_get_steps (node, &n_steps);
  GtkWidget *list = gtk_box_new (GTK_ORIENTATION_VERTICAL, 14);
  GtkWidget *button;

  gtk_box_append (self->page, heading_label (_("Procedure"), "dim-label"));
  gtk_box_append (self->page, title_label (kbd_node_get_title (node)));
  if (kbd_node_get_intro (node) != NULL)
    gtk_box_append (self->page, kbd_gui_text_label_new (kbd_node_get_intro (node), "body"));

  gtk_widget_set_margin_top (list, 12);
  for (guint i = 0; i < n_steps; i++)
    {
      GtkWidget *step = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *number = g_strdup_printf ("%u.", i + 1);
      GtkWidget *number_label = gtk_label_new (number);
      GtkWidget *text = kbd_gui_text_label_new (kbd_step_get_text (steps[i]), NULL);
      guint n_substeps = 0, n_callouts = 0;
      KbdStep *const *substeps = kbd_step_get_substeps (steps[i], &n_substeps);
      KbdCallout *const *callouts = kbd_step_get_callouts (steps[i], &n_callouts);
      g_autofree char *check_label = g_strdup_printf (_("Step %u done"), i + 1);

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   kbd_session_is_step_done (self->session, kbd_step_get_id (steps[i])));
      g_object_set_data_full (G_OBJECT (check), "kbd-step-id", g_strdup (kbd_step_get_id (steps[i])), g_free);
      g_signal_connect (check, "toggled", G_CALLBACK (step_toggled_cb), self);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, check_label, -1);
      gtk_widget_set_valign (check, GTK_ALIGN_START);
      gtk_widget_set_valign (number_label, GTK_ALIGN_START);
      gtk_widget_add_css_class (number_label, "heading");
      gtk_widget_set_hexpand (text, TRUE);
      gtk_box_append (GTK_BOX (line), check);
      gtk_box_append (GTK_BOX (line), number_label);
      gtk_box_append (GTK_BOX (line), text);
      gtk_box_append (GTK_BOX (step), line);

      for (guint s = 0; s < n_substeps; s++)
        {
          GtkWidget *sub = kbd_gui_text_label_new (kbd_step_get_text (substeps[s]), NULL);
          GtkWidget *subline = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
          GtkWidget *bullet = gtk_label_new ("•");

          gtk_widget_set_valign (bullet, GTK_ALIGN_START);
          gtk_widget_set_hexpand (sub, TRUE);
          gtk_box_append (GTK_BOX (subline), bullet);
          gtk_box_append (GTK_BOX (subline), sub);
          gtk_widget_set_margin_start (subline, 56);
          gtk_box_append (GTK_BOX (step), subline);
        }
      for (guint c = 0; c < n_callouts; c++)
        {
          GtkWidget *box = callout_box (callouts[c]);

          gtk_widget_set_margin_start (box, 56);
          gtk_box_append (GTK_BOX (step), box);
        }
      gtk_widget_add_css_class (step, "kbd-step");
      gtk_box_append (GTK_BOX (list), step);
    }
  gtk_box_append (self->page, list);

  button = gtk_button_new_with_mnemonic (_("_Continue"));
  gtk_widget_add_css_class (button, "suggested-action");
  gtk_widget_add_css_class (button, "pill");
  gtk_widget_set_halign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (button, 18);
  g_signal_connect (button, "clicked", G_CALLBACK (continue_clicked_cb), self);
  gtk_box_append (self->page, button);
}

/* Outcome ------------------------------------------------------------------ */

static void
copy_summary_cb (GtkButton      *button,
                 KbdSessionView *self)
{
  g_autofree char *summary = kbd_session_build_summary (self->session, KBD_TEXT_FORMAT_PLAIN);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), summary);
  toast (self, _("Summary copied"));
}

static void
export_clicked_cb (GtkButton      *button,
                   KbdSessionView *self)
{
  g_signal_emit (self, signals[SIGNAL_EXPORT], 0);
}

static void
start_again_cb (GtkButton      *button,
                KbdSessionView *self)
{
  kbd_session_restart (self->session);
}

static void
build_outcome (KbdSessionView *self,
               KbdNode        *node)
{
  KbdOutcomeResult result = kbd_node_get_result (node);
  const char *icon = result == KBD_OUTCOME_RESOLVED ? "emblem-ok-symbolic"
                     : result == KBD_OUTCOME_ESCALATE ? "dialog-warning-symbolic"
                     : "action-unavailable-symbolic";
  const char *kind = result == KBD_OUTCOME_RESOLVED ? _("Resolved")
                     : result == KBD_OUTCOME_ESCALATE ? _("Escalate")
                     : _("Not applicable");
  const char *css = result == KBD_OUTCOME_RESOLVED ? "success"
                    : result == KBD_OUTCOME_ESCALATE ? "warning" : "dim-label";
  GtkWidget *image = gtk_image_new_from_icon_name (icon);
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *button;

  gtk_image_set_pixel_size (GTK_IMAGE (image), 64);
  gtk_widget_add_css_class (image, css);
  gtk_widget_set_halign (image, GTK_ALIGN_START);
  gtk_box_append (self->page, image);
  gtk_box_append (self->page, heading_label (kind, css));
  gtk_box_append (self->page, title_label (kbd_node_get_title (node)));
  gtk_box_append (self->page, kbd_gui_text_label_new (kbd_node_get_text (node), "body"));

  if (result == KBD_OUTCOME_ESCALATE)
    {
      gtk_box_append (self->page, heading_label (_("Contact"), "heading"));
      gtk_box_append (self->page, kbd_gui_text_label_new (kbd_node_get_contact (node), NULL));

      button = gtk_button_new_with_mnemonic (_("_Copy Summary"));
      gtk_widget_add_css_class (button, "suggested-action");
      gtk_widget_add_css_class (button, "pill");
      g_signal_connect (button, "clicked", G_CALLBACK (copy_summary_cb), self);
      gtk_box_append (GTK_BOX (buttons), button);
    }

  button = gtk_button_new_with_mnemonic (_("_Export Transcript…"));
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect (button, "clicked", G_CALLBACK (export_clicked_cb), self);
  gtk_box_append (GTK_BOX (buttons), button);

  button = gtk_button_new_with_mnemonic (_("_Start Again"));
  gtk_widget_add_css_class (button, "pill");
  g_signal_connect (button, "clicked", G_CALLBACK (start_again_cb), self);
  gtk_box_append (GTK_BOX (buttons), button);

  /* The actions come before the long summary, where a hurried
   * technician sees them without scrolling. */
  gtk_widget_set_margin_top (buttons, 6);
  gtk_widget_set_margin_bottom (buttons, 6);
  gtk_box_append (self->page, buttons);

  if (result == KBD_OUTCOME_ESCALATE)
    {
      g_autofree char *summary = kbd_session_build_summary (self->session, KBD_TEXT_FORMAT_PLAIN);
      GtkWidget *summary_label = gtk_label_new (summary);
      GtkWidget *frame = gtk_frame_new (NULL);

      gtk_box_append (self->page, heading_label (_("Hand-over summary"), "heading"));
      gtk_label_set_use_markup (GTK_LABEL (summary_label), FALSE);
      gtk_label_set_wrap (GTK_LABEL (summary_label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (summary_label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (summary_label), 0);
      gtk_label_set_selectable (GTK_LABEL (summary_label), TRUE);
      gtk_widget_set_focusable (summary_label, FALSE);
      gtk_widget_set_can_focus (summary_label, FALSE);
      gtk_widget_add_css_class (summary_label, "kbd-summary");
      gtk_frame_set_child (GTK_FRAME (frame), summary_label);
      gtk_box_append (self->page, frame);
    }
}

/* Path and notes ------------------------------------------------------------ */

static GtkWidget *
create_path_row (gpointer item,
                 gpointer user_data)
{
  KbdVisit *visit = item;
  KbdNode *node = kbd_visit_get_node (visit);
  KbdAnswer *answer = kbd_visit_get_answer (visit);
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  const char *title = kbd_node_get_kind (node) == KBD_NODE_QUESTION ? kbd_node_get_prompt (node)
                                                                     : kbd_node_get_title (node);
  GtkWidget *label = kbd_gui_text_label_new (title, NULL);

  gtk_label_set_selectable (GTK_LABEL (label), FALSE);
  gtk_label_set_lines (GTK_LABEL (label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (box), label);
  if (answer != NULL)
    {
      GtkWidget *answer_label = kbd_gui_text_label_new (kbd_answer_get_label (answer), "accent");
      gtk_label_set_selectable (GTK_LABEL (answer_label), FALSE);
      gtk_box_append (GTK_BOX (box), answer_label);
    }
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 10);
  gtk_widget_set_margin_end (box, 10);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  /* Only an earlier question can be gone back to. */
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), answer != NULL);
  gtk_widget_set_focusable (row, answer != NULL);
  return row;
}

static void
path_row_activated_cb (GtkListBox     *list,
                       GtkListBoxRow  *row,
                       KbdSessionView *self)
{
  g_autoptr(GError) error = NULL;

  if (!kbd_session_revisit (self->session, (guint) gtk_list_box_row_get_index (row), &error))
    report (self, error);
}

static void
refresh_notes (KbdSessionView *self)
{
  GPtrArray *events = kbd_session_get_events (self->session);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->note_list))) != NULL)
    gtk_list_box_remove (self->note_list, child);

  for (guint i = 0; i < events->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (events, i);
      GtkWidget *label;

      if (kbd_event_get_kind (event) != KBD_EVENT_NOTE)
        continue;
      label = gtk_label_new (kbd_event_get_text (event));
      gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_set_margin_top (label, 6);
      gtk_widget_set_margin_bottom (label, 6);
      gtk_widget_set_margin_start (label, 8);
      gtk_widget_set_margin_end (label, 8);
      gtk_list_box_append (self->note_list, label);
    }
}

static void
add_note_cb (GtkButton      *button,
             KbdSessionView *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->note_entry);
  GtkTextIter start, end;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  if (g_strstrip (text)[0] == '\0')
    return;
  if (!kbd_session_add_note (self->session, text, &error))
    {
      report (self, error);
      return;
    }
  gtk_text_buffer_set_text (buffer, "", 0);
  refresh_notes (self);
}

/* Current page --------------------------------------------------------------- */

static void
update_elapsed (KbdSessionView *self)
{
  gint64 seconds;
  g_autofree char *text = NULL;

  if (self->session == NULL)
    return;
  seconds = MAX (0, (g_get_real_time () - kbd_session_get_started_at (self->session)) / G_USEC_PER_SEC);
  text = seconds >= 3600 ? g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                                            (int) (seconds / 60 % 60), (int) (seconds % 60))
                         : g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));
  gtk_label_set_text (self->elapsed, text);
}

static gboolean
tick_cb (gpointer user_data)
{
  update_elapsed (user_data);
  return G_SOURCE_CONTINUE;
}

static void
rebuild_page (KbdSessionView *self)
{
  KbdNode *node;

  clear_box (self->page);
  if (self->session == NULL)
    return;

  node = kbd_session_get_current_node (self->session);
  switch (kbd_node_get_kind (node))
    {
    case KBD_NODE_QUESTION:
      build_question (self, node, g_list_model_get_n_items (kbd_session_get_path (self->session)));
      break;
    case KBD_NODE_PROCEDURE:
      build_procedure (self, node);
      break;
    case KBD_NODE_OUTCOME:
    default:
      build_outcome (self, node);
      break;
    }

  /* A new page starts at its top, with the keyboard on its first control;
   * the path list is rebuilt so the answers given show in it. */
  gtk_list_box_bind_model (self->path_list, kbd_session_get_path (self->session),
                           create_path_row, self, NULL);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
  {
    GtkWidget *control = first_control (GTK_WIDGET (self->page));
    if (control != NULL)
      gtk_widget_grab_focus (control);
  }
}

static void
current_node_changed_cb (KbdSession     *session,
                         GParamSpec     *pspec,
                         KbdSessionView *self)
{
  rebuild_page (self);
}

gboolean
kbd_session_view_choose_index (KbdSessionView *self,
                               guint           index)
{
  g_autoptr(GError) error = NULL;
  KbdNode *node;

  g_return_val_if_fail (KBD_IS_SESSION_VIEW (self), FALSE);

  if (self->session == NULL)
    return FALSE;
  node = kbd_session_get_current_node (self->session);
  if (kbd_node_get_kind (node) != KBD_NODE_QUESTION)
    return FALSE;
  if (!kbd_session_choose_index (self->session, index, &error))
    {
      report (self, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
continue_key_cb (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  KbdSessionView *self = KBD_SESSION_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->session == NULL ||
      kbd_node_get_kind (kbd_session_get_current_node (self->session)) != KBD_NODE_PROCEDURE)
    return FALSE;
  if (!kbd_session_advance (self->session, &error))
    report (self, error);
  return TRUE;
}

static gboolean
number_key_cb (GtkWidget *widget,
               GVariant  *args,
               gpointer   user_data)
{
  return kbd_session_view_choose_index (KBD_SESSION_VIEW (widget), g_variant_get_uint32 (args));
}

/* GObject --------------------------------------------------------------------- */

static void
kbd_session_view_dispose (GObject *object)
{
  KbdSessionView *self = KBD_SESSION_VIEW (object);

  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->session != NULL)
    g_clear_signal_handler (&self->notify_handler, self->session);
  g_clear_object (&self->session);
  gtk_widget_dispose_template (GTK_WIDGET (self), KBD_TYPE_SESSION_VIEW);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }

  G_OBJECT_CLASS (kbd_session_view_parent_class)->dispose (object);
}

static void
kbd_session_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KbdSessionView *self = KBD_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;
    case PROP_NOTES_VISIBLE:
      g_value_set_boolean (value, kbd_session_view_get_notes_visible (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_session_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KbdSessionView *self = KBD_SESSION_VIEW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      kbd_session_view_set_session (self, g_value_get_object (value));
      break;
    case PROP_NOTES_VISIBLE:
      kbd_session_view_set_notes_visible (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_session_view_class_init (KbdSessionViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = kbd_session_view_dispose;
  object_class->get_property = kbd_session_view_get_property;
  object_class->set_property = kbd_session_view_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, KBD_TYPE_SESSION,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_NOTES_VISIBLE] =
    g_param_spec_boolean ("notes-visible", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SIGNAL_EXPORT] =
    g_signal_new ("export-transcript", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/kbdecide/KbDecide/kbd-session-view.ui");
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, flap);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, path_list);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, scroller);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, page);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, notes_revealer);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, note_entry);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, note_list);
  gtk_widget_class_bind_template_child (widget_class, KbdSessionView, elapsed);
  gtk_widget_class_bind_template_callback (widget_class, path_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_note_cb);

  for (guint i = 0; i < 9; i++)
    gtk_widget_class_add_binding (widget_class, GDK_KEY_1 + i, 0, number_key_cb, "u", i);
  for (guint i = 0; i < 9; i++)
    gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_1 + i, 0, number_key_cb, "u", i);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, continue_key_cb, NULL);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK, continue_key_cb, NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "kbdsessionview");
}

static void
kbd_session_view_init (KbdSessionView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* A closed notes panel is out of the keyboard's way: GTK would move the
   * focus into its hidden content and Tab would get stuck there. */
  gtk_widget_set_can_focus (gtk_revealer_get_child (self->notes_revealer), FALSE);
}

GtkWidget *
kbd_session_view_new (void)
{
  return g_object_new (KBD_TYPE_SESSION_VIEW, NULL);
}

KbdSession *
kbd_session_view_get_session (KbdSessionView *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_VIEW (self), NULL);
  return self->session;
}

void
kbd_session_view_set_session (KbdSessionView *self,
                              KbdSession     *session)
{
  g_return_if_fail (KBD_IS_SESSION_VIEW (self));
  g_return_if_fail (session == NULL || KBD_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_clear_signal_handler (&self->notify_handler, self->session);
  g_set_object (&self->session, session);
  g_clear_handle_id (&self->tick, g_source_remove);

  if (session != NULL)
    {
      self->notify_handler = g_signal_connect (session, "notify::current-node",
                                               G_CALLBACK (current_node_changed_cb), self);
      gtk_list_box_bind_model (self->path_list, kbd_session_get_path (session),
                               create_path_row, self, NULL);
      self->tick = g_timeout_add_seconds (1, tick_cb, self);
      update_elapsed (self);
      refresh_notes (self);
    }
  else
    gtk_list_box_bind_model (self->path_list, NULL, NULL, NULL, NULL);

  rebuild_page (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
kbd_session_view_get_notes_visible (KbdSessionView *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_VIEW (self), FALSE);
  return gtk_revealer_get_reveal_child (self->notes_revealer);
}

void
kbd_session_view_set_notes_visible (KbdSessionView *self,
                                    gboolean        visible)
{
  g_return_if_fail (KBD_IS_SESSION_VIEW (self));

  if (kbd_session_view_get_notes_visible (self) == !!visible)
    return;
  gtk_widget_set_can_focus (gtk_revealer_get_child (self->notes_revealer), visible);
  gtk_revealer_set_reveal_child (self->notes_revealer, visible);
  if (visible)
    gtk_widget_grab_focus (GTK_WIDGET (self->note_entry));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NOTES_VISIBLE]);
}
