/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests: the pages built on a real session, driven as a person would
 * (click the buttons, tick the boxes), the whole window walked through
 * KB 312395 to an escalation, and the article library searched in the
 * index with reference articles read and their links followed. Runs on a
 * virtual display. */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "kbd-application.h"
#include "kbd-gui-text.h"
#include "kbd-history-view.h"
#include "kbd-reader-view.h"
#include "kbd-session-view.h"
#include "kbd-window.h"
#include "helpers/classic-kb.h"

static char *
kb_file (void)
{
  return g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
}

static KbdArticle *
load_article (void)
{
  g_autofree char *path = kb_file ();
  g_autoptr(GError) error = NULL;
  KbdArticle *article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);

  g_assert_no_error (error);
  return article;
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* Collects the widgets under @root that are of @type and, when given, carry
 * @css_class. */
static void
collect (GtkWidget  *root,
         GType       type,
         const char *css_class,
         GPtrArray  *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (css_class == NULL || gtk_widget_has_css_class (root, css_class)))
    g_ptr_array_add (found, root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    collect (child, type, css_class, found);
}

static GPtrArray *
find_all (GtkWidget  *root,
          GType       type,
          const char *css_class)
{
  GPtrArray *found = g_ptr_array_new ();

  collect (root, type, css_class, found);
  return found;
}

/* All the text of the labels under @root, one label per line. */
static char *
all_text (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL, NULL);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_widget_is_visible (g_ptr_array_index (labels, i)))
      g_string_append_printf (out, "%s\n", gtk_label_get_text (g_ptr_array_index (labels, i)));
  return g_string_free (out, FALSE);
}

static GtkWidget *
find_button_with_label (GtkWidget  *root,
                        const char *text)
{
  g_autoptr(GPtrArray) buttons = find_all (root, GTK_TYPE_BUTTON, NULL);

  for (guint i = 0; i < buttons->len; i++)
    {
      g_autofree char *inside = all_text (g_ptr_array_index (buttons, i));
      const char *label = gtk_button_get_label (g_ptr_array_index (buttons, i));

      if (strstr (inside, text) != NULL || (label != NULL && strstr (label, text) != NULL))
        return g_ptr_array_index (buttons, i);
    }
  return NULL;
}

static void
click (GtkWidget  *root,
       const char *text)
{
  GtkWidget *button = find_button_with_label (root, text);

  if (button == NULL)
    {
      g_autofree char *shown = all_text (root);
      g_error ("no button “%s” among:\n%s", text, shown);
    }
  g_signal_emit_by_name (button, "clicked");
  spin ();
}

static GtkWidget *
show_view (KbdSession *session)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *view = kbd_session_view_new ();

  kbd_session_view_set_session (KBD_SESSION_VIEW (view), session);
  gtk_window_set_child (GTK_WINDOW (window), view);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_present (GTK_WINDOW (window));
  spin ();
  return window;
}

static void
test_question_page (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  GtkWidget *window = show_view (session);
  GtkWidget *view = gtk_window_get_child (GTK_WINDOW (window));
  g_autoptr(GPtrArray) answers = find_all (view, GTK_TYPE_BUTTON, "kbd-answer");
  g_autofree char *text = all_text (view);

  g_assert_cmpuint (answers->len, ==, 2);
  g_assert_nonnull (strstr (text, "Was the SMTP component of IIS removed"));
  g_assert_nonnull (strstr (text, "Question 1"));

  click (view, "Yes");
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "server_role");
  g_clear_pointer (&text, g_free);
  text = all_text (view);
  g_assert_nonnull (strstr (text, "Node in a cluster"));
  g_assert_nonnull (strstr (text, "Stand-alone server"));

  /* Keys 1–9 answer: 2 is the cluster. */
  g_assert_true (kbd_session_view_choose_index (KBD_SESSION_VIEW (view), 1));
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "cluster_backup");
  g_assert_false (kbd_session_view_choose_index (KBD_SESSION_VIEW (view), 7));

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_path_revisit (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  GtkWidget *window = show_view (session);
  GtkWidget *view = gtk_window_get_child (GTK_WINDOW (window));
  g_autoptr(GPtrArray) lists = NULL;
  GtkListBox *path = NULL;

  click (view, "Yes");
  click (view, "Node in a cluster");
  click (view, "No such backup");
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "cluster_method2");

  /* The path list shows the answers; activating the second question goes
   * back to it and drops what came after. */
  lists = find_all (view, GTK_TYPE_LIST_BOX, "boxed-list");
  for (guint i = 0; i < lists->len && path == NULL; i++)
    if (gtk_list_box_get_row_at_index (g_ptr_array_index (lists, i), 3) != NULL)
      path = g_ptr_array_index (lists, i);
  g_assert_nonnull (path);
  {
    g_autofree char *text = all_text (GTK_WIDGET (path));
    g_assert_nonnull (strstr (text, "Node in a cluster"));
  }
  g_signal_emit_by_name (path, "row-activated", gtk_list_box_get_row_at_index (path, 1));
  spin ();
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "server_role");
  g_assert_cmpuint (g_list_model_get_n_items (kbd_session_get_path (session)), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
test_procedure_page (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  GtkWidget *window, *view;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GPtrArray) callouts = NULL;
  g_autofree char *text = NULL;

  g_assert_true (kbd_session_choose (session, "yes", NULL));
  g_assert_true (kbd_session_choose (session, "cluster", NULL));
  g_assert_true (kbd_session_choose (session, "no", NULL));
  window = show_view (session);
  view = gtk_window_get_child (GTK_WINDOW (window));

  checks = find_all (view, GTK_TYPE_CHECK_BUTTON, NULL);
  callouts = find_all (view, GTK_TYPE_BOX, "kbd-callout");
  g_assert_cmpuint (checks->len, ==, 2);
  g_assert_cmpuint (callouts->len, ==, 3);
  g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (callouts, 0), "kbd-callout-warning"));
  g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (callouts, 1), "kbd-callout-important"));
  g_assert_true (gtk_widget_has_css_class (g_ptr_array_index (callouts, 2), "kbd-callout-note"));

  text = all_text (view);
  g_assert_nonnull (strstr (text, "Move Group"));
  g_assert_null (strstr (text, "*Move Group*"));

  /* Ticking a box is recorded in the session, and unticking too. */
  gtk_check_button_set_active (g_ptr_array_index (checks, 0), TRUE);
  g_assert_true (kbd_session_is_step_done (session, "move_virtual_servers"));
  gtk_check_button_set_active (g_ptr_array_index (checks, 0), FALSE);
  g_assert_false (kbd_session_is_step_done (session, "move_virtual_servers"));
  gtk_check_button_set_active (g_ptr_array_index (checks, 1), TRUE);
  g_assert_true (kbd_session_is_step_done (session, "remove_iis"));

  click (view, "Continue");
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "common_files_check");

  gtk_window_destroy (GTK_WINDOW (window));
}

