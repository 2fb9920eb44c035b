/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app against a bare libadwaita window (a header bar and a list), in
 * the same run and on the same display:
 *   cold start to the first frame drawn, and peak memory then;
 *   answer click to the next page drawn;
 *   history search keystroke to the list updated, over 100,000 sessions.
 * Run with: meson test -C BUILD --benchmark --verbose (under xvfb-run).
 * Each start is a new process; KBD_BENCH_RUNS (default 7) sets how many. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "kbd-application.h"
#include "kbd-gui-text.h"
#include "kbd-history-private.h"
#include "kbd-history-store-private.h"
#include "kbd-history-view.h"
#include "kbd-session-view.h"
#include "kbd-window.h"
#include "bench-common.h"

/* Peak resident memory of this process image. Not getrusage(): its
 * ru_maxrss survives exec, so a child would report the parent's peak. */
static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return 0;
  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* Child side --------------------------------------------------------------------- */

typedef struct
{
  GApplication *app;
  GtkWidget *window;
  gboolean app_mode;
  guint frames_waited;
  gint64 mark;
  GArray *answer_ms;
  GArray *search_ms;
  GArray *answer_work_ms;
  GArray *search_work_ms;
  /* The frame being timed: its start, its paint's end. */
  gint64 frame_start;
  gint64 paint_end;
  /* Set when the history view has answered a change of the search text. */
  gboolean list_changed;
} Child;

static void after_paint_first_cb (GdkFrameClock *clock, Child *child);
static void workload_cb (gpointer user_data);

static void
watch_first_frame (Child     *child,
                   GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_first_cb), child);
}

static void
realize_cb (GtkWidget *window,
            Child     *child)
{
  watch_first_frame (child, window);
}

static void
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
}

static void
frame_start_cb (GdkFrameClock *clock,
                Child         *child)
{
  if (child->frame_start == 0)
    child->frame_start = g_get_monotonic_time ();
}

static void
paint_done_cb (GdkFrameClock *clock,
               Child         *child)
{
  child->paint_end = g_get_monotonic_time ();
}

/* The work a change costs the app, without the wait for the frame clock's
 * next tick: the handler (@handler_us) plus the frames that show the
 * change, from the first one's start to the last one's paint. */
static double
work_ms (Child  *child,
         gint64  handler_us)
{
  return (handler_us + MAX (0, child->paint_end - child->frame_start)) / 1000.0;
}

