/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-error.h"
#include "kbd-po-private.h"
#include "kbd-private.h"

/* A PO reader for article translations. The file is untrusted: it is read
 * in one linear pass, every string must be valid UTF-8, and anything that
 * is not the subset of the PO syntax translators' tools write fails with
 * the file name and the line. */

typedef enum
{
  FIELD_NONE,
  FIELD_CONTEXT,
  FIELD_ID,
  FIELD_STR,
  FIELD_PREVIOUS,
} Field;

typedef struct
{
  KbdPoFile *po;
  KbdPoEntry *entry;     /* the entry being read, or NULL */
  GString *strings[5];   /* the text of each field of that entry */
  gboolean present[5];
  Field field;           /* where a continuation line goes */
  GString *comments;
  GString *obsolete;     /* the "#~" lines without their mark */
  guint line;
  GError **error;
} Reader;

static void
entry_free (KbdPoEntry *entry)
{
  g_free (entry->context);
  g_free (entry->id);
  g_free (entry->str);
  g_free (entry->previous_id);
  g_free (entry->comments);
  g_free (entry);
}

void
kbd_po_file_free (KbdPoFile *po)
{
  if (po == NULL)
    return;
  g_clear_pointer (&po->by_context, g_hash_table_unref);
  g_clear_pointer (&po->entries, g_ptr_array_unref);
  g_clear_pointer (&po->obsolete, g_ptr_array_unref);
  g_free (po->name);
  g_free (po->header);
  g_free (po->header_comments);
  g_free (po);
}

static gboolean G_GNUC_PRINTF (3, 4)
fail (Reader     *reader,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (reader->error, KBD_ERROR, code, "%s:%u: %s", reader->po->name, reader->line, message);
  return FALSE;
}

/* Closes the entry being read, if any. */
static gboolean
finish_entry (Reader *reader)
{
  KbdPoEntry *entry = reader->entry;
  KbdPoEntry *earlier;

  if (entry == NULL)
    return TRUE;
  reader->entry = NULL;

  /* Comments with no entry after them. */
  if (!reader->present[FIELD_CONTEXT] && !reader->present[FIELD_ID] && !reader->present[FIELD_STR])
    {
      entry_free (entry);
      return TRUE;
    }

  if (!reader->present[FIELD_ID] || !reader->present[FIELD_STR])
    {
      guint line = reader->line;
      gboolean ok;

      reader->line = entry->line;
      ok = fail (reader, KBD_ERROR_SYNTAX, _("an entry needs both msgid and msgstr"));
      reader->line = line;
      entry_free (entry);
      return ok;
    }

  entry->context = reader->present[FIELD_CONTEXT] ? g_strdup (reader->strings[FIELD_CONTEXT]->str) : NULL;
  entry->id = g_strdup (reader->strings[FIELD_ID]->str);
  entry->str = g_strdup (reader->strings[FIELD_STR]->str);
  entry->previous_id = reader->present[FIELD_PREVIOUS] ? g_strdup (reader->strings[FIELD_PREVIOUS]->str) : NULL;
  entry->comments = reader->comments->len > 0 ? g_strdup (reader->comments->str) : NULL;
  g_string_truncate (reader->comments, 0);

  /* The header: the entry with an empty msgid and no context. */
  if (entry->context == NULL && entry->id[0] == '\0')
    {
      if (reader->po->header != NULL)
        {
          reader->line = entry->line;
          entry_free (entry);
          return fail (reader, KBD_ERROR_DUPLICATE_KEY, _("a second header entry"));
        }
      reader->po->header = g_steal_pointer (&entry->str);
      reader->po->header_line = entry->line;
      reader->po->header_comments = g_steal_pointer (&entry->comments);
      entry_free (entry);
      return TRUE;
    }

  if (reader->po->entries->len >= KBD_PO_MAX_ENTRIES)
    {
      entry_free (entry);
      return fail (reader, KBD_ERROR_LIMIT_EXCEEDED, _("more than %d entries"), KBD_PO_MAX_ENTRIES);
    }

  if (entry->context != NULL)
    {
      earlier = g_hash_table_lookup (reader->po->by_context, entry->context);
      if (earlier != NULL)
        {
          guint first = earlier->line;

          reader->line = entry->line;
          fail (reader, KBD_ERROR_DUPLICATE_KEY, _("msgctxt “%s” appears twice (first at line %u)"),
                entry->context, first);
          entry_free (entry);
          return FALSE;
        }
      g_hash_table_insert (reader->po->by_context, entry->context, entry);
    }
  g_ptr_array_add (reader->po->entries, entry);
  return TRUE;
}

