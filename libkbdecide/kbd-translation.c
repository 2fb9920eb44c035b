/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-article-object-private.h"
#include "kbd-error.h"
#include "kbd-po-private.h"
#include "kbd-private.h"
#include "kbd-text.h"
#include "kbd-translation.h"

/* Article translations are gettext PO files, one per article and
 * language, next to the article: KB312395.json → KB312395.de.po. Each
 * entry's msgctxt is a string id (docs/kb-format.md), its msgid the
 * source text it translates, its msgstr the translation. A translation
 * only ever replaces strings: the structure comes from the article file
 * itself, parsed again, so nothing a translator writes can change a node,
 * an answer or a target. */

/* "node.<id>.…" → "<id>", for diagnostics. */
static char *
node_of (const char *string_id)
{
  const char *start, *end;

  if (!g_str_has_prefix (string_id, "node."))
    return NULL;
  start = string_id + strlen ("node.");
  end = strchr (start, '.');
  return end != NULL ? g_strndup (start, end - start) : NULL;
}

typedef struct
{
  KbdPoFile *po;
  GHashTable *used;        /* KbdPoEntry* seen */
  GPtrArray *diagnostics;
  guint n_translated;
} Translating;

G_GNUC_PRINTF (5, 6)
static void
warn (Translating *t,
      const char  *code,
      const char  *string_id,
      guint        line,
      const char  *format,
      ...)
{
  g_autofree char *node_id = string_id != NULL ? node_of (string_id) : NULL;
  char *message;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_ptr_array_add (t->diagnostics,
                   kbd_diagnostic_new_take (KBD_SEVERITY_WARNING, code, node_id, t->po->name,
                                            line, 1, message));
}

static void
translate_slot (const char  *string_id,
                char       **slot,
                gboolean     multiline,
                guint        line,
                gpointer     user_data)
{
  Translating *t = user_data;
  KbdPoEntry *entry = g_hash_table_lookup (t->po->by_context, string_id);
  g_autoptr(GError) error = NULL;

  if (entry != NULL)
    g_hash_table_add (t->used, entry);

  if (entry == NULL || entry->str[0] == '\0')
    {
      warn (t, "translation-missing", string_id, entry != NULL ? entry->line : 1,
            _("%s: not translated; the original text is shown"), string_id);
      return;
    }
  if (entry->fuzzy || !g_str_equal (entry->id, *slot))
    {
      warn (t, "translation-stale", string_id, entry->line,
            entry->fuzzy
              ? _("%s: the translation is marked fuzzy; the original text is shown")
              : _("%s: the original text changed since it was translated; the original text is shown"),
            string_id);
      return;
    }
  if (!kbd_check_article_text (entry->str, strlen (entry->str), multiline, TRUE, &error))
    {
      warn (t, "translation-invalid", string_id, entry->line,
            _("%s: the translation cannot be used (%s); the original text is shown"),
            string_id, error->message);
      return;
    }

  g_free (*slot);
  *slot = g_strdup (entry->str);
  t->n_translated++;
}

/**
 * kbd_article_translate:
 * @self: an article
 * @po: the contents of a translation (a gettext PO file)
 * @po_name: the name messages use for @po, usually its file name
 * @diagnostics: (out) (optional) (transfer container) (element-type KbdDiagnostic):
 *   return location for the strings that were not translated, and why
 * @error: return location for a #GError
 *
 * Makes the article in another language: a new article with the same
 * structure, ids and content hash, whose strings come from @po where it has
 * a usable translation. The PO header's `Language` field gives the new
 * article's language.
 *
 * A string falls back to the original text, with a warning in
 * @diagnostics, when its translation is missing or empty
 * (`translation-missing`), when the source text changed since it was
 * translated or the entry is marked fuzzy (`translation-stale`), or when
 * the translation breaks the inline syntax, the length limits or contains
 * a control character (`translation-invalid`). Entries for strings the
 * article does not have are reported as `translation-unknown`.
 *
 * Fails only when @po cannot be read as a PO file at all, or names no
 * language: then @error (in %KBD_ERROR) gives the file and line.
 *
 * Returns: (transfer full): the translated article, or %NULL with @error set
 */
