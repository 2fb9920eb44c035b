/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdlib.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "kbdecide.h"
#include "bench-common.h"

/* Article loading benchmark: synthetic decision trees of 1,000, 10,000 and
 * 100,000 nodes, loaded and validated by kbd_article_new_from_bytes(), and
 * in the same run, alternating, merely parsed by json-glib
 * (json_parser_load_from_data()). Both start from the file's bytes already
 * in memory: reading the file is on neither side. Peak memory is measured
 * in a child process per size and side (this program started again with a
 * mode argument). Prints a Markdown report; docs/performance.md keeps the
 * figures.
 *
 * KBD_BENCH_ROUNDS (default 7) sets the alternating rounds per size;
 * KBD_BENCH_KEEP keeps the articles (to profile one load:
 * `perf record -g bench-load library FILE NODES`). */

static const guint sizes[] = { 1000, 10000, 100000 };

/* Each timed sample loads the article this many times over, so that a
 * sample of the small sizes lasts long enough for the clock. */
static guint
repeats_for (guint n_nodes)
{
  return MAX (1, 20000 / n_nodes);
}

/* Writes the blocks of four nodes of a help-desk tree: a question whose
 * answers lead to a procedure, to an escalation or on to the next block's
 * question; the procedure ends in its block's resolved outcome. Every node
 * is reachable and reaches an outcome, so the validator has nothing to
 * report. */
static void
append_block (GString *json,
              guint    block,
              guint    n_blocks)
{
  gboolean last = block + 1 == n_blocks;

  g_string_append_printf (json,
    "    \"q_%u\": {\n"
    "      \"kind\": \"question\",\n"
    "      \"prompt\": \"Does the SMTP virtual server %u start after you restart the *Microsoft Exchange Routing Engine* service?\",\n"
    "      \"help\": \"Open *Exchange System Manager*, expand *Protocols*, then *SMTP*, and look at the state of the virtual server.\",\n"
    "      \"answers\": [\n"
    "        { \"id\": \"yes\", \"label\": \"Yes, it starts\", \"next\": \"p_%u\" },\n"
    "        { \"id\": \"no\", \"label\": \"No, it stays stopped\", \"next\": \"e_%u\" },\n"
    "        { \"id\": \"unsure\", \"label\": \"I cannot tell\", \"help\": \"Check the application log for event 7010.\", \"next\": \"%s_%u\" }\n"
    "      ]\n"
    "    },\n",
    block, block, block, block, last ? "r" : "q", last ? block : block + 1);
  g_string_append_printf (json,
    "    \"p_%u\": {\n"
    "      \"kind\": \"procedure\",\n"
    "      \"title\": \"Restore the metabase of server %u from backup\",\n"
    "      \"intro\": \"The backup holds the SMTP settings that Exchange 2000 added to the metabase.\",\n"
    "      \"steps\": [\n"
    "        {\n"
    "          \"id\": \"stop_iis\",\n"
    "          \"text\": \"Run `net stop iisadmin /y` at a command prompt.\",\n"
    "          \"substeps\": [ { \"id\": \"open_cmd\", \"text\": \"Click *Start*, click *Run*, type `cmd`, and press ENTER.\" } ]\n"
    "        },\n"
    "        {\n"
    "          \"id\": \"restore\",\n"
    "          \"text\": \"Copy `MetaBase.bin` from the backup folder to `SystemRoot\\\\System32\\\\Inetsrv`.\",\n"
    "          \"callouts\": [ { \"id\": \"keep_copy\", \"kind\": \"important\", \"text\": \"Keep a copy of the current file before you overwrite it.\" } ]\n"
    "        },\n"
    "        { \"id\": \"start_iis\", \"text\": \"Run `net start smtpsvc`, then restart the server.\" }\n"
    "      ],\n"
    "      \"next\": \"r_%u\"\n"
    "    },\n",
    block, block, block);
  g_string_append_printf (json,
    "    \"r_%u\": {\n"
    "      \"kind\": \"outcome\",\n"
    "      \"result\": \"resolved\",\n"
    "      \"title\": \"SMTP works again on server %u\",\n"
    "      \"text\": \"Send a test message through the virtual server and tell the caller that mail flows again.\"\n"
    "    },\n",
    block, block);
  g_string_append_printf (json,
    "    \"e_%u\": {\n"
    "      \"kind\": \"outcome\",\n"
    "      \"result\": \"escalate\",\n"
    "      \"title\": \"Escalate server %u to the messaging team\",\n"
    "      \"text\": \"The virtual server does not start; the messaging team reinstalls Exchange 2000.\",\n"
    "      \"escalation\": {\n"
    "        \"contact\": \"The messaging team (second line)\",\n"
    "        \"handover\": \"The server's name, the event log entries and the transcript of this session.\"\n"
    "      }\n"
    "    }%s\n",
    block, block, last ? "" : ",");
}