/* Runs the main loop for @ms milliseconds. */
static void
pause_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add_once (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Waits until the next frame of @window has been drawn. */
static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gint64 before = gdk_frame_clock_get_frame_counter (clock);

  gboolean timed_out = FALSE;
  guint timeout = g_timeout_add_once (2000, set_flag_cb, &timed_out);

  gtk_widget_queue_draw (window);
  while (gdk_frame_clock_get_frame_counter (clock) <= before && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (timed_out)
    g_printerr ("bench-gui: no frame within 2 s\n");
  else
    g_source_remove (timeout);
  /* The frame counter moves at the start of a frame: let it finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The @index-th widget of @type (with @css_class, if given) under @root,
 * depth first. */
static GtkWidget *
find_widget (GtkWidget  *root,
             GType       type,
             const char *css_class,
             guint      *index)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      (css_class == NULL || gtk_widget_has_css_class (root, css_class)) && (*index)-- == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, type, css_class, index);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_first (GtkWidget  *root,
            GType       type,
            const char *css_class)
{
  guint index = 0;

  return find_widget (root, type, css_class, &index);
}

static void
run_app_workload (Child *child)
{
  KbdApplication *app = KBD_APPLICATION (child->app);
  KbdWindow *window = KBD_WINDOW (child->window);
  g_autoptr(KbdArticle) article = NULL;
  GtkWidget *session_view = NULL;
  GtkWidget *history_view = NULL;
  GtkWidget *entry;
  static const char *const queries[] = { "zeppelin", "metabase firewall", "backup", "queue relay", "inc-4711" };

  g_signal_connect (gtk_widget_get_frame_clock (child->window), "before-paint", G_CALLBACK (frame_start_cb), child);
  g_signal_connect (gtk_widget_get_frame_clock (child->window), "after-paint", G_CALLBACK (paint_done_cb), child);
  kbd_application_load (app);
  article = kbd_catalog_load (kbd_application_get_catalog (app), "KB312395", NULL);
  g_assert_nonnull (article);
  kbd_window_show_article (window, article);
  wait_for_frame (child->window);

  /* 20 answers: each click to the next page drawn. */
  for (guint round = 0; round < 10; round++)
    {
      gtk_widget_activate_action (child->window, "win.start", NULL);
      wait_for_frame (child->window);
      for (guint step = 0; step < 2; step++)
        {
          GtkWidget *answer;
          gint64 t0, handled;

          if (session_view == NULL)
            session_view = find_first (child->window, KBD_TYPE_SESSION_VIEW, NULL);
          answer = find_first (session_view, GTK_TYPE_BUTTON, "kbd-answer");
          t0 = g_get_monotonic_time ();
          g_signal_emit_by_name (answer, "clicked");
          handled = g_get_monotonic_time ();
          child->frame_start = child->paint_end = 0;
          wait_for_frame (child->window);
          g_array_append_vals (child->answer_ms, &(double) { (g_get_monotonic_time () - t0) / 1000.0 }, 1);
          g_array_append_vals (child->answer_work_ms, &(double) { work_ms (child, handled - t0) }, 1);
        }
      kbd_window_show_article (window, article);
    }

  /* History search over the big history, typed a character at a time as
   * a person would: each keystroke to the list updated and drawn. */
  gtk_widget_activate_action (child->window, "win.history", NULL);
  wait_for_frame (child->window);
  history_view = find_first (child->window, KBD_TYPE_HISTORY_VIEW, NULL);
  g_assert_nonnull (history_view);
  entry = find_first (history_view, GTK_TYPE_SEARCH_ENTRY, NULL);
  g_assert_nonnull (entry);
  /* After the view's own handler, which searches and updates the list. */
  g_signal_connect_swapped (entry, "search-changed", G_CALLBACK (set_flag_cb), &child->list_changed);
  for (guint round = 0; round < 2; round++)
    for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
      {
        kbd_history_view_set_search (KBD_HISTORY_VIEW (history_view), "");
        wait_for_frame (child->window);
        for (const char *c = queries[q]; *c != '\0'; c++)
          {
            int position = -1;
            gint64 t0, handled;

            pause_ms (40);
            child->list_changed = FALSE;
            t0 = g_get_monotonic_time ();
            gtk_editable_insert_text (GTK_EDITABLE (entry), c, 1, &position);
            /* GtkSearchEntry reports the change from the main loop. */
            while (!child->list_changed)
              g_main_context_iteration (NULL, TRUE);
            handled = g_get_monotonic_time ();
            child->frame_start = child->paint_end = 0;
            wait_for_frame (child->window);
            g_array_append_vals (child->search_ms, &(double) { (g_get_monotonic_time () - t0) / 1000.0 }, 1);
            g_array_append_vals (child->search_work_ms, &(double) { work_ms (child, handled - t0) }, 1);
          }
      }
}

static void
after_paint_first_cb (GdkFrameClock *clock,
                      Child         *child)
{
  gint64 now = g_get_monotonic_time ();

  g_signal_handlers_disconnect_by_func (clock, after_paint_first_cb, child);
  g_print ("first-frame %" G_GINT64_FORMAT "\n", now);
  g_print ("rss-first-frame %.1f\n", peak_rss_mb ());

  /* The workload runs outside this frame: frames cannot start while
   * one is being painted. */
  if (child->app_mode && g_getenv ("KBD_BENCH_WORKLOAD") != NULL)
    g_idle_add_once (workload_cb, child);
  else
    g_application_quit (child->app);
}

/* Median time to lay out @text in the app's article label at 600 px: the
 * label's width request, then its height for that width (where Pango
 * wraps). */
static double
label_layout_ms (const char *text)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));

  for (guint i = 0; i < 7; i++)
    {
      GtkWidget *label = g_object_ref_sink (kbd_gui_text_label_new (text, NULL));
      int minimum, natural;
      gint64 t0 = g_get_monotonic_time ();

      gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, &minimum, &natural, NULL, NULL);
      gtk_widget_measure (label, GTK_ORIENTATION_VERTICAL, 600, &minimum, &natural, NULL, NULL);
      g_array_append_vals (samples, &(double) { (g_get_monotonic_time () - t0) / 1000.0 }, 1);
      g_object_unref (label);
    }
  return percentile (samples, 0.5);
}

static void
workload_cb (gpointer user_data)
{
  Child *child = user_data;

    {
      run_app_workload (child);
      g_print ("answer-median %.2f\nanswer-max %.2f\n",
               percentile (child->answer_ms, 0.5), percentile (child->answer_ms, 1.0));
      g_print ("search-median %.2f\nsearch-p95 %.2f\nsearch-max %.2f\nsearch-count %u\n",
               percentile (child->search_ms, 0.5), percentile (child->search_ms, 0.95),
               percentile (child->search_ms, 1.0), child->search_ms->len);
      g_print ("answer-work-median %.2f\nanswer-work-max %.2f\n",
               percentile (child->answer_work_ms, 0.5), percentile (child->answer_work_ms, 1.0));
      g_print ("search-work-median %.2f\nsearch-work-max %.2f\n",
               percentile (child->search_work_ms, 0.5), percentile (child->search_work_ms, 1.0));
      g_print ("rss-end %.1f\n", peak_rss_mb ());
      {
        g_autofree char *word = g_strnfill (10000, 'W');
        GString *step = g_string_new (NULL);

        /* The longest step text the format allows, in ordinary words. */
        while (step->len + 8 <= 16384)
          g_string_append (step, "restart ");
        g_print ("layout-word %.2f\nlayout-step %.2f\n", label_layout_ms (word), label_layout_ms (step->str));
        g_string_free (step, TRUE);
      }
    }
  g_application_quit (child->app);
}