KbdArticle *
kbd_article_translate (KbdArticle  *self,
                       GBytes      *po,
                       const char  *po_name,
                       GPtrArray  **diagnostics,
                       GError     **error)
{
  g_autoptr(KbdPoFile) file = NULL;
  g_autoptr(KbdArticle) copy = NULL;
  g_autoptr(GHashTable) used = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *language = NULL;
  Translating t = { 0, };
  gsize len;
  const char *data;

  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (po != NULL, NULL);
  g_return_val_if_fail (po_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  data = g_bytes_get_data (po, &len);
  file = kbd_po_file_parse (data != NULL ? data : "", len, po_name, error);
  if (file == NULL)
    return NULL;

  language = kbd_po_file_get_header_field (file, "Language");
  if (language == NULL || language[0] == '\0')
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_MISSING_FIELD,
                   _("%s:1: Language: the header does not say which language this is"), po_name);
      return NULL;
    }
  g_strdelimit (language, "_", '-');
  if (!kbd_is_language_tag (language))
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                   _("%s:1: Language: “%s” is not a language tag such as “de” or “pt-BR”"),
                   po_name, language);
      return NULL;
    }

  copy = kbd_article_copy_for_translation (self, error);
  if (copy == NULL)
    return NULL;

  used = g_hash_table_new (NULL, NULL);
  found = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_diagnostic_unref);
  t.po = file;
  t.used = used;
  t.diagnostics = found;
  kbd_article_foreach_string_slot (copy, translate_slot, &t);

  for (guint i = 0; i < file->entries->len; i++)
    {
      KbdPoEntry *entry = g_ptr_array_index (file->entries, i);

      if (!g_hash_table_contains (used, entry))
        warn (&t, "translation-unknown", entry->context, entry->line,
              _("%s: the article has no such string"),
              entry->context != NULL ? entry->context : entry->id);
    }

  kbd_article_set_language (copy, language);

  if (diagnostics != NULL)
    *diagnostics = g_steal_pointer (&found);
  return g_steal_pointer (&copy);
}

/**
 * kbd_article_translate_file:
 * @self: an article
 * @po_filename: (type filename): a translation of @self
 * @diagnostics: (out) (optional) (transfer container) (element-type KbdDiagnostic):
 *   return location for the strings that were not translated, and why
 * @error: return location for a #GError
 *
 * Reads @po_filename and translates @self with it, as
 * kbd_article_translate() does.
 *
 * Returns: (transfer full): the translated article, or %NULL with @error set
 */
KbdArticle *
kbd_article_translate_file (KbdArticle  *self,
                            const char  *po_filename,
                            GPtrArray  **diagnostics,
                            GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (po_filename != NULL, NULL);

  kbd_i18n_init ();

  bytes = kbd_read_regular_file (po_filename, KBD_PO_MAX_FILE_SIZE, error);
  if (bytes == NULL)
    return NULL;
  return kbd_article_translate (self, bytes, po_filename, diagnostics, error);
}

/* "de_DE.UTF-8@euro" → "de-DE"; NULL for "C" and "POSIX". */
static char *
normalize_language (const char *language)
{
  char *tag;

  if (language == NULL || g_str_equal (language, "C") || g_str_equal (language, "POSIX"))
    return NULL;
  tag = g_strndup (language, strcspn (language, ".@"));
  g_strdelimit (tag, "_", '-');
  if (!kbd_is_language_tag (tag))
    g_clear_pointer (&tag, g_free);
  return tag;
}

static gboolean
same_primary_language (const char *a,
                       const char *b)
{
  gsize la = strcspn (a, "-"), lb = strcspn (b, "-");

  return la == lb && g_ascii_strncasecmp (a, b, la) == 0;
}

/**
 * kbd_article_find_translation:
 * @self: an article loaded from a file
 * @language: a language: a tag such as `de` or `pt-BR`, or a locale name
 *   such as `de_DE.UTF-8`
 *
 * Looks for the translation of @self into @language next to its file:
 * for `KB312395.json` and `de_DE`, `KB312395.de-DE.po` then
 * `KB312395.de.po`. A file there that leads outside the article's folder
 * (a symbolic link to elsewhere) is passed over as if it were not there.
 *
 * Returns: (nullable) (transfer full) (type filename): the translation's
 *   path, or %NULL when there is none
 */
