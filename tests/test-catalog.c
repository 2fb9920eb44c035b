/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KbdCatalog: the search path, scanning, finding articles by id. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "kbdecide.h"
#include "helpers/classic-kb.h"

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

/* Symbolic links: nothing outside the article folders ---------------------- */

/* The minimal article with another id. */
static char *
article_with_id (const char *id)
{
  g_autofree char *field = g_strdup_printf ("\"id\":\"%s\"", id);
  g_autoptr(GString) text = g_string_new (minimal);

  g_assert_cmpuint (g_string_replace (text, "\"id\":\"KB000001\"", field, 1), ==, 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
make_symlink (const char *target,
              const char *directory,
              const char *name)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);

  if (symlink (target, path) != 0)
    g_error ("symlink %s → %s: %s", path, target, g_strerror (errno));
}

static char *
make_subdir (const char *parent,
             const char *name)
{
  char *path = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  return path;
}

/* Removes a tree made by a test, without following its symbolic links. */
static void
remove_tree (const char *path)
{
  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_assert_cmpint (g_rmdir (path), ==, 0);
    }
  else
    g_assert_cmpint (g_remove (path), ==, 0);
}

static gboolean
problems_mention (const char *const *problems,
                  const char         *file_name,
                  const char         *says)
{
  for (guint i = 0; problems[i] != NULL; i++)
    if (strstr (problems[i], file_name) != NULL && strstr (problems[i], says) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_links_outside (void)
{
  /* tmp/kb is the article folder; tmp/elsewhere and tmp/kb2 are not. */
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("kbd-catalog-XXXXXX", &error);
  g_autofree char *kb = NULL;
  g_autofree char *elsewhere = NULL;
  g_autofree char *kb2 = NULL;
  g_autofree char *real = NULL;
  g_autofree char *outside_absolute = NULL;
  g_autofree char *inside_link = NULL;
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(KbdArticle) article = NULL;
  const char *const *problems;
  GListModel *entries;
  static const struct { const char *id; const char *file; } outside[] = {
    { "KB1", "KB1.json" },                 /* → /etc/passwd */
    { "KB000001", "KB000001.json" },       /* → ../elsewhere/one.json */
    { "KB000002", "KB000002.json" },       /* → /abs/elsewhere/two.json */
    { "KB000003", "KB000003.json" },       /* → sub/three.json, sub → ../elsewhere */
    { "KB000005", "KB000005.json" },       /* → ../kb2/five.json: a folder named like kb */
  };

  g_assert_no_error (error);
  kb = make_subdir (tmp, "kb");
  elsewhere = make_subdir (tmp, "elsewhere");
  kb2 = make_subdir (tmp, "kb2");
  real = make_subdir (kb, "real");

  for (guint i = 1; i <= 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("KB00000%u", i);
      g_autofree char *text = article_with_id (id);
      static const char *const names[] = { NULL, "one.json", "two.json", "three.json", NULL, "five.json" };

      if (i == 4)
        write_file (real, "printer.json", text, -1);
      else if (i == 5)
        write_file (kb2, names[i], text, -1);
      else
        write_file (elsewhere, names[i], text, -1);
    }

  outside_absolute = g_build_filename (elsewhere, "two.json", NULL);
  make_symlink ("/etc/passwd", kb, "KB1.json");
  make_symlink ("../elsewhere/one.json", kb, "KB000001.json");
  make_symlink (outside_absolute, kb, "KB000002.json");
  make_symlink ("../elsewhere", kb, "sub");
  make_symlink ("sub/three.json", kb, "KB000003.json");
  make_symlink ("../kb2/five.json", kb, "KB000005.json");
  /* A link that stays inside the folder is fine. */
  make_symlink ("real/printer.json", kb, "KB000004.json");
  /* A dangling link is a file that does not open. */
  make_symlink ("nowhere.json", kb, "KB000009.json");

  kbd_catalog_add_directory (catalog, kb);
  g_assert_true (kbd_catalog_scan (catalog, NULL, &error));
  g_assert_no_error (error);

  /* Only the inside link is listed. */
  entries = kbd_catalog_get_entries (catalog);
  g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 1);
  {
    g_autoptr(KbdCatalogEntry) entry = g_list_model_get_item (entries, 0);

    inside_link = g_build_filename (kb, "KB000004.json", NULL);
    g_assert_cmpstr (kbd_catalog_entry_get_id (entry), ==, "KB000004");
    g_assert_cmpstr (kbd_catalog_entry_get_filename (entry), ==, inside_link);
  }

  /* Every outside link is a problem naming its file; so is the dangling one. */
  problems = kbd_catalog_get_problems (catalog);
  for (guint i = 0; problems[i] != NULL; i++)
    g_test_message ("problem: %s", problems[i]);
  g_assert_cmpuint (g_strv_length ((char **) problems), ==, G_N_ELEMENTS (outside) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
    g_assert_true (problems_mention (problems, outside[i].file, "leads outside the article folder"));
  g_assert_true (problems_mention (problems, "KB000009.json", "cannot open"));

  /* Finding or loading an outside link by id fails as unsafe, before and
   * after a scan. */
  for (guint pass = 0; pass < 2; pass++)
    {
      g_autoptr(KbdCatalog) fresh = kbd_catalog_new ();
      KbdCatalog *c = pass == 0 ? fresh : catalog;

      kbd_catalog_add_directory (fresh, kb);
      for (guint i = 0; i < G_N_ELEMENTS (outside); i++)
        {
          g_autofree char *found = kbd_catalog_find_file (c, outside[i].id, &error);
          g_autoptr(KbdArticle) loaded = NULL;

          g_assert_null (found);
          g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
          g_assert_nonnull (strstr (error->message, outside[i].file));
          g_assert_nonnull (strstr (error->message, "leads outside the article folder"));
          g_clear_error (&error);

          loaded = kbd_catalog_load (c, outside[i].id, &error);
          g_assert_null (loaded);
          g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
          g_clear_error (&error);
        }

      /* The dangling link is simply not there. */
      g_assert_null (kbd_catalog_find_file (c, "KB000009", &error));
      g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
      g_clear_error (&error);
    }

  /* The inside link is found and loads. */
  {
    g_autofree char *found = kbd_catalog_find_file (catalog, "KB000004", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, inside_link);
    article = kbd_catalog_load (catalog, "KB000004", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (kbd_article_get_id (article), ==, "KB000004");
  }

  /* A real article later on the search path is found past an unsafe link
   * with its id, as the scan lists it. */
  {
    g_autofree char *later = make_subdir (tmp, "later");
    g_autofree char *text = article_with_id ("KB000001");
    g_autofree char *expected = g_build_filename (later, "KB000001.json", NULL);
    g_autofree char *found = NULL;

    write_file (later, "KB000001.json", text, -1);
    kbd_catalog_add_directory (catalog, later);
    found = kbd_catalog_find_file (catalog, "KB000001", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (found, ==, expected);
    g_assert_true (kbd_catalog_scan (catalog, NULL, NULL));
    g_assert_cmpuint (g_list_model_get_n_items (entries), ==, 2);
  }

  remove_tree (tmp);
}

static void
test_linked_folder (void)
{
  /* The folder given is a symbolic link to the real folder: it works, and
   * links inside the real folder stay inside it. */
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("kbd-catalog-XXXXXX", &error);
  g_autofree char *real = NULL;
  g_autofree char *link = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *found = NULL;
  g_autofree char *found_alias = NULL;
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(KbdArticle) article = NULL;
  g_autofree char *two = article_with_id ("KB000002");

  g_assert_no_error (error);
  real = make_subdir (tmp, "real");
  link = g_build_filename (tmp, "link", NULL);
  make_symlink ("real", tmp, "link");
  write_file (real, "KB000001.json", minimal, -1);
  write_file (real, "two.json", two, -1);
  make_symlink ("two.json", real, "KB000002.json");

  kbd_catalog_add_directory (catalog, link);
  g_assert_cmpstr (kbd_catalog_get_directories (catalog)[0], ==, link);
  g_assert_true (kbd_catalog_scan (catalog, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (kbd_catalog_get_problems (catalog)[0]);
  g_assert_cmpuint (g_list_model_get_n_items (kbd_catalog_get_entries (catalog)), ==, 2);

  expected = g_build_filename (link, "KB000001.json", NULL);
  found = kbd_catalog_find_file (catalog, "KB000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, expected);
  found_alias = kbd_catalog_find_file (catalog, "KB000002", &error);
  g_assert_no_error (error);
  g_assert_nonnull (found_alias);

  article = kbd_catalog_load (catalog, "KB000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_article_get_id (article), ==, "KB000001");

  remove_tree (tmp);
}

static void
test_ids_are_not_paths (void)
{
  /* However an id is spelled, it never names a file: refused before the
   * file system is asked, with KBD_ERROR_NOT_FOUND. */
  static const char *const ids[] = {
    "../etc/passwd", "/etc/passwd", "KB1/../../x", "file:///etc/passwd", "..", ".",
    "KB1\\..\\x", "~/x", "KB1%2F..%2Fx", "KB1\n", "", "KB312395.json/x",
  };
  g_autofree char *dir = make_dir ("ids");
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();

  write_file (dir, "KB000001.json", minimal, -1);
  kbd_catalog_add_directory (catalog, dir);
  g_assert_true (kbd_catalog_scan (catalog, NULL, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *found = kbd_catalog_find_file (catalog, ids[i], &error);
      g_autoptr(KbdArticle) article = NULL;

      g_test_message ("id “%s”", ids[i]);
      g_assert_null (found);
      g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "not an article id"));
      g_clear_error (&error);

      article = kbd_catalog_load (catalog, ids[i], &error);
      g_assert_null (article);
      g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
      g_assert_nonnull (strstr (error->message, "not an article id"));
    }
}

static void
test_translation_link_outside (void)
{
  /* A PO file next to the article that leads outside the article's folder
   * is not used; one that stays inside is. */
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("kbd-catalog-XXXXXX", &error);
  g_autofree char *kb = NULL;
  g_autofree char *elsewhere = NULL;
  g_autofree char *lang = NULL;
  g_autofree char *path = NULL;
  g_autofree char *linked_kb = NULL;
  g_autofree char *expected_de = NULL;
  g_autofree char *expected_fr = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(KbdArticle) via_link = NULL;
  static const char po[] = "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n";

  g_assert_no_error (error);
  kb = make_subdir (tmp, "kb");
  elsewhere = make_subdir (tmp, "elsewhere");
  lang = make_subdir (kb, "lang");
  write_file (kb, "KB000001.json", minimal, -1);
  write_file (elsewhere, "x.po", po, -1);
  write_file (kb, "KB000001.de.po", po, -1);
  write_file (lang, "fr.po", po, -1);
  make_symlink ("../elsewhere/x.po", kb, "KB000001.de-AT.po");
  make_symlink ("../elsewhere/x.po", kb, "KB000001.es.po");
  make_symlink ("/etc/passwd", kb, "KB000001.it.po");
  make_symlink ("lang/fr.po", kb, "KB000001.fr.po");

  path = g_build_filename (kb, "KB000001.json", NULL);
  article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);

  expected_de = g_build_filename (kb, "KB000001.de.po", NULL);
  expected_fr = g_build_filename (kb, "KB000001.fr.po", NULL);
  {
    g_autofree char *es = kbd_article_find_translation (article, "es");
    g_autofree char *it = kbd_article_find_translation (article, "it");
    g_autofree char *de_at = kbd_article_find_translation (article, "de_AT.UTF-8");
    g_autofree char *fr = kbd_article_find_translation (article, "fr");

    g_assert_null (es);
    g_assert_null (it);
    /* The unsafe de-AT is passed over for the plain de next to it. */
    g_assert_cmpstr (de_at, ==, expected_de);
    g_assert_cmpstr (fr, ==, expected_fr);
  }

  /* Through a symlinked folder, the inside files are still found. */
  linked_kb = g_build_filename (tmp, "linked", "KB000001.json", NULL);
  make_symlink ("kb", tmp, "linked");
  via_link = kbd_article_new_from_file (linked_kb, KBD_LOAD_FLAGS_NONE, &error);
  g_assert_no_error (error);
  {
    g_autofree char *fr = kbd_article_find_translation (via_link, "fr");
    g_autofree char *es = kbd_article_find_translation (via_link, "es");

    g_assert_nonnull (fr);
    g_assert_true (g_str_has_suffix (fr, "KB000001.fr.po"));
    g_assert_null (es);
  }

  remove_tree (tmp);
}

/* A reference article named by an index is read only inside the
 * catalog's folders (and their subfolders): a file elsewhere, a link out
 * of the folder and a path through ".." are refused with
 * KBD_ERROR_UNSAFE_PATH, a missing file is KBD_ERROR_NOT_FOUND. */
static void
test_load_reference_inside_only (void)
{
  g_autofree char *folder = make_dir ("refs");
  g_autofree char *sub = g_build_filename (folder, "classic", NULL);
  g_autofree char *outside = make_dir ("elsewhere");
  g_autofree char *text = kbd_test_classic_text (&(KbdTestClassic) {
    "Q317627", "XWEB: Troubleshooting HTTP 401.x Errors", "Microsoft Exchange", "5.5", NULL, NULL,
    "Logging on fails.", "Check the permissions." });
  g_autofree char *inside_file = g_build_filename (sub, "Q317627.TXT", NULL);
  g_autofree char *outside_file = g_build_filename (outside, "Q317627.TXT", NULL);
  g_autofree char *link = g_build_filename (folder, "Q999999.TXT", NULL);
  g_autofree char *dotdot = g_build_filename (folder, "..", "elsewhere", "Q317627.TXT", NULL);
  g_autofree char *missing = g_build_filename (folder, "Q123456.TXT", NULL);
  g_autoptr(KbdCatalog) catalog = kbd_catalog_new ();
  g_autoptr(KbdReferenceArticle) article = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  write_file (sub, "Q317627.TXT", text, -1);
  write_file (outside, "Q317627.TXT", text, -1);
  g_assert_cmpint (symlink (outside_file, link), ==, 0);
  kbd_catalog_add_directory (catalog, folder);

  article = kbd_catalog_load_reference (catalog, inside_file, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_reference_article_get_id (article), ==, "Q317627");
  g_clear_object (&article);

  article = kbd_catalog_load_reference (catalog, outside_file, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, outside_file));
  g_assert_null (article);
  g_clear_error (&error);

  article = kbd_catalog_load_reference (catalog, link, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
  g_assert_nonnull (strstr (error->message, link));
  g_assert_null (article);
  g_clear_error (&error);

  article = kbd_catalog_load_reference (catalog, dotdot, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH);
  g_assert_null (article);
  g_clear_error (&error);

  article = kbd_catalog_load_reference (catalog, missing, &error);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_assert_null (article);
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
  g_test_add_func ("/catalog/links-outside-refused", test_links_outside);
  g_test_add_func ("/catalog/linked-folder", test_linked_folder);
  g_test_add_func ("/catalog/ids-are-not-paths", test_ids_are_not_paths);
  g_test_add_func ("/catalog/load-reference-inside-only", test_load_reference_inside_only);
  g_test_add_func ("/catalog/translation-link-outside-unused", test_translation_link_outside);

  return g_test_run ();
}