static void
bare_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  gtk_list_item_set_child (item, gtk_label_new (NULL));
}

static void
bare_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static void
bare_activate_cb (GApplication *app,
                  Child        *child)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  const char *items[] = { "Exchange 2000 SMTP functionality is lost", "Printer shows offline", NULL };
  GtkStringList *strings = gtk_string_list_new (items);
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *list;

  g_signal_connect (factory, "setup", G_CALLBACK (bare_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bare_bind_cb), NULL);
  list = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (strings))), factory);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), list);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), scroller);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_default_size (GTK_WINDOW (window), 1120, 760);
  child->window = window;
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), child);
  gtk_window_present (GTK_WINDOW (window));
}

static void
app_window_added_cb (GtkApplication *app,
                     GtkWindow      *window,
                     Child          *child)
{
  child->window = GTK_WIDGET (window);
  g_signal_connect (window, "realize", G_CALLBACK (realize_cb), child);
}

static int
run_child (const char *kind)
{
  Child child = { 0, };
  g_autofree char *id = g_strdup_printf ("io.github.kbdecide.Bench%d", (int) getpid ());
  int status;

  alarm (600);   /* a hung child must not hang the benchmark */
  child.answer_ms = g_array_new (FALSE, FALSE, sizeof (double));
  child.answer_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  child.search_work_ms = g_array_new (FALSE, FALSE, sizeof (double));
  child.search_ms = g_array_new (FALSE, FALSE, sizeof (double));
  child.app_mode = g_str_equal (kind, "app");
  if (child.app_mode)
    {
      child.app = G_APPLICATION (kbd_application_new ());
      g_application_set_application_id (child.app, id);
      g_signal_connect (child.app, "window-added", G_CALLBACK (app_window_added_cb), &child);
    }
  else
    {
      child.app = G_APPLICATION (adw_application_new (id, G_APPLICATION_DEFAULT_FLAGS));
      g_signal_connect (child.app, "activate", G_CALLBACK (bare_activate_cb), &child);
    }
  g_application_set_flags (child.app, g_application_get_flags (child.app) | G_APPLICATION_NON_UNIQUE);
  status = g_application_run (child.app, 0, NULL);
  g_object_unref (child.app);
  g_array_unref (child.answer_ms);
  g_array_unref (child.answer_work_ms);
  g_array_unref (child.search_work_ms);
  g_array_unref (child.search_ms);
  return status;
}

/* Parent side --------------------------------------------------------------------- */

typedef struct
{
  double start_ms;
  double rss_mb;
  double answer_median, answer_max, search_median, search_p95, search_max, search_count, rss_end;
  double answer_work_median, answer_work_max, search_work_median, search_work_max;
  double layout_word, layout_step;
} Result;

static gboolean
spawn_child (const char *self,
             const char *kind,
             gboolean    workload,
             Result     *result)
{
  const char *argv[] = { self, "--child", kind, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 spawned;
  int status;

  if (workload)
    envp = g_environ_setenv (envp, "KBD_BENCH_WORKLOAD", "1", TRUE);
  spawned = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                     &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bench-gui: %s\n", error->message);
      return FALSE;
    }

  lines = g_strsplit (out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char name[64];
      double value;

      if (sscanf (lines[i], "%63s %lf", name, &value) != 2)
        continue;
      if (g_str_equal (name, "first-frame"))
        result->start_ms = (value - spawned) / 1000.0;
      else if (g_str_equal (name, "rss-first-frame"))
        result->rss_mb = value;
      else if (g_str_equal (name, "answer-median"))
        result->answer_median = value;
      else if (g_str_equal (name, "answer-max"))
        result->answer_max = value;
      else if (g_str_equal (name, "search-median"))
        result->search_median = value;
      else if (g_str_equal (name, "search-max"))
        result->search_max = value;
      else if (g_str_equal (name, "search-p95"))
        result->search_p95 = value;
      else if (g_str_equal (name, "search-count"))
        result->search_count = value;
      else if (g_str_equal (name, "rss-end"))
        result->rss_end = value;
      else if (g_str_equal (name, "layout-word"))
        result->layout_word = value;
      else if (g_str_equal (name, "layout-step"))
        result->layout_step = value;
      else if (g_str_equal (name, "answer-work-median"))
        result->answer_work_median = value;
      else if (g_str_equal (name, "answer-work-max"))
        result->answer_work_max = value;
      else if (g_str_equal (name, "search-work-median"))
        result->search_work_median = value;
      else if (g_str_equal (name, "search-work-max"))
        result->search_work_max = value;
    }
  return result->start_ms > 0;
}