char *
kbd_article_find_translation (KbdArticle *self,
                              const char *language)
{
  g_autofree char *tag = NULL;
  g_autofree char *primary = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *real_dir = NULL;
  g_autofree char *base = NULL;
  const char *candidates[2] = { NULL, NULL };

  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (language != NULL, NULL);

  tag = normalize_language (language);
  if (tag == NULL || self->filename == NULL)
    return NULL;

  dir = g_path_get_dirname (self->filename);
  base = g_path_get_basename (self->filename);
  /* The folder may itself be a symbolic link: its files are judged against
   * where it really is. */
  real_dir = realpath (dir, NULL);
  if (real_dir == NULL)
    return NULL;
  if (g_str_has_suffix (base, ".json"))
    base[strlen (base) - strlen (".json")] = '\0';

  /* The full tag, then its primary language: de-DE, then de. */
  candidates[0] = tag;
  if (strchr (tag, '-') != NULL)
    {
      primary = g_strndup (tag, strcspn (tag, "-"));
      candidates[1] = primary;
    }

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *path = NULL;
      g_autofree char *real_path = NULL;
      gsize n = strlen (real_dir);

      if (candidates[i] == NULL)
        continue;
      name = g_strconcat (base, ".", candidates[i], ".po", NULL);
      path = g_build_filename (dir, name, NULL);
      real_path = realpath (path, NULL);
      if (real_path == NULL)
        continue;

      /* Nothing outside the article's folder is read: "/srv/kb" holds
       * "/srv/kb/x.po", not "/etc/x.po" nor "/srv/kb2/x.po". */
      if (strncmp (real_path, real_dir, n) != 0 ||
          !(real_path[n] == '/' || (n > 0 && real_dir[n - 1] == '/')))
        {
          g_debug ("%s leads outside the article folder, to %s: not used", path, real_path);
          continue;
        }

      if (g_file_test (real_path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/**
 * kbd_article_new_for_languages:
 * @self: an article
 * @languages: (nullable) (array zero-terminated=1): the languages wanted,
 *   best first, or %NULL for the user's (g_get_language_names())
 * @diagnostics: (out) (optional) (transfer container) (element-type KbdDiagnostic):
 *   return location for the strings that were not translated, and why
 *
 * Gives the article in the first of @languages that it is written in or
 * has a translation for: @self itself when it is already in that language
 * or no translation fits, otherwise the translation (see
 * kbd_article_translate()). A translation file that cannot be read at all
 * is reported in @diagnostics and the original is used: the technician
 * always gets an article.
 *
 * Returns: (transfer full): the article to show
 */
KbdArticle *
kbd_article_new_for_languages (KbdArticle          *self,
                               const char * const  *languages,
                               GPtrArray          **diagnostics)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);

  kbd_i18n_init ();

  if (languages == NULL)
    languages = g_get_language_names ();
  if (diagnostics != NULL)
    *diagnostics = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_diagnostic_unref);

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *tag = normalize_language (languages[i]);
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      KbdArticle *translated;

      /* "C": the user asked for no translation. */
      if (tag == NULL)
        {
          if (g_str_equal (languages[i], "C") || g_str_equal (languages[i], "POSIX"))
            break;
          continue;
        }
      if (same_primary_language (tag, self->language))
        break;

      path = kbd_article_find_translation (self, tag);
      if (path == NULL)
        continue;

      {
        g_autoptr(GPtrArray) found = NULL;

        translated = kbd_article_translate_file (self, path, diagnostics != NULL ? &found : NULL, &error);
        if (translated != NULL)
          {
            if (diagnostics != NULL)
              {
                g_ptr_array_unref (*diagnostics);
                *diagnostics = g_steal_pointer (&found);
              }
            return translated;
          }
      }

      if (diagnostics != NULL)
        g_ptr_array_add (*diagnostics,
                         kbd_diagnostic_new_take (KBD_SEVERITY_WARNING, "translation-unreadable", NULL, path,
                                                  1, 1, g_strdup (error->message)));
      break;
    }

  return g_object_ref (self);
}

