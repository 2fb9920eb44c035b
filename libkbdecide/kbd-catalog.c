/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kbd-article-private.h"
#include "kbd-catalog.h"
#include "kbd-error.h"
#include "kbd-private.h"
#include "kbd-text.h"

/* KbdCatalogEntry ---------------------------------------------------------- */

struct _KbdCatalogEntry
{
  GObject parent_instance;
  char *id;
  char *title;
  char *products;
  char *filename;
};

/**
 * KbdCatalogEntry:
 *
 * One article found on the search path, as a list shows it.
 */
G_DEFINE_FINAL_TYPE (KbdCatalogEntry, kbd_catalog_entry, G_TYPE_OBJECT)

enum {
  ENTRY_PROP_0,
  ENTRY_PROP_ID,
  ENTRY_PROP_TITLE,
  ENTRY_PROP_PRODUCTS,
  ENTRY_N_PROPS
};

static GParamSpec *entry_properties[ENTRY_N_PROPS];

static void
kbd_catalog_entry_finalize (GObject *object)
{
  KbdCatalogEntry *self = (KbdCatalogEntry *) object;

  g_free (self->id);
  g_free (self->title);
  g_free (self->products);
  g_free (self->filename);

  G_OBJECT_CLASS (kbd_catalog_entry_parent_class)->finalize (object);
}

static void
kbd_catalog_entry_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KbdCatalogEntry *self = KBD_CATALOG_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case ENTRY_PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case ENTRY_PROP_PRODUCTS:
      g_value_set_string (value, self->products);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_catalog_entry_class_init (KbdCatalogEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbd_catalog_entry_finalize;
  object_class->get_property = kbd_catalog_entry_get_property;

  /**
   * KbdCatalogEntry:id:
   *
   * The article's id.
   */
  entry_properties[ENTRY_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdCatalogEntry:title:
   *
   * The article's title as plain text.
   */
  entry_properties[ENTRY_PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdCatalogEntry:products:
   *
   * The products the article applies to, comma-separated.
   */
  entry_properties[ENTRY_PROP_PRODUCTS] =
    g_param_spec_string ("products", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ENTRY_N_PROPS, entry_properties);
}

static void
kbd_catalog_entry_init (KbdCatalogEntry *self)
{
}

/**
 * kbd_catalog_entry_get_id:
 * @self: an entry
 *
 * Gets the id of the article found, which [method@Kbd.Catalog.load] takes.
 *
 * Returns: the article's id
 */
const char *
kbd_catalog_entry_get_id (KbdCatalogEntry *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG_ENTRY (self), NULL);
  return self->id;
}

/**
 * kbd_catalog_entry_get_title:
 * @self: an entry
 *
 * Gets the article's title as plain text, with the marks of the inline
 * syntax removed; escape it with [func@Kbd.text_escape] for a markup
 * format.
 *
 * Returns: the title as plain text
 */
const char *
kbd_catalog_entry_get_title (KbdCatalogEntry *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG_ENTRY (self), NULL);
  return self->title;
}

/**
 * kbd_catalog_entry_get_products:
 * @self: an entry
 *
 * Gets the names of the products the article applies to, joined with `, `,
 * as plain text for a list column.
 *
 * Returns: the products, comma-separated
 */
const char *
kbd_catalog_entry_get_products (KbdCatalogEntry *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG_ENTRY (self), NULL);
  return self->products;
}

/**
 * kbd_catalog_entry_get_filename:
 * @self: an entry
 *
 * Gets the file the article was read from during the scan.
 *
 * Returns: (type filename): the article file
 */
const char *
kbd_catalog_entry_get_filename (KbdCatalogEntry *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG_ENTRY (self), NULL);
  return self->filename;
}

/* KbdCatalog --------------------------------------------------------------- */

struct _KbdCatalog
{
  GObject parent_instance;
  GPtrArray *directories;  /* char*, NULL-terminated */
  GListStore *entries;     /* KbdCatalogEntry */
  GPtrArray *problems;     /* char*, NULL-terminated */
};

