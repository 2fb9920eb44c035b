/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-seeds: writes seed inputs that depend on the library's own output,
 * so they stay right when KB312395 or the snapshot format changes. Used by
 * fuzz/run-fuzzers.sh; not a fuzzer.
 *
 *   fuzz-seeds --session DIR --json DIR --text DIR [ARTICLE.json...]
 *
 *   --session  inputs for fuzz-session: 'R' + a snapshot of a walk on
 *              KB312395, and 'O' + an operation program (see fuzz-session.c)
 *   --json     the same snapshots as plain JSON, for fuzz-json
 *   --text     every text of the ARTICLEs that load (one file each), for
 *              fuzz-text
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbdecide.h"

static char *session_dir;
static char *json_dir;
static char *text_dir;
static guint n_written;

static void
write_seed (const char *dir,
            const char *prefix,
            const char *lead,
            const char *data,
            gsize       len)
{
  g_autofree char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA1, (const guchar *) data, len);
  g_autofree char *name = g_strdup_printf ("%s-%.16s", prefix, sum);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  GString *content = g_string_new (lead);

  g_string_append_len (content, data, len);
  if (!g_file_set_contents (path, content->str, content->len, &error))
    {
      fprintf (stderr, "fuzz-seeds: %s\n", error->message);
      exit (1);
    }
  g_string_free (content, TRUE);
  n_written++;
}

static void
write_snapshot (KbdSession *session)
{
  g_autofree char *snapshot = kbd_session_to_snapshot (session);

  if (session_dir != NULL)
    write_seed (session_dir, "restore", "R", snapshot, strlen (snapshot));
  if (json_dir != NULL)
    write_seed (json_dir, "snapshot", "", snapshot, strlen (snapshot));
}

/* A walk steered by @rand: mostly forward, sometimes back, revisit, notes,
 * steps, restart. */
static void
random_walk (KbdArticle *article,
             guint32     seed,
             guint       length)
{
  g_autoptr(KbdSession) session = kbd_session_new (article, "seed", seed % 2 ? "T-42" : NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);

  for (guint i = 0; i < length && !kbd_session_get_finished (session); i++)
    {
      KbdNode *node = kbd_session_get_current_node (session);
      guint dice = g_rand_int_range (rand, 0, 100);
      guint n = 0;

      if (dice < 5 && kbd_session_get_can_go_back (session))
        kbd_session_back (session, NULL);
      else if (dice < 8)
        kbd_session_revisit (session, 0, NULL);
      else if (dice < 14)
        kbd_session_add_note (session, seed % 3 ? "Called the customer back." : "Tried `iisreset`;\n*Stop* was greyed out.", NULL);
      else if (dice < 15)
        kbd_session_restart (session);
      else if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          kbd_node_get_answers (node, &n);
          kbd_session_choose_index (session, g_rand_int_range (rand, 0, n), NULL);
        }
      else if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE)
        {
          KbdStep *const *steps = kbd_node_get_steps (node, &n);

          for (guint s = 0; s < n; s++)
            if (g_rand_boolean (rand))
              kbd_session_set_step_done (session, kbd_step_get_id (steps[s]), TRUE, NULL);
          kbd_session_advance (session, NULL);
        }
    }

  write_snapshot (session);
}

static void
write_op_seeds (guint32 seed,
                guint   length)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  GString *ops = g_string_new (NULL);

  for (guint i = 0; i < length; i++)
    {
      /* Mostly choose (index 0–3) and advance, as a technician would. */
      guint dice = g_rand_int_range (rand, 0, 100);

      if (dice < 45)
        {
          g_string_append_c (ops, 0);
          g_string_append_c (ops, (char) g_rand_int_range (rand, 0, 4));
        }
      else if (dice < 70)
        g_string_append_c (ops, 1);
      else if (dice < 75)
        g_string_append_c (ops, 2);
      else if (dice < 78)
        {
          g_string_append_c (ops, 3);
          g_string_append_c (ops, (char) g_rand_int_range (rand, 0, 8));
        }
      else if (dice < 88)
        {
          g_string_append_c (ops, 4);
          g_string_append_c (ops, (char) g_rand_int_range (rand, 0, 16));
        }
      else if (dice < 93)
        {
          static const char *const notes[] = { "ok", "Rebooted.", "tab\there", "bad \x01", "" };
          const char *note = notes[g_rand_int_range (rand, 0, G_N_ELEMENTS (notes))];

          g_string_append_c (ops, 5);
          g_string_append_c (ops, (char) strlen (note));
          g_string_append (ops, note);
        }
      else if (dice < 96)
        g_string_append_c (ops, 6);
      else
        g_string_append_c (ops, 7);
    }

  write_seed (session_dir, "ops", "O", ops->str, ops->len);
  g_string_free (ops, TRUE);
}

static void
text_cb (const char *string_id,
         const char *text,
         gpointer    user_data)
{
  GHashTable *seen = user_data;

  if (g_hash_table_contains (seen, text))
    return;
  g_hash_table_add (seen, g_strdup (text));
  write_seed (text_dir, "text", "", text, strlen (text));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("[ARTICLE.json…]");
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *kb_path = NULL;
  const char *root = g_getenv ("KBD_SOURCE_ROOT");
  GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session_dir, "fuzz-session seeds", "DIR" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json_dir, "fuzz-json seeds", "DIR" },
    { "text", 0, 0, G_OPTION_ARG_FILENAME, &text_dir, "fuzz-text seeds", "DIR" },
    { NULL },
  };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "fuzz-seeds: %s\n", error->message);
      return 2;
    }

  if (session_dir != NULL || json_dir != NULL)
    {
      if (root != NULL && root[0] != '\0')
        kb_path = g_build_filename (root, "kb", "KB312395.json", NULL);
      else
        kb_path = g_strdup (KBD_FUZZ_KB312395);
      article = kbd_article_new_from_file (kb_path, KBD_LOAD_FLAGS_NONE, &error);
      if (article == NULL)
        {
          fprintf (stderr, "fuzz-seeds: %s\n", error->message);
          return 1;
        }

      {
        g_autoptr(KbdSession) fresh = kbd_session_new (article, NULL, NULL);
        write_snapshot (fresh);
      }
      for (guint32 seed = 1; seed <= 24; seed++)
        random_walk (article, seed, 4 + seed * 2);
    }

  if (session_dir != NULL)
    for (guint32 seed = 1; seed <= 16; seed++)
      write_op_seeds (seed, 8 + seed * 6);

  if (text_dir != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (int i = 1; i < argc; i++)
        {
          g_autoptr(KbdArticle) source = kbd_article_new_from_file (argv[i], KBD_LOAD_FLAGS_NO_VALIDATE, NULL);

          if (source != NULL)
            kbd_article_foreach_string (source, text_cb, seen);
        }
    }

  printf ("fuzz-seeds: wrote %u seeds\n", n_written);
  return 0;
}