static void
count_cb (GtkWidget *widget,
          guint     *count)
{
  (*count)++;
}

static void
test_outcome_page (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, "Ana", "INC-5");
  GtkWidget *window, *view;
  g_autofree char *text = NULL;
  guint exported = 0;

  g_assert_true (kbd_session_choose (session, "yes", NULL));
  g_assert_true (kbd_session_choose (session, "cluster", NULL));
  g_assert_true (kbd_session_choose (session, "no", NULL));
  g_assert_true (kbd_session_advance (session, NULL));
  g_assert_true (kbd_session_choose (session, "yes", NULL));
  window = show_view (session);
  view = gtk_window_get_child (GTK_WINDOW (window));

  text = all_text (view);
  g_assert_nonnull (strstr (text, "Escalate"));
  g_assert_nonnull (strstr (text, "Contact Microsoft PSS to evict the cluster node"));
  g_assert_nonnull (strstr (text, "Microsoft Product Support Services (PSS)"));
  g_assert_nonnull (strstr (text, "Hand-over summary"));
  g_assert_nonnull (strstr (text, "Ticket: INC-5"));

  g_signal_connect (view, "export-transcript", G_CALLBACK (count_cb), &exported);
  click (view, "Export Transcript");
  g_assert_cmpuint (exported, ==, 1);

  click (view, "Copy Summary");
  {
    GdkClipboard *clipboard = gtk_widget_get_clipboard (view);
    GdkContentProvider *content = gdk_clipboard_get_content (clipboard);
    GValue value = G_VALUE_INIT;

    g_assert_nonnull (content);
    g_value_init (&value, G_TYPE_STRING);
    g_assert_true (gdk_content_provider_get_value (content, &value, NULL));
    g_assert_nonnull (strstr (g_value_get_string (&value), "Contact Microsoft PSS to evict the cluster node"));
    g_value_unset (&value);
  }

  click (view, "Start Again");
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "applies");

  gtk_window_destroy (GTK_WINDOW (window));
}

static const char hostile_json[] =
  "{\"format\":1,\"id\":\"KB000666\",\"language\":\"en\","
  "\"title\":\"<a href=\\\"file:///etc/passwd\\\">click</a> & <b>bold</b>\","
  "\"summary\":\"<span foreground='red'>x</span> &amp; &lt;\","
  "\"applies_to\":[{\"product\":\"<i>P</i>\"}],\"revision\":1,\"reviewed\":\"2026-11-25\","
  "\"source\":{\"publisher\":\"X\",\"reference\":\"KB000666\"},\"start\":\"q\",\"nodes\":{"
  "\"q\":{\"kind\":\"question\",\"prompt\":\"<a href=\\\"file:///etc/passwd\\\">Is it on?</a> & <b>\","
  "\"help\":\"@WORD@\","
  "\"answers\":[{\"id\":\"yes\",\"label\":\"<b>Yes</b> &\",\"next\":\"p\"},{\"id\":\"no\",\"label\":\"No <\",\"next\":\"done\"}]},"
  "\"p\":{\"kind\":\"procedure\",\"title\":\"<u>Do</u>\",\"steps\":[{\"id\":\"s\",\"text\":\"Run `<script>` & *</b>*\","
  "\"callouts\":[{\"id\":\"c\",\"kind\":\"warning\",\"text\":\"<big>careful</big>\"}]}],\"next\":\"done\"},"
  "\"done\":{\"kind\":\"outcome\",\"result\":\"escalate\",\"title\":\"<tt>Done</tt>\",\"text\":\"&#x41; &\","
  "\"escalation\":{\"contact\":\"<b>Boss</b>\",\"handover\":\"<i>all</i>\"}}}}";

/* No label that shows article text interprets markup. */
static void
assert_no_markup (GtkWidget *root)
{
  g_autoptr(GPtrArray) labels = find_all (root, GTK_TYPE_LABEL, NULL);

  for (guint i = 0; i < labels->len; i++)
    if (gtk_label_get_use_markup (g_ptr_array_index (labels, i)))
      g_error ("a label uses markup: %s", gtk_label_get_label (g_ptr_array_index (labels, i)));
}

