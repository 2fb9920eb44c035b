/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KbdCatalog: the search path, scanning, finding articles by id. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kbdecide.h"

static char *
kb312395_text (gsize *length)
{
  g_autofree char *path = g_build_filename (KBD_TEST_SRCDIR, "..", "kb", "KB312395.json", NULL);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, length, &error);
  g_assert_no_error (error);
  return text;
}

static void
write_file (const char *directory,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

static char *
make_dir (const char *name)
{
  char *path = g_build_filename (g_get_user_cache_dir (), name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (path, 0700), ==, 0);
  return path;
}

static const char minimal[] =
  "{\"format\":1,\"id\":\"KB000001\",\"language\":\"en\",\"title\":\"Printer shows *Offline*\","
  "\"summary\":\"A test.\",\"applies_to\":[{\"product\":\"Windows 2000\"},{\"product\":\"Windows XP\"}],"
  "\"revision\":1,\"reviewed\":\"2026-11-25\",\"source\":{\"publisher\":\"X\",\"reference\":\"KB000001\"},"
  "\"start\":\"q\",\"nodes\":{\"q\":{\"kind\":\"question\",\"prompt\":\"On?\",\"answers\":"
  "[{\"id\":\"yes\",\"label\":\"Yes\",\"next\":\"done\"}]},"
  "\"done\":{\"kind\":\"outcome\",\"result\":\"resolved\",\"title\":\"Done\",\"text\":\"Done.\"}}}";

static void
test_normalize (void)
{
  static const struct { const char *in; const char *out; } cases[] = {
    { "312395", "KB312395" },
    { "KB312395", "KB312395" },
    { "kb312395", "KB312395" },
    { "Q312395", "KB312395" },
    { "q312395", "KB312395" },
    { "my_article", "my_article" },
    { "", NULL },
    { "../etc/passwd", NULL },
    { "KB312395/../../x", NULL },
    { "a b", NULL },
    { "KB\xc3\xa9", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = kbd_article_id_normalize (cases[i].in);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_scan (void)
{
  g_autofree char *first = make_dir ("first");
  g_autofree char *second = make_dir ("second");
  g_autofree char *missing = g_build_filename (g_get_user_cache_dir (), "missing", NULL);
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *kb = kb312395_text (&length);
  const char *const *problems;
  GListModel *entries;
  g_autoptr(KbdCatalogEntry) a = NULL;
  g_autoptr(KbdCatalogEntry) b = NULL;
  g_autofree char *expected_file = g_build_filename (first, "KB312395.json", NULL);

  write_file (first, "KB312395.json", kb, length);
  write_file (first, "broken.json", "{\"format\": 1,", -1);
  write_file (first, "README.txt", "not an article", -1);
  write_file (first, ".hidden.json", "{", -1);
  write_file (first, "kbdecide-article-1.schema.json", "{}", -1);
  write_file (second, "KB312395.json", kb, length);        /* shadowed by the first */
  write_file (second, "KB000001.json", minimal, -1);

  kbd_catalog_add_directory (catalog, first);
  kbd_catalog_add_directory (catalog, missing);
  kbd_catalog_add_directory (catalog, second);
  g_assert_cmpuint (g_strv_length ((char **) kbd_catalog_get_directories (catalog)), ==, 3);

  g_assert_true (kbd_catalog_scan (catalog, NULL, &error));
  g_assert_no_error (error);

  /* The broken file is reported with its name; nothing else is. */
  problems = kbd_catalog_get_problems (catalog);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, 1);
  g_assert_nonnull (strstr (problems[0], "broken.json"));

  entries = kbd_catalog_get_entries (catalog);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 2);
  a = g_list_model_get_item (entries, 0);
  b = g_list_model_get_item (entries, 1);
  g_assert_cmpstr (kbd_catalog_entry_get_id (a), ==, "KB000001");
  g_assert_cmpstr (kbd_catalog_entry_get_title (a), ==, "Printer shows Offline");
  g_assert_nonnull (strstr (kbd_catalog_entry_get_products (a), "Windows 2000"));
  g_assert_nonnull (strstr (kbd_catalog_entry_get_products (a), "Windows XP"));
  g_assert_cmpstr (kbd_catalog_entry_get_id (b), ==, "KB312395");
  g_assert_cmpstr (kbd_catalog_entry_get_filename (b), ==, expected_file);

  /* A second scan gives the same list, not twice as many. */
  g_assert_true (kbd_catalog_scan (catalog, NULL, &error));
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 2);
  g_assert_cmpuint (g_strv_length ((char **) kbd_catalog_get_problems (catalog)), ==, 1);
}

static void
test_find_and_load (void)
{
  g_autofree char *dir = make_dir ("kb");
  g_autofree char *renamed = make_dir ("renamed");
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *found = NULL;
  g_autofree char *expected = g_build_filename (dir, "KB312395.json", NULL);
  g_autofree char *expected_renamed = g_build_filename (renamed, "printer.json", NULL);
  g_autoptr(KbdArticle) article = NULL;
  gsize length = 0;
  g_autofree char *kb = kb312395_text (&length);

  write_file (dir, "KB312395.json", kb, length);
  write_file (renamed, "printer.json", minimal, -1);
  kbd_catalog_add_directory (catalog, dir);
  kbd_catalog_add_directory (catalog, renamed);

  found = kbd_catalog_find_file (catalog, "312395", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, expected);

  article = kbd_catalog_load (catalog, "q312395", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_article_get_id (article), ==, "KB312395");

  /* A file named otherwise is found once the folder was scanned. */
  g_clear_pointer (&found, g_free);
  found = kbd_catalog_find_file (catalog, "KB000001", &error);
  g_assert_null (found);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_true (kbd_catalog_scan (catalog, NULL, NULL));
  found = kbd_catalog_find_file (catalog, "KB000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, expected_renamed);

  /* A clean scan has an empty list of problems, not none. */
  g_assert_nonnull (kbd_catalog_get_problems (catalog));
  g_assert_null (kbd_catalog_get_problems (catalog)[0]);

  /* Ids that are paths never reach the file system. */
  g_assert_null (kbd_catalog_find_file (catalog, "../kb/KB312395", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "not an article id"));
  g_clear_error (&error);

  g_assert_null (kbd_catalog_load (catalog, "KB999999", &error));
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "KB999999"));
}