static void
start_entry (Reader *reader)
{
  reader->entry = g_new0 (KbdPoEntry, 1);
  reader->entry->line = reader->line;
  for (guint i = 0; i < G_N_ELEMENTS (reader->strings); i++)
    {
      g_string_truncate (reader->strings[i], 0);
      reader->present[i] = FALSE;
    }
  reader->field = FIELD_NONE;
}

/* A comment or keyword that can only begin an entry closes a complete one
 * before it. */
static gboolean
begin_part (Reader *reader)
{
  if (reader->entry != NULL && reader->present[FIELD_STR])
    {
      if (!finish_entry (reader))
        return FALSE;
    }
  if (reader->entry == NULL)
    start_entry (reader);
  return TRUE;
}

/* Reads a quoted string at @p, appending its text to @out; only white
 * space may follow it. */
static gboolean
read_quoted (Reader     *reader,
             const char *p,
             const char *end,
             GString    *out)
{
  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p >= end || *p != '"')
    return fail (reader, KBD_ERROR_SYNTAX, _("expected a string in double quotes"));
  p++;

  for (;;)
    {
      if (p >= end)
        return fail (reader, KBD_ERROR_SYNTAX, _("the string has no closing quote"));
      if (*p == '"')
        break;
      if (*p != '\\')
        {
          g_string_append_c (out, *p++);
          continue;
        }
      if (p + 1 >= end)
        return fail (reader, KBD_ERROR_INVALID_ESCAPE, _("a backslash at the end of the line"));
      switch (p[1])
        {
        case 'n': g_string_append_c (out, '\n'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        default:
          return fail (reader, KBD_ERROR_INVALID_ESCAPE, _("unknown escape “\\%c”"), p[1]);
        }
      p += 2;
    }
  p++;

  while (p < end && (*p == ' ' || *p == '\t'))
    p++;
  if (p < end)
    return fail (reader, KBD_ERROR_SYNTAX, _("unexpected text after the closing quote"));
  if (out->len > KBD_PO_MAX_FILE_SIZE)
    return fail (reader, KBD_ERROR_LIMIT_EXCEEDED, _("the string is too long"));
  return TRUE;
}

/* "keyword" at the start of @line, followed by white space or a quote. */
static const char *
skip_keyword (const char *line,
              const char *end,
              const char *keyword)
{
  gsize len = strlen (keyword);

  if ((gsize) (end - line) < len || memcmp (line, keyword, len) != 0)
    return NULL;
  if (line + len < end && line[len] != ' ' && line[len] != '\t' && line[len] != '"')
    return NULL;
  return line + len;
}

static gboolean
read_keyword (Reader     *reader,
              const char *line,
              const char *end)
{
  static const struct { const char *keyword; Field field; } keywords[] = {
    { "msgctxt", FIELD_CONTEXT },
    { "msgid", FIELD_ID },
    { "msgstr", FIELD_STR },
  };

  if (skip_keyword (line, end, "msgid_plural") != NULL ||
      (end - line >= 7 && memcmp (line, "msgstr[", 7) == 0))
    return fail (reader, KBD_ERROR_INVALID_VALUE, _("plural forms are not used in article translations"));

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      const char *rest = skip_keyword (line, end, keywords[i].keyword);
      Field field = keywords[i].field;

      if (rest == NULL)
        continue;

      if (field != FIELD_STR)
        {
          /* msgctxt or msgid after a msgstr begins the next entry. */
          if (!begin_part (reader))
            return FALSE;
        }
      else if (reader->entry == NULL || !reader->present[FIELD_ID])
        return fail (reader, KBD_ERROR_SYNTAX, _("msgstr without msgid"));

      if (reader->present[field])
        return fail (reader, KBD_ERROR_SYNTAX, _("“%s” appears twice in one entry"), keywords[i].keyword);
      if (field == FIELD_CONTEXT && reader->present[FIELD_ID])
        return fail (reader, KBD_ERROR_SYNTAX, _("msgctxt must come before msgid"));

      reader->present[field] = TRUE;
      reader->field = field;
      return read_quoted (reader, rest, end, reader->strings[field]);
    }

  return fail (reader, KBD_ERROR_SYNTAX, _("expected msgctxt, msgid, msgstr, a string or a comment"));
}