static void
test_hostile_text (void)
{
  g_autofree char *word = g_strnfill (10000, 'W');
  g_autoptr(GString) json = g_string_new (hostile_json);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdSession) session = NULL;
  GtkWidget *window, *view;
  g_autofree char *text = NULL;

  g_string_replace (json, "@WORD@", word, 1);
  bytes = g_bytes_new (json->str, json->len);
  article = kbd_article_new_from_bytes (bytes, "hostile.json", KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  session = kbd_session_new (article, "<b>tech</b>", "<i>T</i>");
  window = show_view (session);
  view = gtk_window_get_child (GTK_WINDOW (window));

  text = all_text (view);
  assert_no_markup (view);
  g_assert_nonnull (strstr (text, "<a href=\"file:///etc/passwd\">Is it on?</a> & <b>"));
  {
    /* The long word is all there, with break opportunities (zero-width
     * spaces) so that it wraps quickly. */
    g_auto(GStrv) pieces = g_strsplit (text, "\xE2\x80\x8B", -1);
    g_autofree char *joined = g_strjoinv ("", pieces);

    g_assert_nonnull (strstr (joined, word));
  }
  g_assert_nonnull (strstr (text, "<b>Yes</b> &"));

  click (view, "<b>Yes</b>");
  g_clear_pointer (&text, g_free);
  text = all_text (view);
  assert_no_markup (view);
  g_assert_nonnull (strstr (text, "<u>Do</u>"));
  g_assert_nonnull (strstr (text, "Run <script> & </b>"));
  g_assert_nonnull (strstr (text, "<big>careful</big>"));

  click (view, "Continue");
  g_clear_pointer (&text, g_free);
  text = all_text (view);
  assert_no_markup (view);
  g_assert_nonnull (strstr (text, "<tt>Done</tt>"));
  g_assert_nonnull (strstr (text, "&#x41; &"));
  g_assert_nonnull (strstr (text, "<b>Boss</b>"));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* The whole window ----------------------------------------------------------------- */

typedef struct
{
  char *dir;
  char *db;
  KbdApplication *app;
} Fixture;

/* Removes @path and, for a folder, everything in it. */
static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_dir_close (dir);
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_unlink (path), ==, 0);
}

/* Runs the main loop until @done says so; fails after 20 seconds. */
static void
wait_until (gboolean (*done) (gpointer data),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
indexing_over (gpointer data)
{
  return !kbd_application_get_indexing (data);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *kb = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", NULL);
  static guint count;
  g_autofree char *id = g_strdup_printf ("io.github.kbdecide.KbDecide.Test%u", count++);

  f->dir = g_dir_make_tmp ("kbd-gui-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "history.db", NULL);
  g_setenv ("KBDECIDE_HISTORY", f->db, TRUE);
  {
    g_autofree char *index = g_build_filename (f->dir, "cache", "index.db", NULL);
    g_setenv ("KBDECIDE_INDEX", index, TRUE);
  }
  g_setenv ("KBDECIDE_KB_PATH", kb, TRUE);

  f->app = kbd_application_new ();
  g_application_set_application_id (G_APPLICATION (f->app), id);
  g_application_set_flags (G_APPLICATION (f->app),
                           g_application_get_flags (G_APPLICATION (f->app)) | G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (f->app), NULL, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (f->app));

  while (windows != NULL)
    {
      gtk_window_destroy (windows->data);
      windows = gtk_application_get_windows (GTK_APPLICATION (f->app));
    }
  /* Closing the last window cancels indexing; the update ends between two
   * files and lets go of the application. */
  wait_until (indexing_over, f->app);
  spin ();
  g_clear_object (&f->app);
  g_unsetenv ("KBDECIDE_HISTORY");
  g_unsetenv ("KBDECIDE_INDEX");
  remove_tree (f->dir);
  g_free (f->db);
  g_free (f->dir);
}

static KbdWindow *
open_window (Fixture *f)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (f->app));
  kbd_application_load (f->app);
  spin ();
  window = gtk_application_get_active_window (GTK_APPLICATION (f->app));
  g_assert_true (KBD_IS_WINDOW (window));
  return KBD_WINDOW (window);
}

static const char *
visible_page (KbdWindow *window)
{
  g_autoptr(GPtrArray) stacks = find_all (GTK_WIDGET (window), GTK_TYPE_STACK, NULL);

  for (guint i = 0; i < stacks->len; i++)
    {
      const char *name = gtk_stack_get_visible_child_name (g_ptr_array_index (stacks, i));
      if (name != NULL && gtk_stack_get_child_by_name (g_ptr_array_index (stacks, i), "problems") != NULL)
        return name;
    }
  return NULL;
}

static GtkWidget *
page_widget (KbdWindow  *window,
             const char *name)
{
  g_autoptr(GPtrArray) stacks = find_all (GTK_WIDGET (window), GTK_TYPE_STACK, NULL);

  for (guint i = 0; i < stacks->len; i++)
    if (gtk_stack_get_child_by_name (g_ptr_array_index (stacks, i), "problems") != NULL)
      return gtk_stack_get_child_by_name (g_ptr_array_index (stacks, i), name);
  return NULL;
}

static void
open_kb312395 (Fixture   *f,
               KbdWindow *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article =
    kbd_catalog_load (kbd_application_get_catalog (f->app), "KB312395", &error);

  g_assert_no_error (error);
  kbd_window_show_article (window, article);
  g_assert_cmpstr (visible_page (window), ==, "start");
}

static void
test_window_escalation (Fixture       *f,
                        gconstpointer  data)
{
  KbdWindow *window = open_window (f);
  GtkWidget *session_page;
  KbdSession *session;
  KbdHistory *history = kbd_application_get_history (f->app);
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *transcript_path = g_build_filename (f->dir, "transcript.md", NULL);
  g_autoptr(GFile) transcript = g_file_new_for_path (transcript_path);
  g_autofree char *exported = NULL;

  g_assert_nonnull (history);
  g_assert_cmpuint (g_list_model_get_n_items (kbd_catalog_get_entries (kbd_application_get_catalog (f->app))), >=, 1);
  open_kb312395 (f, window);

  /* Type a ticket and start. */
  entries = find_all (page_widget (window, "start"), ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_cmpuint (entries->len, ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (entries, 0)), "INC-2001");
  click (page_widget (window, "start"), "Start Troubleshooting");
  g_assert_cmpstr (visible_page (window), ==, "session");
  session = kbd_window_get_session (window);
  g_assert_nonnull (session);
  g_assert_cmpstr (kbd_session_get_ticket (session), ==, "INC-2001");

  /* Cluster → no backup → Common Files removed → escalation. */
  session_page = page_widget (window, "session");
  click (session_page, "Yes");
  click (session_page, "Node in a cluster");
  click (session_page, "No such backup");
  click (session_page, "Continue");
  click (session_page, "Yes, Common Files was removed");
  g_assert_true (kbd_session_get_finished (session));
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (session)), ==, "common_files_escalate");

  text = all_text (session_page);
  g_assert_nonnull (strstr (text, "Contact Microsoft PSS to evict the cluster node"));
  g_assert_nonnull (strstr (text, "Hand-over summary"));
  g_assert_nonnull (strstr (text, "INC-2001"));

  /* The history has it, finished, and the transcript says so. */
  g_assert_true (kbd_history_flush (history, &error));
  record = kbd_history_get_session (history, kbd_session_get_uuid (session), &error);
  g_assert_no_error (error);
  g_assert_cmpint (kbd_session_record_get_outcome (record), ==, KBD_OUTCOME_ESCALATE);
  g_assert_cmpstr (kbd_session_record_get_ticket (record), ==, "INC-2001");

  g_assert_true (kbd_window_export_transcript (window, kbd_session_get_uuid (session), transcript, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (transcript_path, &exported, NULL, NULL));
  g_assert_true (g_str_has_prefix (exported, "# KB312395"));
  g_assert_nonnull (strstr (exported, "INC-2001"));
  g_assert_nonnull (strstr (exported, "Microsoft Product Support Services (PSS)"));
  g_unlink (transcript_path);
}

