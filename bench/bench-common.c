/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the benchmarks share: timing, percentiles, memory, child runs and a
 * synthetic history. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "kbdecide.h"
#include "kbd-event-private.h"
#include "kbd-history-store-private.h"
#include "bench-common.h"

static const char *words[] = {
  "caller", "server", "restart", "mailbox", "queue", "printer", "network", "cable",
  "password", "backup", "restore", "service", "cluster", "node", "virtual", "metabase",
  "smtp", "relay", "outlook", "profile", "dns", "gateway", "firewall", "license",
};

static gint
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
percentile (GArray *samples,
            double  p)
{
  guint index;

  g_array_sort (samples, compare_doubles);
  index = (guint) MIN (samples->len - 1, p * samples->len);
  return g_array_index (samples, double, index);
}

double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

static char *
note_text (GRand *rand,
           guint  session)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    g_string_append_printf (text, "%s%s", i ? " " : "",
                            words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
  /* One session in ten thousand mentions something rare. */
  if (session % 10000 == 7)
    g_string_append (text, " zeppelin");
  return g_string_free (text, FALSE);
}

/* A session of ten events as the library stores them. */
void
add_session_writes (GPtrArray *writes,
                    GRand     *rand,
                    guint      session)
{
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 start = g_get_real_time () - (gint64) (100000 - session) * 60 * G_USEC_PER_SEC;

  for (guint i = 0; i < 10; i++)
    {
      KbdHistoryWrite *w = g_new0 (KbdHistoryWrite, 1);
      KbdEvent *event;

      if (i == 0)
        event = kbd_event_new_empty (KBD_EVENT_START);
      else if (i % 3 == 1)
        event = kbd_event_new_empty (KBD_EVENT_NOTE);
      else
        event = kbd_event_new_empty (KBD_EVENT_ANSWER);
      event->uuid = g_uuid_string_random ();
      event->time = start + i * G_USEC_PER_SEC;
      event->node_id = g_strdup ("cluster_backup");
      event->node_title = g_strdup ("Is there a full metabase backup?");
      if (event->kind == KBD_EVENT_NOTE)
        event->text = note_text (rand, session);
      else if (event->kind == KBD_EVENT_ANSWER)
        {
          event->answer_id = g_strdup ("yes");
          event->label = g_strdup ("Yes, a backup from before the removal exists");
        }

      w->event = event;
      w->session_uuid = g_strdup (uuid);
      w->article_id = g_strdup ("KB312395");
      w->article_hash = g_strdup ("sha256:0");
      w->article_title = g_strdup ("Exchange 2000 SMTP functionality is lost after you remove the IIS SMTP component");
      w->technician = g_strdup ("Ada");
      w->ticket = g_strdup_printf ("INC-%u", session);
      w->language = g_strdup ("en");
      w->started_at = start;
      w->current_node = g_strdup (i == 9 ? "cluster_resolved" : "cluster_backup");
      w->outcome = i == 9 && session % 4 ? KBD_OUTCOME_RESOLVED : KBD_OUTCOME_NONE;
      w->path = g_strdup ("applies:yes>server_role:cluster>cluster_backup:yes");
      g_ptr_array_add (writes, w);
    }
}


gint64
read_status_kib (const char *field)
{
  g_autofree char *status = NULL;
  g_autofree char *key = g_strconcat ("\n", field, ":", NULL);
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, key);
  if (line == NULL)
    return -1;
  return g_ascii_strtoll (line + strlen (key), NULL, 10);
}

char *
run_self (const char *const *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *self = g_file_read_link ("/proc/self/exe", &error);
  g_autofree char *out = NULL;
  int status = 0;

  g_assert_no_error (error);
  g_strv_builder_add (builder, self);
  g_strv_builder_addv (builder, (const char **) args);
  argv = g_strv_builder_end (builder);
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&out);
}

GBytes *
read_file_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

/* Removes an SQLite database and its WAL and shared-memory files. */
void
remove_database (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_unlink (file);
    }
}