static void
test_default_directories (void)
{
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "kbdecide", "kb", NULL);
  const char *const *dirs;

  g_setenv ("KBDECIDE_KB_PATH", "/srv/kb-one" G_SEARCHPATH_SEPARATOR_S G_SEARCHPATH_SEPARATOR_S "/srv/kb-two", TRUE);
  kbd_catalog_add_default_directories (catalog);
  g_unsetenv ("KBDECIDE_KB_PATH");

  dirs = kbd_catalog_get_directories (catalog);
  g_assert_cmpuint (g_strv_length ((char **) dirs), ==, 4);
  g_assert_cmpstr (dirs[0], ==, "/srv/kb-one");
  g_assert_cmpstr (dirs[1], ==, "/srv/kb-two");
  g_assert_cmpstr (dirs[2], ==, user_dir);
  g_assert_true (g_path_is_absolute (dirs[3]));
}

static void
test_cancel (void)
{
  g_autofree char *dir = make_dir ("cancel");
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  write_file (dir, "KB000001.json", minimal, -1);
  kbd_catalog_add_directory (catalog, dir);
  g_cancellable_cancel (cancellable);
  g_assert_false (kbd_catalog_scan (catalog, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/catalog/normalize", test_normalize);
  g_test_add_func ("/catalog/scan", test_scan);
  g_test_add_func ("/catalog/find-and-load", test_find_and_load);
  g_test_add_func ("/catalog/default-directories", test_default_directories);
  g_test_add_func ("/catalog/cancel", test_cancel);

  return g_test_run ();
}