static void
test_window_resume (Fixture       *f,
                    gconstpointer  data)
{
  KbdWindow *window = open_window (f);
  g_autofree char *uuid = NULL;
  g_autoptr(GError) error = NULL;
  KbdSession *resumed;

  open_kb312395 (f, window);
  click (page_widget (window, "start"), "Start Troubleshooting");
  click (page_widget (window, "session"), "Yes");
  click (page_widget (window, "session"), "Node in a cluster");
  uuid = g_strdup (kbd_session_get_uuid (kbd_window_get_session (window)));

  /* The window goes away mid-session… */
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();

  /* …and a new one finds the session unfinished and resumes it exactly. */
  window = open_window (f);
  open_kb312395 (f, window);
  g_assert_true (gtk_widget_is_sensitive (find_button_with_label (page_widget (window, "start"), "Resume")));
  click (page_widget (window, "start"), "Resume");
  g_assert_cmpstr (visible_page (window), ==, "session");
  resumed = kbd_window_get_session (window);
  g_assert_cmpstr (kbd_session_get_uuid (resumed), ==, uuid);
  g_assert_cmpstr (kbd_node_get_id (kbd_session_get_current_node (resumed)), ==, "cluster_backup");
  g_assert_true (kbd_window_resume (window, uuid, &error));
  g_assert_no_error (error);
}

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  guint      *count)
{
  (*count)++;
}

static void
test_history_search (Fixture       *f,
                     gconstpointer  data)
{
  KbdWindow *window = open_window (f);
  KbdSession *session;
  GtkWidget *view;
  GListModel *model;

  open_kb312395 (f, window);
  click (page_widget (window, "start"), "Start Troubleshooting");
  session = kbd_window_get_session (window);
  g_assert_true (kbd_session_add_note (session, "caller reports flamingo errors in the queue", NULL));
  click (page_widget (window, "session"), "No");

  gtk_widget_activate_action (GTK_WIDGET (window), "win.history", NULL);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "history");
  view = page_widget (window, "history");
  model = kbd_history_view_get_model (KBD_HISTORY_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  kbd_history_view_set_search (KBD_HISTORY_VIEW (view), "flamingo");
  model = kbd_history_view_get_model (KBD_HISTORY_VIEW (view));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(KbdSessionRecord) record = g_list_model_get_item (model, 0);
    g_assert_cmpstr (kbd_session_record_get_uuid (record), ==, kbd_session_get_uuid (session));
  }
  kbd_history_view_set_search (KBD_HISTORY_VIEW (view), "pelican");
  g_assert_cmpuint (g_list_model_get_n_items (kbd_history_view_get_model (KBD_HISTORY_VIEW (view))), ==, 0);

  /* Typed a character at a time: each keystroke searches once, and the
   * list follows the text. */
  {
    g_autoptr(GPtrArray) entries = find_all (view, GTK_TYPE_SEARCH_ENTRY, NULL);
    GtkWidget *entry = g_ptr_array_index (entries, 0);
    const char *typed = "flamx";
    guint changes = 0;
    gulong handler;

    kbd_history_view_set_search (KBD_HISTORY_VIEW (view), "");
    model = kbd_history_view_get_model (KBD_HISTORY_VIEW (view));
    handler = g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), &changes);
    for (guint i = 0; typed[i] != '\0'; i++)
      {
        int position = -1;

        changes = 0;
        gtk_editable_insert_text (GTK_EDITABLE (entry), typed + i, 1, &position);
        spin ();
        /* "f" … "flam" find the session (its note, or "functionality" in
         * the title); "flamx" finds nothing. */
        g_assert_cmpuint (g_list_model_get_n_items (model), ==, typed[i] == 'x' ? 0 : 1);
        g_assert_cmpuint (changes, ==, 1);
      }
    /* Setting the text searches at once, and not again when the entry
     * reports the change. */
    changes = 0;
    kbd_history_view_set_search (KBD_HISTORY_VIEW (view), "flamingo");
    g_assert_cmpuint (changes, ==, 1);
    spin ();
    g_assert_cmpuint (changes, ==, 1);
    g_signal_handler_disconnect (model, handler);
  }

  /* The transcript window shows the session and labels no markup. */
  kbd_history_view_set_search (KBD_HISTORY_VIEW (view), "");
  {
    g_autoptr(KbdSessionRecord) record = g_list_model_get_item (kbd_history_view_get_model (KBD_HISTORY_VIEW (view)), 0);
    GtkWidget *transcript = kbd_history_view_open_record (KBD_HISTORY_VIEW (view), record);
    g_autoptr(GPtrArray) views = find_all (transcript, GTK_TYPE_TEXT_VIEW, NULL);
    GtkTextBuffer *buffer = gtk_text_view_get_buffer (g_ptr_array_index (views, 0));
    GtkTextIter start, end;
    g_autofree char *shown = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &end);
    shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    g_assert_nonnull (strstr (shown, "flamingo"));
    gtk_window_destroy (GTK_WINDOW (transcript));
  }
}