static double
median_of (GArray *values)
{
  return percentile (values, 0.5);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) bare_start = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_start = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) bare_rss = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) app_rss = g_array_new (FALSE, FALSE, sizeof (double));
  const char *runs_env = g_getenv ("KBD_BENCH_RUNS");
  guint runs = runs_env != NULL ? (guint) g_ascii_strtoull (runs_env, NULL, 10) : 7;
  const char *scale_env = g_getenv ("KBD_BENCH_SCALE");
  double scale = scale_env != NULL ? g_ascii_strtod (scale_env, NULL) : 1.0;
  guint sessions = (guint) (100000 * scale);
  Result work = { 0, };

  if (argc == 3 && g_str_equal (argv[1], "--child"))
    return run_child (argv[2]);

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("bench-gui: no display; run under xvfb-run\n");
      return 77;
    }

  /* A history of 100,000 sessions (a million events) for the search. */
  dir = g_dir_make_tmp ("kbd-bench-gui-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "history.db", NULL);
  {
    g_autoptr(KbdHistory) history = kbd_history_new (db, &error);
    g_autoptr(GPtrArray) writes = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_history_write_free);
    GRand *rand = g_rand_new_with_seed (42);

    g_assert_no_error (error);
    for (guint s = 0; s < sessions; s++)
      add_session_writes (writes, rand, s);
    g_rand_free (rand);
    g_assert_true (kbd_history_import_writes (history, writes, &error));
  }
  g_setenv ("KBDECIDE_HISTORY", db, TRUE);

  /* Starts alternate, so both see the same caches. One unmeasured start
   * of each warms the disk cache first. */
  for (guint i = 0; i <= runs; i++)
    {
      Result bare = { 0, }, app = { 0, };

      if (!spawn_child (argv[0], "bare", FALSE, &bare) || !spawn_child (argv[0], "app", FALSE, &app))
        return 1;
      if (i == 0)
        continue;
      g_array_append_vals (bare_start, &bare.start_ms, 1);
      g_array_append_vals (app_start, &app.start_ms, 1);
      g_array_append_vals (bare_rss, &bare.rss_mb, 1);
      g_array_append_vals (app_rss, &app.rss_mb, 1);
    }
  if (!spawn_child (argv[0], "app", TRUE, &work))
    return 1;

  g_print ("# App benchmark (%u starts each, GSK_RENDERER=%s, %u sessions in the history)\n\n",
           runs, g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "default", sessions);
  g_print ("| measure | KB Decide | bare libadwaita window | ratio |\n| --- | --- | --- | --- |\n");
  g_print ("| cold start to first frame (median) | %.0f ms | %.0f ms | %.2f× |\n",
           median_of (app_start), median_of (bare_start), median_of (app_start) / median_of (bare_start));
  g_print ("| peak RSS at first frame (median) | %.1f MB | %.1f MB | %.2f× |\n",
           median_of (app_rss), median_of (bare_rss), median_of (app_rss) / median_of (bare_rss));
  g_print ("| answer click to next page drawn (20 clicks) | median %.1f ms, max %.1f ms | | |\n",
           work.answer_median, work.answer_max);
  g_print ("| history search, typed: keystroke to list updated and drawn (%.0f keystrokes) | median %.1f ms, p95 %.1f ms, max %.1f ms | target: 50 ms | |\n",
           work.search_count, work.search_median, work.search_p95, work.search_max);
  g_print ("| the app's work per answer: handler + the frame that shows it | median %.1f ms, max %.1f ms | budget: one frame, 16 ms | |\n",
           work.answer_work_median, work.answer_work_max);
  g_print ("| the app's work per keystroke: search + the frames that show it | median %.1f ms, max %.1f ms | | |\n",
           work.search_work_median, work.search_work_max);
  g_print ("| peak RSS after the walk and the searches | %.1f MB | | |\n", work.rss_end);
  g_print ("| layout of a 10,000-character unbroken word in an article label, 600 px wide (median of 7) | %.1f ms | target: 100 ms | |\n",
           work.layout_word);
  g_print ("| layout of the longest step text allowed (16 KiB), 600 px wide (median of 7) | %.1f ms | target: 100 ms | |\n",
           work.layout_step);

  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