/**
 * KbdCatalog:
 *
 * The articles on the search path.
 *
 * The search path is a list of folders, searched in order: the first
 * article with an id wins. [method@Kbd.Catalog.add_default_directories]
 * adds `$KBDECIDE_KB_PATH` (colon-separated), `$XDG_DATA_HOME/kbdecide/kb`
 * and the installed article folder. A catalog belongs to one thread.
 *
 * Nothing outside the folders is read: a file whose real path (every
 * symbolic link resolved) is not inside the real path of the folder it was
 * found in is neither listed nor loaded. A folder that is itself a symbolic
 * link, and links that stay inside the folder, are fine.
 */
G_DEFINE_FINAL_TYPE (KbdCatalog, kbd_catalog, G_TYPE_OBJECT)

static void
kbd_catalog_finalize (GObject *object)
{
  KbdCatalog *self = (KbdCatalog *) object;

  g_clear_pointer (&self->directories, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_object (&self->entries);

  G_OBJECT_CLASS (kbd_catalog_parent_class)->finalize (object);
}

static void
kbd_catalog_class_init (KbdCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kbd_catalog_finalize;
}

static void
kbd_catalog_init (KbdCatalog *self)
{
  self->directories = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  /* Reserved, so that pdata is an empty vector rather than NULL (GLib 2.74). */
  self->problems = g_ptr_array_new_null_terminated (1, g_free, TRUE);
  self->entries = g_list_store_new (KBD_TYPE_CATALOG_ENTRY);
}

/**
 * kbd_catalog_new:
 *
 * Creates a catalog with an empty search path.
 *
 * Returns: (transfer full): the catalog
 */
KbdCatalog *
kbd_catalog_new (void)
{
  kbd_i18n_init ();
  return g_object_new (KBD_TYPE_CATALOG, NULL);
}

/**
 * kbd_catalog_add_directory:
 * @self: a catalog
 * @directory: (type filename): a folder of article files
 *
 * Appends a folder to the search path; a folder already on it is ignored.
 */
void
kbd_catalog_add_directory (KbdCatalog *self,
                           const char *directory)
{
  g_autofree char *canonical = NULL;

  g_return_if_fail (KBD_IS_CATALOG (self));
  g_return_if_fail (directory != NULL);

  canonical = g_canonicalize_filename (directory, NULL);
  for (guint i = 0; i < self->directories->len; i++)
    if (g_str_equal (g_ptr_array_index (self->directories, i), canonical))
      return;
  g_ptr_array_add (self->directories, g_steal_pointer (&canonical));
}

/**
 * kbd_catalog_add_default_directories:
 * @self: a catalog
 *
 * Appends `$KBDECIDE_KB_PATH`, `$XDG_DATA_HOME/kbdecide/kb` and the
 * installed article folder to the search path.
 */
void
kbd_catalog_add_default_directories (KbdCatalog *self)
{
  const char *env;
  g_autofree char *user_dir = NULL;

  g_return_if_fail (KBD_IS_CATALOG (self));

  env = g_getenv ("KBDECIDE_KB_PATH");
  if (env != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          kbd_catalog_add_directory (self, parts[i]);
    }

  user_dir = g_build_filename (g_get_user_data_dir (), "kbdecide", "kb", NULL);
  kbd_catalog_add_directory (self, user_dir);
  kbd_catalog_add_directory (self, KBD_KBDIR);
}

/**
 * kbd_catalog_get_directories:
 * @self: a catalog
 *
 * Gets the folders searched for articles, in search order, as absolute
 * paths with `.` and `..` removed (symbolic links are not resolved).
 *
 * Returns: (transfer none) (array zero-terminated=1) (element-type filename):
 *   the search path
 */
const char *const *
kbd_catalog_get_directories (KbdCatalog *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  return (const char *const *) self->directories->pdata;
}

/**
 * kbd_article_id_normalize:
 * @article_id: an article id as a person types it
 *
 * Normalises an article id: `312395`, `kb312395`, `Q312395` and `KB312395`
 * all become `KB312395`; other ids are returned unchanged.
 *
 * Returns: (transfer full) (nullable): the normalised id, or %NULL when
 *   @article_id is not a possible article id
 */
char *
kbd_article_id_normalize (const char *article_id)
{
  const char *digits = NULL;

  g_return_val_if_fail (article_id != NULL, NULL);

  if (article_id[0] != '\0' && strspn (article_id, "0123456789") == strlen (article_id))
    digits = article_id;
  else if (g_ascii_strncasecmp (article_id, "kb", 2) == 0 &&
           article_id[2] != '\0' && strspn (article_id + 2, "0123456789") == strlen (article_id + 2))
    digits = article_id + 2;
  else if (g_ascii_tolower (article_id[0]) == 'q' &&
           article_id[1] != '\0' && strspn (article_id + 1, "0123456789") == strlen (article_id + 1))
    digits = article_id + 1;

  if (digits != NULL)
    return strlen (digits) <= 60 ? g_strconcat ("KB", digits, NULL) : NULL;

  return kbd_is_article_id (article_id) ? g_strdup (article_id) : NULL;
}

/* realpath(3), in GLib's allocator; %NULL with errno set. */
static char *
dup_real_path (const char *path)
{
  char *real = realpath (path, NULL);
  char *copy;

  if (real == NULL)
    return NULL;
  copy = g_strdup (real);
  free (real);
  return copy;
}

/* The real path of a file to be opened; %NULL with %KBD_ERROR_NOT_FOUND or
 * %KBD_ERROR_IO when it does not resolve (missing, dangling link, loop). */
static char *
real_path_of_file (const char  *path,
                   GError     **error)
{
  char *real = dup_real_path (path);

  if (real == NULL)
    {
      int saved_errno = errno;

      g_set_error (error, KBD_ERROR, saved_errno == ENOENT ? KBD_ERROR_NOT_FOUND : KBD_ERROR_IO,
                   _("%s: cannot open the file: %s"), path, g_strerror (saved_errno));
    }
  return real;
}

/* Whether @real_path is @real_directory or inside it; both resolved.
 * "/srv/kb" holds "/srv/kb/x.json", not "/srv/kb2/x.json". */
static gboolean
is_inside (const char *real_directory,
           const char *real_path)
{
  gsize n = strlen (real_directory);

  if (strncmp (real_path, real_directory, n) != 0)
    return FALSE;
  return real_path[n] == '\0' || real_path[n] == '/' ||
         (n > 0 && real_directory[n - 1] == '/');
}

/* Checks that @path, found in the folder whose real path is
 * @real_directory, leads to somewhere inside that folder: a symbolic link
 * to /etc/passwd, to ../../elsewhere/x.json or through a linked subfolder
 * to outside fails with %KBD_ERROR_UNSAFE_PATH. A path that does not
 * resolve (missing, dangling link, loop) fails with %KBD_ERROR_NOT_FOUND or
 * %KBD_ERROR_IO, and must not be opened either: it was not checked. */
static gboolean
check_inside_folder (const char  *real_directory,
                     const char  *path,
                     GError     **error)
{
  g_autofree char *real = real_path_of_file (path, error);

  if (real == NULL)
    return FALSE;

  if (!is_inside (real_directory, real))
    {
      g_autofree char *target = g_filename_display_name (real);

      g_set_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH,
                   /* Translators: the first %s is an article file (a symbolic link),
                    * the second the file it leads to */
                   _("%s: leads outside the article folder, to %s; it is not read"),
                   path, target);
      return FALSE;
    }

  return TRUE;
}