static void
test_invalid_file (Fixture       *f,
                   gconstpointer  data)
{
  KbdWindow *window = open_window (f);
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "kb", "n_invalid-article.dangling-target.json", NULL);
  g_autofree char *syntax = g_build_filename (KBD_TEST_SRCDIR, "kb", "n_duplicate-key.answer.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) broken = g_file_new_for_path (syntax);
  g_autofree char *text = NULL;

  kbd_window_open_file (window, file);
  g_assert_cmpstr (visible_page (window), ==, "problems");
  text = all_text (page_widget (window, "problems"));
  g_assert_nonnull (strstr (text, ":20:9: error: "));
  g_assert_nonnull (strstr (text, "[dangling-target]"));

  kbd_window_open_file (window, broken);
  g_clear_pointer (&text, g_free);
  text = all_text (page_widget (window, "problems"));
  g_assert_nonnull (strstr (text, "appears twice"));
  g_assert_null (strstr (text, "[dangling-target]"));
}

/* Tab walks the procedure page and the path without ever getting stuck:
 * every step's box and Continue are reached, and the focus moves on every
 * press (selectable labels and the closed notes panel are no traps). */
static void
test_keyboard_tab_cycle (void)
{
  g_autoptr(KbdArticle) article = load_article ();
  g_autoptr(KbdSession) session = kbd_session_new (article, NULL, NULL);
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GtkWidget *window, *view, *cont, *previous = NULL;
  guint presses;

  g_assert_true (kbd_session_choose (session, "yes", NULL));
  g_assert_true (kbd_session_choose (session, "cluster", NULL));
  g_assert_true (kbd_session_choose (session, "no", NULL));
  window = show_view (session);
  view = gtk_window_get_child (GTK_WINDOW (window));
  checks = find_all (view, GTK_TYPE_CHECK_BUTTON, NULL);
  cont = find_button_with_label (view, "Continue");
  g_assert_cmpuint (checks->len, >=, 2);
  g_assert_nonnull (cont);

  presses = 3 * (checks->len + 8);
  for (guint i = 0; i < presses; i++)
    {
      GtkWidget *focus;

      g_signal_emit_by_name (window, "move-focus", GTK_DIR_TAB_FORWARD);
      spin ();
      focus = gtk_root_get_focus (GTK_ROOT (window));
      g_assert_nonnull (focus);
      g_assert_true (focus != previous);
      g_assert_false (GTK_IS_LABEL (focus));
      g_hash_table_add (seen, focus);
      previous = focus;
    }
  for (guint i = 0; i < checks->len; i++)
    g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (checks, i)));
  g_assert_true (g_hash_table_contains (seen, cont));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* A run of text too long to wrap quickly gets break opportunities; a path
 * or command of ordinary length is left exactly as written, so it copies
 * intact. */
static void
test_long_runs_break (void)
{
  g_autofree char *word = g_strnfill (10000, 'W');
  g_autofree char *path = g_strconcat ("Copy `C:\\", g_strnfill (150, 'p'), "\\Metabase.bin` now", NULL);
  GtkWidget *label = g_object_ref_sink (kbd_gui_text_label_new (word, NULL));
  GtkWidget *short_label = g_object_ref_sink (kbd_gui_text_label_new (path, NULL));
  const char *shown = gtk_label_get_text (GTK_LABEL (label));
  g_autofree char *expected_path = kbd_text_render (path, KBD_TEXT_FORMAT_PLAIN);
  guint letters = 0, breaks = 0;

  for (const char *p = shown; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch == 'W')
        letters++;
      else
        {
          g_assert_cmpint (ch, ==, 0x200B);
          breaks++;
        }
    }
  g_assert_cmpuint (letters, ==, 10000);
  g_assert_cmpuint (breaks, >=, 10000 / 100);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (short_label)), ==, expected_path);

  g_object_unref (label);
  g_object_unref (short_label);
}

/* The longest step text the format allows wraps from a 20-character
 * minimum width (measured at width 0, GTK would lay it out one character
 * per line); a short text keeps its own width, also after a long one was
 * shown in the same label; the text is unchanged either way. */
static void
test_long_text_width_floor (void)
{
  GString *step = g_string_new (NULL);
  GtkWidget *label, *answer;
  int minimum, natural, short_minimum, height;

  while (step->len + 8 <= 16384)
    g_string_append (step, "restart ");
  label = g_object_ref_sink (kbd_gui_text_label_new (step->str, NULL));
  answer = g_object_ref_sink (kbd_gui_text_label_new ("No", NULL));

  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (label)), ==, 20);
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (answer)), ==, -1);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, step->str);

  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
  gtk_widget_measure (answer, GTK_ORIENTATION_HORIZONTAL, -1, &short_minimum, NULL, NULL, NULL);
  /* Narrow enough for the narrow layout (360 px), and wrapped: at 300 px
   * the text is many lines high. */
  g_assert_cmpint (minimum, <=, 300);
  g_assert_cmpint (natural, >, 2000);
  g_assert_cmpint (short_minimum, <, minimum);
  gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, 300, &height, NULL, NULL, NULL);
  g_assert_cmpint (height, >, 50 * short_minimum / 2);

  /* The same label given a short text again is an ordinary label. */
  kbd_gui_label_set_article_text (GTK_LABEL (label), "Yes");
  g_assert_cmpint (gtk_label_get_width_chars (GTK_LABEL (label)), ==, -1);

  g_object_unref (label);
  g_object_unref (answer);
  g_string_free (step, TRUE);
}

/* Run with KBD_TEST_LOCALIZED=de (LANGUAGE=de) or =pseudo (a catalog that
 * wraps every program string in [[…]]): the start page speaks the user's
 * language, program strings and, in German, the article too. */