static char *
write_article (const char *dir,
               guint       n_nodes)
{
  GString *json = g_string_new (NULL);
  g_autofree char *name = g_strdup_printf ("KB9%05u.json", n_nodes / 1000);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  guint n_blocks = n_nodes / 4;

  g_string_append_printf (json,
    "{\n"
    "  \"format\": 1,\n"
    "  \"id\": \"KB9%05u\",\n"
    "  \"language\": \"en\",\n"
    "  \"title\": \"SMTP virtual servers do not start after the metabase is damaged (%u nodes)\",\n"
    "  \"summary\": \"The SMTP virtual servers of Exchange 2000 stay stopped and mail queues up.\",\n"
    "  \"applies_to\": [ { \"product\": \"Microsoft Exchange 2000 Server\", \"versions\": [ \"SP2\", \"SP3\" ] } ],\n"
    "  \"revision\": 1,\n"
    "  \"reviewed\": \"2026-12-04\",\n"
    "  \"source\": { \"publisher\": \"KB Decide benchmark\", \"reference\": \"KB9%05u\" },\n"
    "  \"keywords\": [ \"smtp\", \"metabase\", \"virtual server\" ],\n"
    "  \"see_also\": [ { \"id\": \"KB312395\", \"title\": \"Exchange 2000 SMTP functionality is lost\" } ],\n"
    "  \"start\": \"q_0\",\n"
    "  \"nodes\": {\n",
    n_nodes / 1000, n_nodes, n_nodes / 1000);
  for (guint block = 0; block < n_blocks; block++)
    append_block (json, block, n_blocks);
  g_string_append (json, "  }\n}\n");

  g_file_set_contents (path, json->str, json->len, &error);
  g_assert_no_error (error);
  g_string_free (json, TRUE);
  return g_steal_pointer (&path);
}

static void
load_library (GBytes *bytes,
              guint   n_nodes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = kbd_article_new_from_bytes (bytes, "bench.json",
                                                              KBD_LOAD_FLAGS_NONE, &error);
  guint n_loaded = 0;

  g_assert_no_error (error);
  kbd_article_get_nodes (article, &n_loaded);
  g_assert_cmpuint (n_loaded, ==, n_nodes);
}

static void
parse_json_glib (GBytes *bytes)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  json_parser_load_from_data (parser, data, length, &error);
  g_assert_no_error (error);
}

/* Milliseconds per load, over one sample of repeats_for() loads. */
static double
time_side (gboolean  library,
           GBytes   *bytes,
           guint     n_nodes)
{
  guint repeats = repeats_for (n_nodes);
  double t0 = now_ms ();

  for (guint i = 0; i < repeats; i++)
    {
      if (library)
        load_library (bytes, n_nodes);
      else
        parse_json_glib (bytes);
    }
  return (now_ms () - t0) / repeats;
}