static gboolean
is_article_file (const char *name)
{
  return g_str_has_suffix (name, ".json") && !g_str_has_suffix (name, ".schema.json") &&
         name[0] != '.';
}

static char *
join_products (KbdArticle *article)
{
  GString *out = g_string_new (NULL);
  KbdProduct *const *products;
  guint n;

  products = kbd_article_get_products (article, &n);
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append (out, ", ");
      g_string_append (out, kbd_product_get_name (products[i]));
    }
  return g_string_free (out, FALSE);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const KbdCatalogEntry *ea = *(KbdCatalogEntry *const *) a;
  const KbdCatalogEntry *eb = *(KbdCatalogEntry *const *) b;

  return strcmp (ea->id, eb->id);
}

/**
 * kbd_catalog_scan:
 * @self: a catalog
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads every article file (`*.json`) in the search path's folders and
 * fills [method@Kbd.Catalog.get_entries]. A file that does not load is not
 * skipped silently: it is listed in [method@Kbd.Catalog.get_problems] with
 * the reason. A file that leads outside its folder (a symbolic link to
 * elsewhere) is not read at all, and listed there too. A folder that does
 * not exist is not a problem.
 *
 * Returns: %TRUE, or %FALSE when cancelled
 */
gboolean
kbd_catalog_scan (KbdCatalog    *self,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (KBD_IS_CATALOG (self), FALSE);

  g_ptr_array_set_size (self->problems, 0);

  for (guint d = 0; d < self->directories->len; d++)
    {
      const char *directory = g_ptr_array_index (self->directories, d);
      g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *real_directory = NULL;
      const char *name;

      if (dir == NULL)
        continue;
      /* The folder itself may be a symbolic link: what it holds is judged
       * against where it really is. */
      real_directory = dup_real_path (directory);
      if (real_directory == NULL)
        continue;

      while ((name = g_dir_read_name (dir)) != NULL)
        if (is_article_file (name))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, compare_names);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (directory, g_ptr_array_index (names, i), NULL);
          g_autoptr(KbdArticle) article = NULL;
          g_autoptr(GError) local_error = NULL;
          KbdCatalogEntry *entry;

          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return FALSE;

          if (!check_inside_folder (real_directory, path, &local_error))
            {
              g_ptr_array_add (self->problems, g_strdup (local_error->message));
              continue;
            }

          article = kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, &local_error);
          if (article == NULL)
            {
              g_ptr_array_add (self->problems, g_strdup (local_error->message));
              continue;
            }

          if (g_hash_table_contains (seen, kbd_article_get_id (article)))
            continue;
          g_hash_table_add (seen, g_strdup (kbd_article_get_id (article)));

          entry = g_object_new (KBD_TYPE_CATALOG_ENTRY, NULL);
          entry->id = g_strdup (kbd_article_get_id (article));
          entry->title = kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN);
          entry->products = join_products (article);
          entry->filename = g_steal_pointer (&path);
          g_ptr_array_add (found, entry);
        }
    }

  g_ptr_array_sort (found, compare_entries);
  g_list_store_splice (self->entries, 0, g_list_model_get_n_items (G_LIST_MODEL (self->entries)),
                       found->pdata, found->len);
  return TRUE;
}