static void
test_localized_start_page (Fixture       *f,
                           gconstpointer  data)
{
  const char *mode = g_getenv ("KBD_TEST_LOCALIZED");
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdArticle) shown = NULL;
  g_autofree char *text = NULL;
  g_autofree char *start = NULL;
  g_auto(GStrv) lines = NULL;
  KbdWindow *window;

  if (mode == NULL)
    {
      g_test_skip ("runs with KBD_TEST_LOCALIZED=de or pseudo");
      return;
    }

  /* Translated, with the mnemonic's underline gone as the label shows it. */
  {
    g_auto(GStrv) parts = g_strsplit (_("_Start Troubleshooting"), "_", -1);
    start = g_strjoinv ("", parts);
  }
  if (g_str_equal (start, "Start Troubleshooting"))
    {
      g_test_skip ("no catalog for this language (the locale may be missing)");
      return;
    }

  window = open_window (f);
  article = load_article ();
  kbd_window_show_article (window, article);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "start");
  text = all_text (page_widget (window, "start"));
  if (strstr (text, start) == NULL)
    g_error ("“%s” is not on the start page:\n%s", start, text);
  if (!g_str_equal (mode, "pseudo"))
    g_assert_null (strstr (text, "Start Troubleshooting"));

  shown = kbd_article_new_for_languages (article, NULL, NULL);
  if (g_str_equal (mode, "de"))
    {
      g_autofree char *title = kbd_text_render (kbd_article_get_title (shown), KBD_TEXT_FORMAT_PLAIN);
      g_autofree char *title_en = kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN);

      g_assert_cmpstr (kbd_article_get_language (shown), ==, "de");
      g_assert_nonnull (strstr (text, title));
      g_assert_null (strstr (text, title_en));
      return;
    }

  /* Pseudo: every label is a wrapped program string or article text. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      g_autofree char *summary = kbd_text_render (kbd_article_get_summary (shown), KBD_TEXT_FORMAT_PLAIN);
      g_autofree char *title = kbd_text_render (kbd_article_get_title (shown), KBD_TEXT_FORMAT_PLAIN);
      gboolean has_letters = FALSE;

      for (const char *p = line; *p != '\0'; p++)
        has_letters |= g_ascii_isalpha (*p);
      if (!has_letters || strstr (line, "[[") != NULL)
        continue;
      if (g_str_equal (line, kbd_article_get_id (shown)) || g_str_equal (line, title) ||
          g_str_equal (line, summary) || strstr (line, "Exchange") != NULL)
        continue;
      g_error ("the start page shows “%s”, which did not go through gettext", line);
    }
}


/* The article library ---------------------------------------------------------------- */

/* A classic KB article: the header, then SYMPTOMS and MORE INFORMATION. */
static void
write_reference (const char *folder,
                 const char *id,
                 const char *title,
                 const char *symptoms,
                 const char *more)
{
  g_autofree char *name = g_strconcat (id, ".TXT", NULL);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autofree char *text =
    kbd_test_classic_text (&(KbdTestClassic) { id, title, "Microsoft Exchange", "5.5", "WINDOWS",
                                               "kbsmtp kbqueue", symptoms, more });
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

/* A folder with KB312395, two reference articles that mention each other,
 * and a file that is no article; an article outside the folder that one of
 * them mentions. Returns the folder. */
static char *
make_library (Fixture *f)
{
  g_autofree char *source = kb_file ();
  g_autofree char *outside = g_build_filename (f->dir, "outside", NULL);
  g_autofree char *tree = NULL;
  g_autofree char *broken = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  char *folder = g_build_filename (f->dir, "kb", NULL);
  gsize length;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0700), ==, 0);
  g_assert_true (g_file_get_contents (source, &contents, &length, &error));
  tree = g_build_filename (folder, "KB312395.json", NULL);
  g_assert_true (g_file_set_contents (tree, contents, length, &error));

  write_reference (folder, "Q123456", "Flamingo queue stalls after the relay restarts",
                   "Mail waits in the queue; the log shows <b>bold</b> & <i>more</i>.",
                   "Stop the service, then start it again:\r\n"
                   "\r\n"
                   "   net stop smtpsvc\r\n"
                   "   net start smtpsvc\r\n"
                   "\r\n"
                   "See Q234567 for the relay, Q999999 for nothing and Q555555 outside.");
  {
    g_autofree char *word = g_strnfill (10000, 'W');
    g_autofree char *more = g_strconcat ("When the SMTP component is gone, follow Q312395.\r\n\r\n", word, NULL);

    write_reference (folder, "Q234567", "How to configure the relay",
                     "The relay drops a flamingo message now and then.", more);
  }
  write_reference (outside, "Q555555", "Flamingo article outside the folders",
                   "Never to be opened.", "Nothing.");
  broken = g_build_filename (folder, "Q777777.TXT", NULL);
  g_assert_true (g_file_set_contents (broken, "DOCUMENT:nothing\r\n", -1, &error));
  return folder;
}

static GtkWidget *
window_child (KbdWindow  *window,
              const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (window), KBD_TYPE_WINDOW, name));
}

static GListModel *
library_model (KbdWindow *window)
{
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (window_child (window, "library_list"))));
}

typedef struct
{
  KbdWindow *window;
  const char *first_id;
} SearchWait;

static gboolean
first_result_is (gpointer data)
{
  SearchWait *wait = data;
  g_autoptr(GObject) first = g_list_model_get_item (library_model (wait->window), 0);

  return KBD_IS_INDEX_RESULT (first) &&
         g_strcmp0 (kbd_index_result_get_id (KBD_INDEX_RESULT (first)), wait->first_id) == 0;
}

/* Types @query into the library's search entry as a person would, and
 * waits for the search to run (after the entry's search delay). */
static void
search_library (KbdWindow  *window,
                const char *query,
                const char *first_id)
{
  SearchWait wait = { window, first_id };

  gtk_editable_set_text (GTK_EDITABLE (window_child (window, "library_search")), query);
  wait_until (first_result_is, &wait);
}

static KbdIndexResult *
result_at (KbdWindow *window,
           guint      position)
{
  g_autoptr(GObject) item = g_list_model_get_item (library_model (window), position);

  g_assert_true (KBD_IS_INDEX_RESULT (item));
  return KBD_INDEX_RESULT (item);  /* the model keeps it */
}