static gboolean
read_comment (Reader     *reader,
              const char *line,
              const char *end)
{
  char kind = line + 1 < end ? line[1] : ' ';

  switch (kind)
    {
    case '~':
      /* An obsolete entry: never used, but kept through updates. */
      {
        const char *rest = line + 2;

        if (rest < end && *rest == ' ')
          rest++;
        g_string_append_len (reader->obsolete, rest, end - rest);
        g_string_append_c (reader->obsolete, '\n');
      }
      reader->field = FIELD_NONE;
      return TRUE;

    case ',':
      if (!begin_part (reader))
        return FALSE;
      {
        g_autofree char *flags = g_strndup (line + 2, end - line - 2);
        g_auto(GStrv) parts = g_strsplit_set (flags, ", \t", -1);

        for (guint i = 0; parts[i] != NULL; i++)
          if (g_str_equal (parts[i], "fuzzy"))
            reader->entry->fuzzy = TRUE;
      }
      reader->field = FIELD_NONE;
      return TRUE;

    case '|':
      {
        const char *p = line + 2;
        const char *rest;

        if (!begin_part (reader))
          return FALSE;
        while (p < end && (*p == ' ' || *p == '\t'))
          p++;
        if ((rest = skip_keyword (p, end, "msgid")) != NULL)
          {
            reader->present[FIELD_PREVIOUS] = TRUE;
            reader->field = FIELD_PREVIOUS;
            return read_quoted (reader, rest, end, reader->strings[FIELD_PREVIOUS]);
          }
        if (p < end && *p == '"' && reader->field == FIELD_PREVIOUS)
          return read_quoted (reader, p, end, reader->strings[FIELD_PREVIOUS]);
        /* "#| msgctxt" and the like: the previous context is not needed. */
        reader->field = FIELD_NONE;
        return TRUE;
      }

    case ' ':
    case '\t':
      if (!begin_part (reader))
        return FALSE;
      g_string_append_len (reader->comments, line + 2 <= end ? line + 2 : end,
                           line + 2 <= end ? end - line - 2 : 0);
      g_string_append_c (reader->comments, '\n');
      reader->field = FIELD_NONE;
      return TRUE;

    default:
      /* "#." extracted comments, "#:" references: rebuilt from the article. */
      if (!begin_part (reader))
        return FALSE;
      reader->field = FIELD_NONE;
      return TRUE;
    }
}