/**
 * kbd_catalog_get_entries:
 * @self: a catalog
 *
 * Gets the articles on the search path as a list model. The model stays the
 * same object: each [method@Kbd.Catalog.scan] replaces its items and emits
 * [signal@Gio.ListModel::items-changed].
 *
 * Returns: (transfer none): the articles found by the last scan, sorted by
 *   id, as [class@Kbd.CatalogEntry] items
 */
GListModel *
kbd_catalog_get_entries (KbdCatalog *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  return G_LIST_MODEL (self->entries);
}

/**
 * kbd_catalog_get_problems:
 * @self: a catalog
 *
 * Gets why article files could not be loaded during the last scan, one
 * translated message per file naming the file. The array is empty, never
 * %NULL, when every file loaded.
 *
 * Returns: (transfer none) (array zero-terminated=1): one message per file
 *   that the last scan could not load
 */
const char *const *
kbd_catalog_get_problems (KbdCatalog *self)
{
  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  return (const char *const *) self->problems->pdata;
}

/**
 * kbd_catalog_find_file:
 * @self: a catalog
 * @article_id: an article id (`KB312395`, `312395`, `Q312395`)
 * @error: return location for a #GError
 *
 * Finds the file of an article on the search path: `ID.json` in each folder
 * in turn. The id is checked first, so it can never name a file outside the
 * search path; a file that is a symbolic link leading outside its folder is
 * passed over.
 *
 * Returns: (transfer full) (type filename): the file, or %NULL with
 *   %KBD_ERROR_NOT_FOUND, or %KBD_ERROR_UNSAFE_PATH when the only file
 *   found leads outside its folder
 */