static char *
reader_text (GtkWidget *reader)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kbd_reader_view_get_text_view (KBD_READER_VIEW (reader)));
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static const char *
reader_id (GtkWidget *reader)
{
  return kbd_reference_article_get_id (kbd_reader_view_get_article (KBD_READER_VIEW (reader)));
}

/* Follows what the text shows at the first occurrence of @text, as a click
 * there does; returns whether it was a link. */
static gboolean
click_text (GtkWidget  *reader,
            const char *text)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kbd_reader_view_get_text_view (KBD_READER_VIEW (reader)));
  GtkTextIter start, match, match_end;
  gboolean followed;

  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, text, 0, &match, &match_end, NULL));
  gtk_text_iter_forward_char (&match);
  followed = kbd_reader_view_follow_link_at (KBD_READER_VIEW (reader), &match);
  spin ();
  return followed;
}

static gboolean
has_tag_at (GtkWidget  *reader,
            const char *text,
            const char *tag_name)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (kbd_reader_view_get_text_view (KBD_READER_VIEW (reader)));
  GtkTextTag *tag = gtk_text_tag_table_lookup (gtk_text_buffer_get_tag_table (buffer), tag_name);
  GtkTextIter start, match, match_end;

  g_assert_nonnull (tag);
  gtk_text_buffer_get_start_iter (buffer, &start);
  g_assert_true (gtk_text_iter_forward_search (&start, text, 0, &match, &match_end, NULL));
  return gtk_text_iter_has_tag (&match, tag);
}

/* Indexing runs at start with its progress shown, and goes away when done;
 * until then the library is filtered by title. The search then finds both
 * kinds of article, ranked, and ids in any spelling; a file that is no
 * article is listed among the index's problems. */
static void
test_library_search (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *folder = make_library (f);
  GtkWidget *label, *search;
  KbdWindow *window;
  g_autofree char *text = NULL;

  g_setenv ("KBDECIDE_KB_PATH", folder, TRUE);
  g_application_activate (G_APPLICATION (f->app));
  window = KBD_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  kbd_application_load (f->app);

  /* Indexing has started: the progress shows, the index is not searched. */
  g_assert_true (kbd_application_get_indexing (f->app));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (window_child (window, "index_revealer"))));
  label = window_child (window, "index_label");
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "Indexing articles…"));
  search = window_child (window, "library_search");
  gtk_editable_set_text (GTK_EDITABLE (search), "Exchange");
  g_signal_emit_by_name (search, "search-changed");
  g_assert_cmpuint (g_list_model_get_n_items (library_model (window)), >=, 1);
  {
    g_autoptr(GObject) first = g_list_model_get_item (library_model (window), 0);
    g_assert_true (KBD_IS_CATALOG_ENTRY (first));
    g_assert_cmpstr (kbd_catalog_entry_get_id (KBD_CATALOG_ENTRY (first)), ==, "KB312395");
  }

  wait_until (indexing_over, f->app);
  spin ();
  g_assert_true (kbd_application_get_index_ready (f->app));
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (window_child (window, "index_revealer"))));
  g_assert_cmpuint (kbd_index_get_n_articles (kbd_application_get_index (f->app)), >=, 3);

  /* The title in the words' favour ranks first; both are reference
   * articles, with a snippet around the word. */
  search_library (window, "flamingo", "Q123456");
  g_assert_cmpuint (g_list_model_get_n_items (library_model (window)), ==, 2);
  g_assert_cmpint (kbd_index_result_get_kind (result_at (window, 0)), ==, KBD_INDEX_KIND_REFERENCE);
  g_assert_cmpstr (kbd_index_result_get_id (result_at (window, 1)), ==, "Q234567");
  g_assert_cmpint (kbd_index_result_get_kind (result_at (window, 1)), ==, KBD_INDEX_KIND_REFERENCE);
  spin ();
  text = all_text (window_child (window, "library_list"));
  g_assert_nonnull (strstr (text, "Flamingo queue stalls after the relay restarts"));
  g_assert_nonnull (strstr (text, "Q123456 · Reference article · Microsoft Exchange"));
  g_assert_nonnull (strstr (text, "The relay drops a flamingo message"));
  assert_no_markup (window_child (window, "library_list"));

  /* A decision tree is found by what it says. */
  search_library (window, "metabase", "KB312395");
  g_assert_cmpint (kbd_index_result_get_kind (result_at (window, 0)), ==, KBD_INDEX_KIND_DECISION_TREE);

  /* An id in any spelling finds its article first. */
  search_library (window, "123456", "Q123456");
  search_library (window, "KB234567", "Q234567");
  search_library (window, "q123456", "Q123456");

  /* Nothing typed: the decision trees, as before. */
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  spin ();
  {
    g_autoptr(GObject) first = g_list_model_get_item (library_model (window), 0);
    g_assert_true (KBD_IS_CATALOG_ENTRY (first));
  }

  /* The file that is no article is a problem, with its name. */
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (window_child (window, "index_problems_revealer"))));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (window_child (window, "index_problems_label"))), ==,
                   "1 article file could not be indexed");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.index-problems", NULL);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "problems");
  g_clear_pointer (&text, g_free);
  text = all_text (page_widget (window, "problems"));
  g_assert_nonnull (strstr (text, "Q777777.TXT"));
  g_assert_nonnull (strstr (text, "Some Articles Could Not Be Indexed"));

  g_setenv ("KBDECIDE_KB_PATH", "", TRUE);
}

/* A reference article opens in the reader: its header and its text as
 * written, never as markup; the mention of an indexed article is a link
 * that opens it, back returns; a mention of an article the index does not
 * hold, or of one outside the folders, stays plain text. */