static long
minor_faults (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

/* Prints "baseline-KiB peak-KiB faults milliseconds": the peak resident
 * memory of this process with the file's bytes in memory, after one load,
 * the pages the load touched for the first time (minor page faults) and
 * how long that first load took. */
static int
child_memory (const char *side,
              const char *path,
              guint       n_nodes)
{
  g_autoptr(GBytes) bytes = read_file_bytes (path);
  gint64 baseline = read_status_kib ("VmHWM");
  long faults = minor_faults ();
  double t0 = now_ms (), ms;

  if (g_str_equal (side, "library"))
    load_library (bytes, n_nodes);
  else
    parse_json_glib (bytes);
  ms = now_ms () - t0;
  faults = minor_faults () - faults;
  g_print ("%" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %ld %.3f\n", baseline,
           read_status_kib ("VmHWM"), faults, ms);
  return 0;
}

typedef struct
{
  double baseline_mb;
  double peak_mb;
  double faults;
  double first_ms;     /* the median of FRESH_RUNS processes */
} FreshLoad;

#define FRESH_RUNS 3

/* Loads the article once in each of FRESH_RUNS new processes. */
static FreshLoad
measure_fresh (const char *side,
               const char *path,
               guint       n_nodes)
{
  g_autofree char *nodes = g_strdup_printf ("%u", n_nodes);
  const char *args[] = { side, path, nodes, NULL };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  FreshLoad load = { 0, };

  for (guint run = 0; run < FRESH_RUNS; run++)
    {
      g_autofree char *out = run_self (args);
      g_auto(GStrv) fields = g_strsplit (g_strstrip (out), " ", -1);

      g_assert_cmpuint (g_strv_length (fields), ==, 4);
      load.baseline_mb = g_ascii_strtoll (fields[0], NULL, 10) / 1024.0;
      load.peak_mb = g_ascii_strtoll (fields[1], NULL, 10) / 1024.0;
      load.faults = g_ascii_strtod (fields[2], NULL);
      g_array_append_val (times, (double) { g_ascii_strtod (fields[3], NULL) });
    }
  load.first_ms = percentile (times, 0.5);
  return load;
}

static void
remove_files (const char *dir,
              GPtrArray  *paths)
{
  for (guint i = 0; i < paths->len; i++)
    g_unlink (g_ptr_array_index (paths, i));
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *rounds_env = g_getenv ("KBD_BENCH_ROUNDS");
  guint rounds = rounds_env != NULL ? MAX (1, atoi (rounds_env)) : 7;
  double first_per_node = 0, first_fresh_per_node = 0;

  if (argc == 4 && (g_str_equal (argv[1], "library") || g_str_equal (argv[1], "json-glib")))
    return child_memory (argv[1], argv[2], atoi (argv[3]));
  if (argc != 1)
    {
      g_printerr ("Usage: %s [library|json-glib FILE NODES]\n", argv[0]);
      return 2;
    }

  dir = g_dir_make_tmp ("kbd-bench-load-XXXXXX", NULL);
  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    g_ptr_array_add (paths, write_article (dir, sizes[s]));

  g_print ("# Article loading benchmark (json-glib %s, %u rounds)\n\n", JSON_VERSION_S, rounds);
  g_print ("| nodes | file | load + validate, repeated | per node (x 1,000 nodes') "
           "| json-glib parse, repeated | library / json-glib "
           "| first load in a new process, per node (x 1,000 nodes') | library / json-glib "
           "| peak memory of the load (whole process) | / file size | json-glib's peak "
           "| page faults of one load, per node (json-glib) |\n"
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      const char *path = g_ptr_array_index (paths, s);
      g_autoptr(GBytes) bytes = read_file_bytes (path);
      g_autoptr(GArray) library_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) json_ms = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) ratios = g_array_new (FALSE, FALSE, sizeof (double));
      double file_mb = g_bytes_get_size (bytes) / (1024.0 * 1024.0);
      double library_median, per_node, fresh_per_node;
      FreshLoad fresh, json_fresh;

      /* One unmeasured load of each, then alternating rounds, the order
       * swapped every round. */
      time_side (TRUE, bytes, sizes[s]);
      time_side (FALSE, bytes, sizes[s]);
      for (guint round = 0; round < rounds; round++)
        {
          double json_first = round % 2 ? time_side (FALSE, bytes, sizes[s]) : 0;
          double library = time_side (TRUE, bytes, sizes[s]);
          double json = round % 2 ? json_first : time_side (FALSE, bytes, sizes[s]);

          g_array_append_val (library_ms, library);
          g_array_append_val (json_ms, json);
          g_array_append_val (ratios, (double) { library / json });
        }

      fresh = measure_fresh ("library", path, sizes[s]);
      json_fresh = measure_fresh ("json-glib", path, sizes[s]);

      library_median = percentile (library_ms, 0.5);
      per_node = library_median * 1000 / sizes[s];
      fresh_per_node = fresh.first_ms * 1000 / sizes[s];
      if (s == 0)
        {
          first_per_node = per_node;
          first_fresh_per_node = fresh_per_node;
        }
      g_print ("| %u | %.2f MB | %.2f ms | %.2f us (%.2fx) | %.2f ms | %.2fx "
               "| %.2f us (%.2fx) | %.2fx "
               "| +%.1f MB (%.1f MB) | %.1fx | +%.1f MB | %.2f (%.2f) |\n",
               sizes[s], file_mb, library_median, per_node, per_node / first_per_node,
               percentile (json_ms, 0.5), percentile (ratios, 0.5),
               fresh_per_node, fresh_per_node / first_fresh_per_node,
               fresh.first_ms / json_fresh.first_ms,
               fresh.peak_mb - fresh.baseline_mb, fresh.peak_mb,
               (fresh.peak_mb - fresh.baseline_mb) / file_mb,
               json_fresh.peak_mb - json_fresh.baseline_mb, fresh.faults / sizes[s],
               json_fresh.faults / sizes[s]);
    }

  g_print ("\nRepeated: medians of the rounds in this process, the ratio the median of "
           "the rounds' ratios. First load: the median of %u new processes, each loading "
           "once. Memory: VmHWM after one load minus VmHWM with the file's bytes read (in "
           "brackets the whole process's VmHWM).\n", FRESH_RUNS);
  if (g_getenv ("KBD_BENCH_KEEP") != NULL)
    g_print ("\nKept %s\n", dir);
  else
    remove_files (dir, paths);
  return 0;
}