char *
kbd_catalog_find_file (KbdCatalog  *self,
                       const char  *article_id,
                       GError     **error)
{
  g_autofree char *id = NULL;
  g_autofree char *file_name = NULL;
  g_autoptr(GError) unsafe = NULL;

  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);

  id = kbd_article_id_normalize (article_id);
  if (id == NULL)
    {
      g_autofree char *shown = g_utf8_make_valid (article_id, -1);

      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                   _("“%s” is not an article id"), shown);
      return NULL;
    }

  file_name = g_strconcat (id, ".json", NULL);
  for (guint d = 0; d < self->directories->len; d++)
    {
      const char *directory = g_ptr_array_index (self->directories, d);
      g_autofree char *path = g_build_filename (directory, file_name, NULL);
      g_autofree char *real_directory = dup_real_path (directory);
      g_autoptr(GError) local_error = NULL;

      if (real_directory == NULL)
        continue;
      if (!check_inside_folder (real_directory, path, &local_error))
        {
          if (unsafe == NULL && g_error_matches (local_error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH))
            unsafe = g_steal_pointer (&local_error);
          continue;
        }
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }

  /* The file may be named differently: fall back on the scanned entries,
   * checked again, since the file may have become a link since the scan. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->entries)); i++)
    {
      g_autoptr(KbdCatalogEntry) entry = g_list_model_get_item (G_LIST_MODEL (self->entries), i);
      g_autofree char *directory = NULL;
      g_autofree char *real_directory = NULL;
      g_autoptr(GError) local_error = NULL;

      if (g_ascii_strcasecmp (entry->id, id) != 0)
        continue;

      directory = g_path_get_dirname (entry->filename);
      real_directory = dup_real_path (directory);
      if (real_directory != NULL &&
          check_inside_folder (real_directory, entry->filename, &local_error))
        return g_strdup (entry->filename);
      if (unsafe == NULL && g_error_matches (local_error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH))
        unsafe = g_steal_pointer (&local_error);
      break;
    }

  if (unsafe != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&unsafe));
      return NULL;
    }

  g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
               _("no article %s on the search path"), id);
  return NULL;
}

/**
 * kbd_catalog_load_reference:
 * @self: a catalog
 * @filename: a classic reference article file, such as
 *   [method@Kbd.IndexResult.get_filename] gives
 * @error: return location for a #GError
 *
 * Loads a reference article (see [ctor@Kbd.ReferenceArticle.new_from_file])
 * only when its file, with every symbolic link resolved, is inside one of
 * the catalog's folders. Use it to open what an index or a link names: a
 * path outside the folders (an absolute path, `..`, a link out of the
 * folder, a damaged or planted index) fails with %KBD_ERROR_UNSAFE_PATH
 * and nothing is read; a file that does not exist fails with
 * %KBD_ERROR_NOT_FOUND.
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdReferenceArticle *
kbd_catalog_load_reference (KbdCatalog  *self,
                            const char  *filename,
                            GError     **error)
{
  g_autofree char *real = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (filename != NULL, NULL);

  real = real_path_of_file (filename, error);
  if (real == NULL)
    return NULL;

  for (guint d = 0; d < self->directories->len; d++)
    {
      g_autofree char *real_directory = dup_real_path (g_ptr_array_index (self->directories, d));

      /* The resolved path is what is read, so a link changed after this
       * check cannot lead elsewhere. */
      if (real_directory != NULL && is_inside (real_directory, real))
        return kbd_reference_article_new_from_file (real, error);
    }

  target = g_filename_display_name (real);
  g_set_error (error, KBD_ERROR, KBD_ERROR_UNSAFE_PATH,
               _("%s: leads outside the article folder, to %s; it is not read"),
               filename, target);
  return NULL;
}

/**
 * kbd_catalog_load:
 * @self: a catalog
 * @article_id: an article id
 * @error: return location for a #GError
 *
 * Finds and loads an article; see kbd_catalog_find_file() and
 * kbd_article_new_from_file().
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdArticle *
kbd_catalog_load (KbdCatalog  *self,
                  const char  *article_id,
                  GError     **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (KBD_IS_CATALOG (self), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);

  path = kbd_catalog_find_file (self, article_id, error);
  if (path == NULL)
    return NULL;

  return kbd_article_new_from_file (path, KBD_LOAD_FLAGS_NONE, error);
}