static void
test_reader (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *folder = make_library (f);
  KbdWindow *window;
  GtkWidget *reader;
  g_autofree char *text = NULL;
  g_autofree char *header = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_setenv ("KBDECIDE_KB_PATH", folder, TRUE);
  window = open_window (f);
  wait_until (indexing_over, f->app);
  spin ();

  search_library (window, "flamingo", "Q123456");
  g_signal_emit_by_name (window_child (window, "library_list"), "activate", 0);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "reader");
  reader = page_widget (window, "reader");
  g_assert_cmpstr (reader_id (reader), ==, "Q123456");

  header = all_text (reader);
  g_assert_nonnull (strstr (header, "Q123456 · 2002-08-06\n"));
  g_assert_nonnull (strstr (header, "Flamingo queue stalls after the relay restarts\n"));
  g_assert_nonnull (strstr (header, "Microsoft Exchange\n"));
  g_assert_nonnull (strstr (header, "kbsmtp, kbqueue\n"));
  assert_no_markup (reader);

  text = reader_text (reader);
  g_assert_nonnull (strstr (text, "SYMPTOMS\nMail waits in the queue; the log shows <b>bold</b> & <i>more</i>."));
  g_assert_nonnull (strstr (text, "MORE INFORMATION\n"));
  /* The indented commands keep their lines and indentation, in monospace;
   * the prose does not. */
  g_assert_nonnull (strstr (text, "\n   net stop smtpsvc\n   net start smtpsvc\n"));
  g_assert_true (has_tag_at (reader, "net stop smtpsvc", "preformatted"));
  g_assert_false (has_tag_at (reader, "Mail waits", "preformatted"));
  g_assert_true (has_tag_at (reader, "Q234567", "link"));
  g_assert_false (has_tag_at (reader, "Q999999", "link"));
  g_assert_false (has_tag_at (reader, "Q555555", "link"));

  /* Mentions that resolve to nothing open nothing. */
  g_assert_false (click_text (reader, "Q999999"));
  g_assert_false (click_text (reader, "Q555555"));
  g_assert_false (click_text (reader, "net stop"));
  g_assert_cmpstr (reader_id (reader), ==, "Q123456");

  /* The one indexed mention is listed below the text as well. */
  rows = find_all (reader, ADW_TYPE_ACTION_ROW, NULL);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (g_ptr_array_index (rows, 0)), ==, "How to configure the relay");

  /* The link opens Q234567 in the reader; back returns to Q123456. */
  g_assert_true (click_text (reader, "Q234567"));
  g_assert_cmpstr (visible_page (window), ==, "reader");
  g_assert_cmpstr (reader_id (reader), ==, "Q234567");
  g_clear_pointer (&text, g_free);
  text = reader_text (reader);
  g_assert_nonnull (strstr (text, "The relay drops a flamingo message now and then."));
  {
    /* A run too long to wrap quickly gets break opportunities, and is all
     * there without them. */
    g_autofree char *word = g_strnfill (10000, 'W');
    g_auto(GStrv) pieces = g_strsplit (text, "\xE2\x80\x8B", -1);
    g_autofree char *joined = g_strjoinv ("", pieces);

    g_assert_cmpuint (g_strv_length (pieces), >=, 10000 / 100);
    g_assert_nonnull (strstr (joined, word));
  }
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  spin ();
  g_assert_cmpstr (reader_id (reader), ==, "Q123456");

  /* The row does the same. */
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = find_all (reader, ADW_TYPE_ACTION_ROW, NULL);
  g_signal_emit_by_name (gtk_widget_get_parent (g_ptr_array_index (rows, 0)), "row-activated",
                         g_ptr_array_index (rows, 0));
  spin ();
  g_assert_cmpstr (reader_id (reader), ==, "Q234567");

  /* Q312395 is the decision tree KB312395: its start page opens, and back
   * returns to the reader. */
  g_assert_true (click_text (reader, "Q312395"));
  g_assert_cmpstr (visible_page (window), ==, "start");
  g_assert_nonnull (find_button_with_label (page_widget (window, "start"), "Start Troubleshooting"));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "reader");
  g_assert_cmpstr (reader_id (reader), ==, "Q234567");

  /* Back through what was read, to where reading began. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  spin ();
  g_assert_cmpstr (reader_id (reader), ==, "Q123456");
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);
  spin ();
  g_assert_cmpstr (visible_page (window), ==, "welcome");

  g_setenv ("KBDECIDE_KB_PATH", "", TRUE);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* gtk_test_init() sets an English locale; the localized runs want the
   * one from their environment. */
  if (g_getenv ("KBD_TEST_LOCALIZED") != NULL)
    setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("KBDECIDE_LOCALEDIR") != NULL ? g_getenv ("KBDECIDE_LOCALEDIR") : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_add_func ("/Kbd/Gui/question-page", test_question_page);
  g_test_add_func ("/Kbd/Gui/path-revisit", test_path_revisit);
  g_test_add_func ("/Kbd/Gui/procedure-page", test_procedure_page);
  g_test_add_func ("/Kbd/Gui/keyboard-tab-cycle", test_keyboard_tab_cycle);
  g_test_add_func ("/Kbd/Gui/outcome-page", test_outcome_page);
  g_test_add_func ("/Kbd/Gui/hostile-text-is-literal", test_hostile_text);
  g_test_add_func ("/Kbd/Gui/long-runs-break", test_long_runs_break);
  g_test_add_func ("/Kbd/Gui/long-text-width-floor", test_long_text_width_floor);
  g_test_add ("/Kbd/Gui/window/escalation-end-to-end", Fixture, NULL, fixture_set_up,
              test_window_escalation, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/resume-after-destroy", Fixture, NULL, fixture_set_up,
              test_window_resume, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/history-search", Fixture, NULL, fixture_set_up,
              test_history_search, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/invalid-file-shows-diagnostics", Fixture, NULL, fixture_set_up,
              test_invalid_file, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/library-search-index", Fixture, NULL, fixture_set_up,
              test_library_search, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/reader-links", Fixture, NULL, fixture_set_up,
              test_reader, fixture_tear_down);
  g_test_add ("/Kbd/Gui/window/localized-start-page", Fixture, NULL, fixture_set_up,
              test_localized_start_page, fixture_tear_down);

  return g_test_run ();
}