/* Writing PO files ----------------------------------------------------------- */

/* What a translator is looking at, from the string id's last part. */
/* What a translator is looking at, from the string id's last part; in
 * English, like every comment in a PO file. */
static const char *
describe (const char *string_id)
{
  static const struct { const char *suffix; const char *what; } roles[] = {
    { ".prompt", "A question put to the technician" },
    { ".label", "An answer button: keep it short" },
    { ".escalation.contact", "Who an escalation goes to" },
    { ".escalation.handover", "The hand-over summary for the next level of support" },
    { ".help", "Help text under a question or an answer" },
    { ".intro", "The introduction of a procedure" },
    { ".title", "A title" },
    { ".text", "A paragraph: a step, a note, a warning or an outcome" },
    { ".summary", "The article's summary" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    if (g_str_has_suffix (string_id, roles[i].suffix))
      return roles[i].what;
  return "";
}

static void
append_comment_lines (GString    *out,
                      const char *prefix,
                      const char *text)
{
  g_auto(GStrv) lines = NULL;

  if (text == NULL || text[0] == '\0')
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' || lines[i + 1] != NULL)
      g_string_append_printf (out, "%s%s\n", prefix, lines[i]);
}

typedef struct
{
  KbdArticle *article;
  KbdPoFile *old;          /* NULL when extracting a template */
  GHashTable *kept;        /* old entries still in the article */
  GHashTable *ids;         /* the article's string ids */
  GString *out;
  const char *file;        /* the article's file name, for references */
} Writing;

static void
write_slot (const char  *string_id,
            char       **slot,
            gboolean     multiline,
            guint        line,
            gpointer     user_data)
{
  Writing *w = user_data;
  KbdPoEntry *old = w->old != NULL ? g_hash_table_lookup (w->old->by_context, string_id) : NULL;
  const char *translation = "";
  const char *previous = NULL;
  gboolean fuzzy = FALSE;

  g_hash_table_add (w->ids, g_strdup (string_id));
  if (old != NULL)
    {
      g_hash_table_add (w->kept, old);
      translation = old->str;
      if (g_str_equal (old->id, *slot))
        {
          fuzzy = old->fuzzy;
          previous = old->fuzzy ? old->previous_id : NULL;
        }
      else if (old->str[0] != '\0')
        {
          /* The source changed: keep the translation for the translator to
           * revise, marked so it is not used meanwhile. */
          fuzzy = TRUE;
          previous = old->fuzzy && old->previous_id != NULL ? old->previous_id : old->id;
        }
    }

  g_string_append_c (w->out, '\n');
  if (old != NULL)
    append_comment_lines (w->out, "# ", old->comments);
  g_string_append_printf (w->out, "#. %s\n", describe (string_id));
  g_string_append_printf (w->out, "#: %s:%u\n", w->file, MAX (line, 1));
  if (fuzzy)
    g_string_append (w->out, "#, fuzzy\n");
  if (previous != NULL)
    {
      g_autoptr(GString) quoted = g_string_new (NULL);

      kbd_po_append_string (quoted, "msgid", previous);
      append_comment_lines (w->out, "#| ", quoted->str);
    }
  kbd_po_append_string (w->out, "msgctxt", string_id);
  kbd_po_append_string (w->out, "msgid", *slot);
  kbd_po_append_string (w->out, "msgstr", translation);
}

static char *
write_po (KbdArticle *self,
          KbdPoFile  *old)
{
  g_autoptr(GHashTable) kept = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *base = g_path_get_basename (self->filename != NULL ? self->filename : self->display_name);
  g_autofree char *title = kbd_text_render (self->title, KBD_TEXT_FORMAT_PLAIN);
  GString *out = g_string_new (NULL);
  Writing w = { self, old, kept, ids, out, base };

  if (old != NULL && old->header != NULL)
    {
      append_comment_lines (out, "# ", old->header_comments);
      kbd_po_append_string (out, "msgid", "");
      kbd_po_append_string (out, "msgstr", old->header);
    }
  else
    {
      g_autofree char *header = NULL;

      g_string_append_printf (out, "# %s: %s\n", self->id, title);
      g_string_append (out,
                       "# Each msgctxt is a string's stable id (docs/kb-format.md); msgid is\n"
                       "# the article's own text. Keep the inline marks: *emphasis* and `code`,\n"
                       "# and leave what is inside `…` (paths, commands) as it is.\n");
      header = g_strdup_printf ("Project-Id-Version: %s %u\n"
                                "Language: \n"
                                "MIME-Version: 1.0\n"
                                "Content-Type: text/plain; charset=UTF-8\n"
                                "Content-Transfer-Encoding: 8bit\n"
                                "X-Kbd-Article: %s\n"
                                "X-Kbd-Source-Language: %s\n",
                                self->id, self->revision, self->id, self->language);
      kbd_po_append_string (out, "msgid", "");
      kbd_po_append_string (out, "msgstr", header);
    }

  kbd_article_foreach_string_slot (self, write_slot, &w);

  /* Strings the article no longer has stay at the end as obsolete
   * entries, as msgmerge keeps them: a translator may still want them. */
  for (guint i = 0; old != NULL && i < old->entries->len + old->obsolete->len; i++)
    {
      gboolean was_obsolete = i >= old->entries->len;
      KbdPoEntry *entry = g_ptr_array_index (was_obsolete ? old->obsolete : old->entries,
                                             was_obsolete ? i - old->entries->len : i);
      g_autoptr(GString) body = NULL;

      /* Still in the article (an obsolete one that came back is written
       * afresh above), or nothing worth keeping. */
      if (g_hash_table_contains (kept, entry) || entry->str[0] == '\0' ||
          (entry->context != NULL && g_hash_table_contains (ids, entry->context)))
        continue;
      body = g_string_new (NULL);
      if (entry->context != NULL)
        kbd_po_append_string (body, "msgctxt", entry->context);
      kbd_po_append_string (body, "msgid", entry->id);
      kbd_po_append_string (body, "msgstr", entry->str);
      g_string_append_c (out, '\n');
      append_comment_lines (out, "#~ ", body->str);
    }

  return g_string_free (out, FALSE);
}

/**
 * kbd_article_extract_template:
 * @self: an article
 *
 * Writes the template for translating @self: a PO file (a `.pot`) with
 * one entry per user-visible string, its id as msgctxt, its text as msgid
 * and a comment saying what the string is. Translators' tools (Poedit,
 * Lokalize, GNOME Translation Editor, msginit) start a translation from it.
 *
 * Returns: (transfer full): the template
 */
char *
kbd_article_extract_template (KbdArticle *self)
{
  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);

  kbd_i18n_init ();
  return write_po (self, NULL);
}

/**
 * kbd_article_update_translation:
 * @self: an article
 * @po: an existing translation of @self
 * @po_name: the name messages use for @po
 * @error: return location for a #GError
 *
 * Brings a translation up to date with the article, as msgmerge does: new
 * strings get empty entries; a string whose source text changed keeps its
 * old translation marked fuzzy, with the old source text as
 * `#| msgid`, so it is not used until a translator has revised it; strings
 * the article no longer has become obsolete `#~` entries. The header and
 * the translators' comments are kept.
 *
 * Returns: (transfer full): the updated translation, or %NULL with @error
 *   set when @po cannot be read
 */
char *
kbd_article_update_translation (KbdArticle  *self,
                                GBytes      *po,
                                const char  *po_name,
                                GError     **error)
{
  g_autoptr(KbdPoFile) file = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (KBD_IS_ARTICLE (self), NULL);
  g_return_val_if_fail (po != NULL, NULL);
  g_return_val_if_fail (po_name != NULL, NULL);

  kbd_i18n_init ();

  data = g_bytes_get_data (po, &len);
  file = kbd_po_file_parse (data != NULL ? data : "", len, po_name, error);
  if (file == NULL)
    return NULL;
  return write_po (self, file);
}