KbdPoFile *
kbd_po_file_parse (const char  *data,
                   gsize        len,
                   const char  *name,
                   GError     **error)
{
  g_autoptr(KbdPoFile) po = g_new0 (KbdPoFile, 1);
  Reader reader = { 0, };
  const char *p = data, *end = data + len;
  const char *invalid = NULL;
  gboolean ok = TRUE;

  kbd_i18n_init ();

  po->name = g_strdup (name);
  po->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  po->by_context = g_hash_table_new (g_str_hash, g_str_equal);

  reader.po = po;
  reader.error = error;
  reader.line = 1;

  if (len > KBD_PO_MAX_FILE_SIZE)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE,
                   _("%s:1: the translation is %lu bytes; at most %d are allowed"),
                   name, (unsigned long) len, KBD_PO_MAX_FILE_SIZE);
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, &invalid) || memchr (data, '\0', len) != NULL)
    {
      const char *bad = invalid != NULL ? invalid : memchr (data, '\0', len);
      guint line = 1;

      for (const char *q = data; q < bad; q++)
        line += *q == '\n';
      g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                   _("%s:%u: the file is not UTF-8 text"), name, line);
      return NULL;
    }
  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  for (guint i = 0; i < G_N_ELEMENTS (reader.strings); i++)
    reader.strings[i] = g_string_new (NULL);
  reader.comments = g_string_new (NULL);
  reader.obsolete = g_string_new (NULL);

  while (ok && p < end)
    {
      const char *eol = memchr (p, '\n', end - p);
      const char *line_end = eol != NULL ? eol : end;
      const char *line = p;

      if (line_end > line && line_end[-1] == '\r')
        line_end--;
      while (line < line_end && (*line == ' ' || *line == '\t'))
        line++;

      if (line == line_end)
        {
          /* A blank line ends an entry. */
          if (reader.entry != NULL && reader.present[FIELD_ID])
            ok = finish_entry (&reader);
          reader.field = FIELD_NONE;
        }
      else if (*line == '#')
        ok = read_comment (&reader, line, line_end);
      else if (*line == '"')
        {
          if (reader.entry == NULL || reader.field == FIELD_NONE || reader.field == FIELD_PREVIOUS)
            ok = fail (&reader, KBD_ERROR_SYNTAX, _("a string that continues nothing"));
          else
            ok = read_quoted (&reader, line, line_end, reader.strings[reader.field]);
        }
      else
        ok = read_keyword (&reader, line, line_end);

      p = eol != NULL ? eol + 1 : end;
      reader.line++;
    }
  if (ok)
    {
      reader.line--;
      ok = finish_entry (&reader);
    }
  else if (reader.entry != NULL)
    entry_free (g_steal_pointer (&reader.entry));

  for (guint i = 0; i < G_N_ELEMENTS (reader.strings); i++)
    g_string_free (reader.strings[i], TRUE);
  g_string_free (reader.comments, TRUE);

  if (!ok)
    {
      g_string_free (reader.obsolete, TRUE);
      return NULL;
    }

  /* The obsolete entries, read the same way; damaged ones are dropped, as
   * they are never used. */
  {
    g_autoptr(KbdPoFile) old = NULL;

    if (reader.obsolete->len > 0 && strstr (reader.obsolete->str, "#~") == NULL)
      old = kbd_po_file_parse (reader.obsolete->str, reader.obsolete->len, name, NULL);
    po->obsolete = old != NULL ? g_steal_pointer (&old->entries)
                               : g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
    g_string_free (reader.obsolete, TRUE);
  }

  /* Only UTF-8 is read: a file that says otherwise was not converted. */
  {
    g_autofree char *content_type = kbd_po_file_get_header_field (po, "Content-Type");
    const char *charset = content_type != NULL ? strstr (content_type, "charset=") : NULL;

    if (charset != NULL && g_ascii_strcasecmp (charset + 8, "UTF-8") != 0 &&
        g_ascii_strcasecmp (charset + 8, "CHARSET") != 0)
      {
        g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                     _("%s:%u: the header says the file is in %s; only UTF-8 is read"),
                     name, po->header_line, charset + 8);
        return NULL;
      }
  }

  return g_steal_pointer (&po);
}

char *
kbd_po_file_get_header_field (KbdPoFile  *po,
                              const char *field)
{
  gsize field_len = strlen (field);
  g_auto(GStrv) lines = NULL;

  if (po->header == NULL)
    return NULL;

  lines = g_strsplit (po->header, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], field, field_len) == 0 && lines[i][field_len] == ':')
      return g_strstrip (g_strdup (lines[i] + field_len + 1));
  return NULL;
}

static void
append_escaped (GString    *out,
                const char *text,
                gsize       len)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    switch (text[i])
      {
      case '\n': g_string_append (out, "\\n"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\r': g_string_append (out, "\\r"); break;
      case '"': g_string_append (out, "\\\""); break;
      case '\\': g_string_append (out, "\\\\"); break;
      default: g_string_append_c (out, text[i]); break;
      }
  g_string_append (out, "\"\n");
}

void
kbd_po_append_string (GString    *out,
                      const char *keyword,
                      const char *text)
{
  const gsize width = 76;
  gsize len = strlen (text);
  const char *p = text, *end = text + len;

  g_string_append (out, keyword);
  g_string_append_c (out, ' ');

  /* Short single lines stay on the keyword's line, as msgmerge does. */
  if (len + strlen (keyword) + 3 <= 79 && memchr (text, '\n', len) == NULL)
    {
      append_escaped (out, text, len);
      return;
    }

  g_string_append (out, "\"\"\n");
  while (p < end)
    {
      const char *newline = memchr (p, '\n', end - p);
      const char *stop = newline != NULL ? newline + 1 : end;

      /* Wrap long lines after a space, never inside a character. */
      if ((gsize) (stop - p) > width)
        {
          const char *cut = NULL;

          for (const char *q = p; q < p + width; q++)
            if (*q == ' ')
              cut = q + 1;
          if (cut != NULL)
            stop = cut;
        }
      append_escaped (out, p, stop - p);
      p = stop;
    }
}
