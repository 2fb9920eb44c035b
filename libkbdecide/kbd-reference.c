/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-article-private.h"
#include "kbd-error.h"
#include "kbd-private.h"
#include "kbd-reference.h"

/* The archive's separator lines are 70 '=' (and 79 '-'): a run this long is
 * a rule, never the underline of a heading. */
#define RULE_WIDTH 70
/* How much longer or shorter than its text an underline may be. */
#define UNDERLINE_SLACK 3
/* Article numbers in a body: Q and five to eight digits (the archive's
 * numbers start at Q10000; shorter runs are command options such as -Q1). */
#define MENTION_MIN_DIGITS 5
#define MENTION_MAX_DIGITS 8
/* Text from the file quoted in an error message is cut to this. */
#define SNIPPET_CHARS 32

#define NO_TITLE G_MAXSIZE

typedef struct
{
  gsize title;   /* offset in strings, or NO_TITLE for the preface */
  gsize text;    /* offset in strings */
  guint level;
} Section;

struct _KbdReferenceArticle
{
  GObject parent_instance;

  guint number;
  char *id;
  GDateTime *date;
  char *tag;
  char *title;
  char *product;
  char *versions;
  char *operating_systems;
  char *keywords_field;
  char **keywords;
  char **version_list;
  char **platforms;
  const char *encoding;   /* static */

  char *strings;          /* section titles and texts, each NUL-terminated */
  GArray *sections;       /* Section */
};

/**
 * KbdReferenceArticle:
 *
 * A classic plain-text Microsoft Knowledge Base article, imported as a
 * read-only reference article.
 *
 * The file is a header of `NAME:value` lines — `DOCUMENT:Q317627  06-AUG-2002  [exchange]`,
 * then `TITLE`, `PRODUCT`, `PROD/VER`, `OPER/SYS` and `KEYWORDS` — ended by
 * a line of `=`, then the body. `DOCUMENT` must come first and `TITLE` must
 * be there; the other fields may be missing or empty.
 *
 * The body is cut into sections at underlined headings: a line that does not
 * start with white space, followed by a line of 3 to 69 `=` (level 1) or `-`
 * (level 2) whose length is within 3 characters of the heading's. Longer runs
 * are the archive's separator lines and stay in the text. Text before the
 * first heading is a section without a title (the preface). No text is
 * dropped: a section's text is the lines between its heading and the next
 * one, exactly, except that line ends become `\n`, trailing white space is
 * removed from each line and blank lines at the start and end of a section
 * are left out.
 *
 * Text is UTF-8. A file that is not valid UTF-8 is read as Windows-1252;
 * the five bytes Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90,
 * 0x9D) are read as ISO-8859-1 (U+0081…), as web browsers do, so no file
 * is refused for its encoding. A file with a NUL byte is not text and is
 * refused, as are empty files and files larger than
 * %KBD_REFERENCE_ARTICLE_MAX_SIZE.
 *
 * Importing takes time linear in the size of the file. An article is
 * immutable and can be shared between threads.
 */
G_DEFINE_FINAL_TYPE (KbdReferenceArticle, kbd_reference_article, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NUMBER,
  PROP_DATE,
  PROP_TAG,
  PROP_TITLE,
  PROP_PRODUCT,
  PROP_VERSIONS,
  PROP_OPERATING_SYSTEMS,
  PROP_KEYWORDS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kbd_reference_article_finalize (GObject *object)
{
  KbdReferenceArticle *self = (KbdReferenceArticle *) object;

  g_free (self->id);
  g_clear_pointer (&self->date, g_date_time_unref);
  g_free (self->tag);
  g_free (self->title);
  g_free (self->product);
  g_free (self->versions);
  g_free (self->operating_systems);
  g_free (self->keywords_field);
  g_strfreev (self->keywords);
  g_strfreev (self->version_list);
  g_strfreev (self->platforms);
  g_free (self->strings);
  g_clear_pointer (&self->sections, g_array_unref);

  G_OBJECT_CLASS (kbd_reference_article_parent_class)->finalize (object);
}

static void
kbd_reference_article_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  KbdReferenceArticle *self = KBD_REFERENCE_ARTICLE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_NUMBER:
      g_value_set_uint (value, self->number);
      break;
    case PROP_DATE:
      g_value_set_boxed (value, self->date);
      break;
    case PROP_TAG:
      g_value_set_string (value, self->tag);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_PRODUCT:
      g_value_set_string (value, self->product);
      break;
    case PROP_VERSIONS:
      g_value_set_string (value, self->versions);
      break;
    case PROP_OPERATING_SYSTEMS:
      g_value_set_string (value, self->operating_systems);
      break;
    case PROP_KEYWORDS:
      g_value_set_boxed (value, self->keywords);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_reference_article_class_init (KbdReferenceArticleClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kbd_reference_article_finalize;
  object_class->get_property = kbd_reference_article_get_property;

  /**
   * KbdReferenceArticle:id:
   *
   * The article's id, `Q` and its number (`Q317627`).
   */
  properties[PROP_ID] = g_param_spec_string ("id", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:number:
   *
   * The article's number (317627).
   */
  properties[PROP_NUMBER] = g_param_spec_uint ("number", NULL, NULL, 0, G_MAXUINT, 0, flags);
  /**
   * KbdReferenceArticle:date:
   *
   * The date in the `DOCUMENT` line, as midnight UTC of that day.
   */
  properties[PROP_DATE] = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME, flags);
  /**
   * KbdReferenceArticle:tag:
   *
   * The archive's category in the `DOCUMENT` line (`exchange`), or "".
   */
  properties[PROP_TAG] = g_param_spec_string ("tag", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:title:
   *
   * The `TITLE` field.
   */
  properties[PROP_TITLE] = g_param_spec_string ("title", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:product:
   *
   * The `PRODUCT` field.
   */
  properties[PROP_PRODUCT] = g_param_spec_string ("product", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:versions:
   *
   * The `PROD/VER` field as written.
   */
  properties[PROP_VERSIONS] = g_param_spec_string ("versions", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:operating-systems:
   *
   * The `OPER/SYS` field as written.
   */
  properties[PROP_OPERATING_SYSTEMS] =
    g_param_spec_string ("operating-systems", NULL, NULL, NULL, flags);
  /**
   * KbdReferenceArticle:keywords:
   *
   * The words of the `KEYWORDS` field.
   */
  properties[PROP_KEYWORDS] = g_param_spec_boxed ("keywords", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kbd_reference_article_init (KbdReferenceArticle *self)
{
  self->encoding = "UTF-8";
  self->sections = g_array_new (FALSE, FALSE, sizeof (Section));
}

/* Errors ------------------------------------------------------------------- */

/* Every message is "NAME:LINE: FIELD: what is wrong" (FIELD when there is one). */
G_GNUC_PRINTF (6, 7)
static gboolean
set_error_at (GError     **error,
              const char  *name,
              guint        line,
              const char  *field,
              KbdError     code,
              const char  *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (field != NULL)
    g_set_error (error, KBD_ERROR, code, "%s:%u: %s: %s", name, line, field, message);
  else
    g_set_error (error, KBD_ERROR, code, "%s:%u: %s", name, line, message);
  return FALSE;
}

/* A short, printable quote of (valid UTF-8) file text for a message. */
static char *
snippet (const char *text,
         gsize       len)
{
  GString *out = g_string_new (NULL);
  const char *end = text + len;
  guint n = 0;

  for (const char *p = text; p < end; p = g_utf8_next_char (p), n++)
    {
      gunichar ch = g_utf8_get_char (p);

      if (n == SNIPPET_CHARS)
        {
          g_string_append (out, "…");
          break;
        }
      if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
        g_string_append_unichar (out, 0xfffd);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  return g_string_free (out, FALSE);
}

/* Encoding ----------------------------------------------------------------- */

/* Windows-1252 0x80–0x9F; its five undefined bytes map to the C1 controls,
 * as ISO-8859-1 (and the WHATWG Encoding Standard) does. */
static const gunichar windows_1252_c1[32] = {
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
  0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
  0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
};

/* Returns the data as NUL-terminated UTF-8 and the encoding it was in. */
static char *
to_utf8 (const char  *data,
         gsize        len,
         const char **encoding)
{
  GString *out;
  gboolean windows = FALSE;

  if (g_utf8_validate_len (data, len, NULL))
    {
      *encoding = "UTF-8";
      return g_strndup (data, len);
    }

  out = g_string_sized_new (len + len / 2 + 1);
  for (gsize i = 0; i < len; i++)
    {
      guchar byte = (guchar) data[i];

      if (byte < 0x80)
        g_string_append_c (out, (char) byte);
      else if (byte < 0xa0)
        {
          gunichar ch = windows_1252_c1[byte - 0x80];

          windows |= ch != byte;
          g_string_append_unichar (out, ch);
        }
      else
        g_string_append_unichar (out, byte);
    }

  *encoding = windows ? "WINDOWS-1252" : "ISO-8859-1";
  return g_string_free (out, FALSE);
}

/* Lines -------------------------------------------------------------------- */

typedef struct
{
  const char *text;
  gsize len;      /* without the line end and trailing white space */
  guint number;
} Line;

typedef struct
{
  const char *p;
  const char *end;
  guint number;   /* of the line read last */
} LineReader;

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\f' || c == '\v';
}

/* Lines end at LF, CR LF or a lone CR. */
static gboolean
line_reader_next (LineReader *reader,
                  Line       *line)
{
  const char *q = reader->p;

  if (reader->p >= reader->end)
    return FALSE;

  while (q < reader->end && *q != '\n' && *q != '\r')
    q++;

  line->text = reader->p;
  line->len = q - reader->p;
  line->number = ++reader->number;
  while (line->len > 0 && is_blank (line->text[line->len - 1]))
    line->len--;

  if (q < reader->end && *q == '\r' && q + 1 < reader->end && q[1] == '\n')
    q++;
  reader->p = q < reader->end ? q + 1 : q;
  return TRUE;
}

/* The line a byte offset is on, counted as line_reader_next() counts. */
static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n' || (data[i] == '\r' && data[i + 1] != '\n'))
      line++;
  return line;
}

/* Returns 1 for a run of '=', 2 for a run of '-' at least @min_len long and
 * shorter than @max_len, 0 for anything else. */
static guint
rule_level (const Line *line,
            gsize       min_len,
            gsize       max_len)
{
  char c;

  if (line->len < min_len || line->len >= max_len)
    return 0;

  c = line->text[0];
  if (c != '=' && c != '-')
    return 0;
  for (gsize i = 1; i < line->len; i++)
    if (line->text[i] != c)
      return 0;
  return c == '=' ? 1 : 2;
}

static gboolean
is_heading_text (const Line *text,
                 const Line *underline)
{
  glong n;
  gboolean words = FALSE;

  if (text->len == 0 || g_ascii_isspace (text->text[0]))
    return FALSE;

  for (gsize i = 0; i < text->len && !words; i++)
    words = text->text[i] != '=' && text->text[i] != '-' && !is_blank (text->text[i]);
  if (!words)
    return FALSE;

  n = g_utf8_strlen (text->text, text->len);
  return (gsize) n + UNDERLINE_SLACK >= underline->len &&
         (gsize) n <= underline->len + UNDERLINE_SLACK;
}

/* Header ------------------------------------------------------------------- */

typedef enum
{
  FIELD_DOCUMENT,
  FIELD_TITLE,
  FIELD_PRODUCT,
  FIELD_VERSIONS,
  FIELD_OPERATING_SYSTEMS,
  FIELD_KEYWORDS,
  N_FIELDS,
  FIELD_NOT_A_FIELD = -1,
  FIELD_UNKNOWN = -2,
} Field;

static const char *const field_names[N_FIELDS] = {
  "DOCUMENT", "TITLE", "PRODUCT", "PROD/VER", "OPER/SYS", "KEYWORDS",
};

/* A header line is NAME, padded with spaces, a colon, the value. */
static Field
header_field (const Line  *line,
              gsize       *name_len,
              const char **value)
{
  const char *colon = memchr (line->text, ':', line->len);
  gsize len;

  if (colon == NULL || colon == line->text || colon - line->text > 16)
    return FIELD_NOT_A_FIELD;

  len = colon - line->text;
  while (len > 0 && line->text[len - 1] == ' ')
    len--;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalpha (line->text[i]) && line->text[i] != '/')
      return FIELD_NOT_A_FIELD;
  if (len == 0)
    return FIELD_NOT_A_FIELD;

  *name_len = len;
  *value = colon + 1;
  for (guint f = 0; f < N_FIELDS; f++)
    if (strlen (field_names[f]) == len && g_ascii_strncasecmp (line->text, field_names[f], len) == 0)
      return (Field) f;
  return FIELD_UNKNOWN;
}

typedef enum
{
  NUMBER_OK,
  NUMBER_MISSING,
  NUMBER_TOO_LARGE,
} NumberResult;

/* "Q317627", "q317627", "KB317627", "kb317627" or "317627", nothing else. */
static NumberResult
parse_number (const char *text,
              gsize       len,
              guint      *number)
{
  guint64 value = 0;
  gboolean too_large = FALSE;
  gsize i = 0;

  if (len > 0 && (text[0] == 'Q' || text[0] == 'q'))
    i = 1;
  else if (len > 1 && g_ascii_strncasecmp (text, "kb", 2) == 0)
    i = 2;
  if (i == len)
    return NUMBER_MISSING;

  for (; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return NUMBER_MISSING;
      value = value * 10 + (guint64) (text[i] - '0');
      if (value > G_MAXUINT)
        {
          too_large = TRUE;
          value = G_MAXUINT;
        }
    }

  if (too_large)
    return NUMBER_TOO_LARGE;
  if (value == 0)
    return NUMBER_MISSING;
  *number = (guint) value;
  return NUMBER_OK;
}

/* "06-AUG-2002": D or DD, the month's first three letters, four digits. */
static GDateTime *
parse_date (const char *text,
            gsize       len)
{
  static const char months[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  guint day = 0, month = 0, year = 0;
  gsize i;

  for (i = 0; i < len && i < 2 && g_ascii_isdigit (text[i]); i++)
    day = day * 10 + (guint) (text[i] - '0');
  if (i == 0 || len - i != 9 || text[i] != '-' || text[i + 4] != '-')
    return NULL;

  for (guint m = 0; m < 12; m++)
    if (g_ascii_strncasecmp (text + i + 1, months + 3 * m, 3) == 0)
      month = m + 1;

  for (gsize k = i + 5; k < len; k++)
    {
      if (!g_ascii_isdigit (text[k]))
        return NULL;
      year = year * 10 + (guint) (text[k] - '0');
    }

  if (month == 0 || !g_date_valid_dmy (day, month, year))
    return NULL;
  return g_date_time_new_utc (year, month, day, 0, 0, 0);
}

static const char *
skip_blanks (const char *p)
{
  while (is_blank (*p))
    p++;
  return p;
}

static const char *
skip_word (const char *p)
{
  while (*p != '\0' && !is_blank (*p))
    p++;
  return p;
}

/* "Q317627  06-AUG-2002  [exchange]"; the tag is optional. */
static gboolean
parse_document (KbdReferenceArticle  *self,
                const char           *value,
                const char           *name,
                guint                 line,
                GError              **error)
{
  const char *field = field_names[FIELD_DOCUMENT];
  const char *p, *end;
  gsize len;

  p = skip_blanks (value);
  end = skip_word (p);
  switch (parse_number (p, end - p, &self->number))
    {
    case NUMBER_OK:
      break;
    case NUMBER_TOO_LARGE:
      return set_error_at (error, name, line, field, KBD_ERROR_NUMBER_RANGE,
                           _("the article number is larger than %u"), G_MAXUINT);
    case NUMBER_MISSING:
    default:
      return set_error_at (error, name, line, field, KBD_ERROR_INVALID_VALUE,
                           _("no article number: expected Q and digits, such as Q317627"));
    }
  self->id = g_strdup_printf ("Q%u", self->number);

  p = skip_blanks (end);
  end = skip_word (p);
  if (p == end)
    return set_error_at (error, name, line, field, KBD_ERROR_INVALID_VALUE,
                         _("no date after the article number: expected a date such as 06-AUG-2002"));
  self->date = parse_date (p, end - p);
  if (self->date == NULL)
    {
      g_autofree char *shown = snippet (p, end - p);

      return set_error_at (error, name, line, field, KBD_ERROR_INVALID_VALUE,
                           _("“%s” is not a date such as 06-AUG-2002"), shown);
    }

  p = skip_blanks (end);
  len = strlen (p);
  if (len == 0)
    self->tag = g_strdup ("");
  else if (p[0] == '[' && p[len - 1] == ']' && len >= 2)
    self->tag = g_strstrip (g_strndup (p + 1, len - 2));
  else
    {
      g_autofree char *shown = snippet (p, len);

      return set_error_at (error, name, line, field, KBD_ERROR_INVALID_VALUE,
                           _("unexpected “%s” after the date: expected a tag in brackets such as [exchange]"),
                           shown);
    }
  return TRUE;
}

static void
add_unique (GPtrArray  *list,
            GHashTable *seen,
            const char *start,
            const char *end)
{
  char *word = g_strstrip (g_strndup (start, end - start));

  if (word[0] == '\0' || g_hash_table_contains (seen, word))
    {
      g_free (word);
      return;
    }
  g_hash_table_add (seen, word);
  g_ptr_array_add (list, word);
}

/* Appends each piece of @text between @separators to @words, once, with
 * the white space around it removed. With @prefixes, a piece "NAME:rest"
 * adds NAME to @prefixes and rest to @words. */
static void
split_list (const char *text,
            const char *separators,
            GPtrArray  *words,
            GPtrArray  *prefixes)
{
  g_autoptr(GHashTable) seen_words = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen_prefixes = g_hash_table_new (g_str_hash, g_str_equal);

  for (const char *p = text; *p != '\0';)
    {
      gsize n = strcspn (p, separators);
      const char *colon = prefixes != NULL ? memchr (p, ':', n) : NULL;

      if (colon != NULL)
        {
          add_unique (prefixes, seen_prefixes, p, colon);
          add_unique (words, seen_words, colon + 1, p + n);
        }
      else
        add_unique (words, seen_words, p, p + n);

      p += n;
      if (*p != '\0')
        p++;
    }
}

static char **
strv_from_array (GPtrArray *array)
{
  return (char **) g_ptr_array_free (array, FALSE);
}

static void
set_lists (KbdReferenceArticle *self)
{
  GPtrArray *keywords = g_ptr_array_new_null_terminated (8, g_free, TRUE);
  GPtrArray *versions = g_ptr_array_new_null_terminated (4, g_free, TRUE);
  GPtrArray *platforms = g_ptr_array_new_null_terminated (2, g_free, TRUE);

  split_list (self->keywords_field, " \t,;", keywords, NULL);
  /* "WINDOWS:3.1,3.11; winnt:4.0" names platforms and may have spaces inside
   * a version ("4.0 SP4"); the older "3.5 3.51 | 4.0" has none of either. */
  if (strchr (self->versions, ':') != NULL)
    split_list (self->versions, ",;|", versions, platforms);
  else
    split_list (self->versions, " \t,;|", versions, NULL);

  self->keywords = strv_from_array (keywords);
  self->version_list = strv_from_array (versions);
  self->platforms = strv_from_array (platforms);
}

static gboolean
parse_header (KbdReferenceArticle  *self,
              LineReader           *reader,
              const char           *name,
              GError              **error)
{
  char **values[N_FIELDS] = {
    NULL, &self->title, &self->product, &self->versions, &self->operating_systems,
    &self->keywords_field,
  };
  guint seen[N_FIELDS] = { 0 };
  gboolean ended = FALSE;
  Line line = { NULL };

  while (line_reader_next (reader, &line))
    {
      gsize name_len = 0;
      const char *value = NULL;
      Field field;

      if (line.len == 0)
        continue;

      field = header_field (&line, &name_len, &value);
      if (seen[FIELD_DOCUMENT] == 0 && field != FIELD_DOCUMENT)
        return set_error_at (error, name, line.number, field_names[FIELD_DOCUMENT],
                             KBD_ERROR_MISSING_FIELD,
                             _("the file does not start with a DOCUMENT line"));

      if (rule_level (&line, 3, G_MAXSIZE) == 1)
        {
          ended = TRUE;
          break;
        }

      if (field == FIELD_NOT_A_FIELD)
        return set_error_at (error, name, line.number, NULL, KBD_ERROR_SYNTAX,
                             _("expected a header field (NAME:value) or the line of “=” that ends the header"));
      if (field == FIELD_UNKNOWN)
        {
          g_autofree char *shown = snippet (line.text, name_len);

          return set_error_at (error, name, line.number, NULL, KBD_ERROR_UNKNOWN_FIELD,
                               _("“%s” is not a header field: expected TITLE, PRODUCT, PROD/VER, OPER/SYS or KEYWORDS"),
                               shown);
        }
      if (seen[field] != 0)
        return set_error_at (error, name, line.number, field_names[field], KBD_ERROR_DUPLICATE_KEY,
                             _("the field is already on line %u"), seen[field]);
      seen[field] = line.number;

      {
        g_autofree char *text = g_strstrip (g_strndup (value, line.text + line.len - value));

        if (field == FIELD_DOCUMENT)
          {
            if (!parse_document (self, text, name, line.number, error))
              return FALSE;
          }
        else
          *values[field] = g_steal_pointer (&text);
      }
    }

  if (seen[FIELD_DOCUMENT] == 0)
    return set_error_at (error, name, 1, field_names[FIELD_DOCUMENT], KBD_ERROR_MISSING_FIELD,
                         _("the file does not start with a DOCUMENT line"));
  if (!ended)
    return set_error_at (error, name, reader->number, NULL, KBD_ERROR_SYNTAX,
                         _("the file ends inside the header: expected a line of “=” after it"));
  if (seen[FIELD_TITLE] == 0)
    return set_error_at (error, name, line.number, field_names[FIELD_TITLE], KBD_ERROR_MISSING_FIELD,
                         _("the header has no TITLE line"));

  for (guint f = FIELD_TITLE; f < N_FIELDS; f++)
    if (*values[f] == NULL)
      *values[f] = g_strdup ("");
  set_lists (self);
  return TRUE;
}

/* Body --------------------------------------------------------------------- */

typedef struct
{
  GString *strings;
  GArray *sections;
  gboolean open;          /* the last section's text is being written */
  gboolean has_text;      /* … and has a line that is not blank */
  guint blank_lines;      /* blank lines held back until more text comes */
} BodyBuilder;

static void
body_open_section (BodyBuilder *builder,
                   const Line  *title,
                   guint        level)
{
  Section section = { NO_TITLE, 0, level };

  if (builder->open)
    g_string_append_c (builder->strings, '\0');
  if (title != NULL)
    {
      section.title = builder->strings->len;
      g_string_append_len (builder->strings, title->text, title->len);
      g_string_append_c (builder->strings, '\0');
    }
  section.text = builder->strings->len;
  g_array_append_val (builder->sections, section);

  builder->open = TRUE;
  builder->has_text = FALSE;
  builder->blank_lines = 0;
}

static void
body_add_line (BodyBuilder *builder,
               const Line  *line)
{
  if (line->len == 0)
    {
      builder->blank_lines += builder->has_text;
      return;
    }

  if (!builder->open)
    body_open_section (builder, NULL, 0);
  if (builder->has_text)
    for (guint i = 0; i <= builder->blank_lines; i++)
      g_string_append_c (builder->strings, '\n');
  g_string_append_len (builder->strings, line->text, line->len);
  builder->has_text = TRUE;
  builder->blank_lines = 0;
}

/* One pass, holding back one line: it is a heading if the next line
 * underlines it. */
static void
parse_body (KbdReferenceArticle *self,
            LineReader          *reader)
{
  BodyBuilder builder = { g_string_sized_new (reader->end - reader->p + 1), self->sections };
  gboolean held = FALSE;
  Line previous = { NULL }, line;

  while (line_reader_next (reader, &line))
    {
      guint level = rule_level (&line, 3, RULE_WIDTH);

      if (held && level != 0 && is_heading_text (&previous, &line))
        {
          body_open_section (&builder, &previous, level);
          held = FALSE;
          continue;
        }
      if (held)
        body_add_line (&builder, &previous);
      previous = line;
      held = TRUE;
    }
  if (held)
    body_add_line (&builder, &previous);
  if (builder.open)
    g_string_append_c (builder.strings, '\0');

  self->strings = g_string_free (builder.strings, FALSE);
}

/* Construction ------------------------------------------------------------- */

static gboolean
is_all_white_space (const char *data,
                    gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!is_blank (data[i]) && data[i] != '\n' && data[i] != '\r')
      return FALSE;
  return TRUE;
}

static KbdReferenceArticle *
new_from_data (const char  *data,
               gsize        len,
               const char  *name,
               GError     **error)
{
  g_autoptr(KbdReferenceArticle) self = NULL;
  g_autofree char *text = NULL;
  const char *encoding = NULL;
  const char *nul;
  LineReader reader = { NULL };

  if (len > KBD_REFERENCE_ARTICLE_MAX_SIZE)
    {
      set_error_at (error, name, 1, NULL, KBD_ERROR_TOO_LARGE,
                    _("the file is %lu bytes; at most %lu are allowed"),
                    (unsigned long) len, (unsigned long) KBD_REFERENCE_ARTICLE_MAX_SIZE);
      return NULL;
    }

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  nul = memchr (data, '\0', len);
  if (nul != NULL)
    {
      set_error_at (error, name, line_of_offset (data, nul - data), NULL, KBD_ERROR_ENCODING,
                    _("a NUL byte at byte %lu: this is not a text file"),
                    (unsigned long) (nul - data) + 1);
      return NULL;
    }

  if (is_all_white_space (data, len))
    {
      set_error_at (error, name, 1, NULL, KBD_ERROR_EMPTY,
                    len == 0 ? _("the file is empty") : _("the file holds only white space"));
      return NULL;
    }

  text = to_utf8 (data, len, &encoding);
  reader.p = text;
  reader.end = text + strlen (text);

  self = g_object_new (KBD_TYPE_REFERENCE_ARTICLE, NULL);
  self->encoding = encoding;
  if (!parse_header (self, &reader, name, error))
    return NULL;
  parse_body (self, &reader);

  return g_steal_pointer (&self);
}

/**
 * kbd_reference_article_new_from_bytes:
 * @bytes: the article file's contents
 * @name: the name error messages use for the data, such as the file's name
 * @error: return location for a #GError
 *
 * Imports a classic plain-text KB article from memory. The data is
 * untrusted: on any problem nothing is returned and @error, in the
 * %KBD_ERROR domain, names @name, the line and the header field:
 * %KBD_ERROR_TOO_LARGE beyond %KBD_REFERENCE_ARTICLE_MAX_SIZE bytes,
 * %KBD_ERROR_ENCODING for a NUL byte, %KBD_ERROR_EMPTY,
 * %KBD_ERROR_MISSING_FIELD when the `DOCUMENT` or `TITLE` line is missing,
 * %KBD_ERROR_INVALID_VALUE for a `DOCUMENT` line without a number or date,
 * %KBD_ERROR_NUMBER_RANGE for an article number beyond %G_MAXUINT,
 * %KBD_ERROR_UNKNOWN_FIELD, %KBD_ERROR_DUPLICATE_KEY, and
 * %KBD_ERROR_SYNTAX for a header that is not `NAME:value` lines ended by a
 * line of `=`.
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdReferenceArticle *
kbd_reference_article_new_from_bytes (GBytes      *bytes,
                                      const char  *name,
                                      GError     **error)
{
  const char *data;
  gsize len;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  data = g_bytes_get_data (bytes, &len);
  return new_from_data (data != NULL ? data : "", len, name, error);
}

/**
 * kbd_reference_article_new_from_file:
 * @filename: (type filename): a classic KB article file (`Q317627.TXT`)
 * @error: return location for a #GError
 *
 * Imports a classic plain-text KB article file; see
 * [ctor@Kbd.ReferenceArticle.new_from_bytes]. A path that is not a regular
 * file is refused without blocking (%KBD_ERROR_NOT_REGULAR_FILE), a missing
 * file is %KBD_ERROR_NOT_FOUND.
 *
 * This function blocks on file I/O; it is safe to call from any thread.
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdReferenceArticle *
kbd_reference_article_new_from_file (const char  *filename,
                                     GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = NULL;
  const char *data;
  gsize len;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  bytes = kbd_read_regular_file (filename, KBD_REFERENCE_ARTICLE_MAX_SIZE, error);
  if (bytes == NULL)
    return NULL;

  name = g_filename_display_name (filename);
  data = g_bytes_get_data (bytes, &len);
  return new_from_data (data != NULL ? data : "", len, name, error);
}

/**
 * kbd_reference_article_parse_id:
 * @text: an article id as a person types it
 * @number: (out) (optional): return location for the article number
 *
 * Reads a classic article id: `Q317627`, `q317627`, `KB317627`,
 * `kb317627` or `317627`, nothing around it. The number must be between 1
 * and %G_MAXUINT.
 *
 * Returns: %TRUE if @text is an article id
 */
gboolean
kbd_reference_article_parse_id (const char *text,
                                guint      *number)
{
  guint value = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  if (parse_number (text, strlen (text), &value) != NUMBER_OK)
    return FALSE;
  if (number != NULL)
    *number = value;
  return TRUE;
}

/* Getters ------------------------------------------------------------------ */

/**
 * kbd_reference_article_get_id:
 * @self: a reference article
 *
 * Gets the article's id as the archive writes it.
 *
 * Returns: the article's id, `Q` and its number without leading zeros
 *   (`Q317627`)
 */
const char *
kbd_reference_article_get_id (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->id;
}

/**
 * kbd_reference_article_get_number:
 * @self: a reference article
 *
 * Gets the article's number, the digits of its id.
 *
 * Returns: the article's number (317627), never 0
 */
guint
kbd_reference_article_get_number (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), 0);
  return self->number;
}

/**
 * kbd_reference_article_get_date:
 * @self: a reference article
 *
 * Gets the date of the `DOCUMENT` line (when the article was last
 * revised). The file gives a day only: the time is midnight UTC of that
 * day, so format it with `g_date_time_format (date, "%F")` rather than
 * converting it to local time.
 *
 * Returns: (transfer none): the date
 */
GDateTime *
kbd_reference_article_get_date (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->date;
}

/**
 * kbd_reference_article_get_tag:
 * @self: a reference article
 *
 * Gets the archive's category of the article.
 *
 * Returns: the archive's category in the `DOCUMENT` line (`exchange`), or
 *   "" when there is none
 */
const char *
kbd_reference_article_get_tag (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->tag;
}

/**
 * kbd_reference_article_get_title:
 * @self: a reference article
 *
 * Gets the `TITLE` field. The archive cuts titles at 64 characters.
 *
 * Returns: the title, perhaps ""
 */
const char *
kbd_reference_article_get_title (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->title;
}

/**
 * kbd_reference_article_get_product:
 * @self: a reference article
 *
 * Gets the product the article is about.
 *
 * Returns: the `PRODUCT` field, perhaps ""
 */
const char *
kbd_reference_article_get_product (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->product;
}

/**
 * kbd_reference_article_get_versions:
 * @self: a reference article
 *
 * Gets the `PROD/VER` field as written, such as `WINDOWS:3.1,3.11; winnt:4.0`
 * or, in older articles, `3.5 3.51 | 4.0`. See
 * [method@Kbd.ReferenceArticle.get_version_list] and
 * [method@Kbd.ReferenceArticle.get_platforms] for its parts.
 *
 * Returns: the field, perhaps ""
 */
const char *
kbd_reference_article_get_versions (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->versions;
}

/**
 * kbd_reference_article_get_version_list:
 * @self: a reference article
 *
 * Gets the versions of the `PROD/VER` field, each once, in order:
 * `WINDOWS:3.1,3.11; winnt:3.11,4.0 SP4` gives `3.1`, `3.11`, `4.0 SP4`;
 * `3.5 3.51 | 4.0` gives `3.5`, `3.51`, `4.0`.
 *
 * Returns: (transfer none) (array zero-terminated=1): the versions
 */
const char *const *
kbd_reference_article_get_version_list (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return (const char *const *) self->version_list;
}

/**
 * kbd_reference_article_get_platforms:
 * @self: a reference article
 *
 * Gets the platforms the `PROD/VER` field names, each once, as written:
 * `WINDOWS:3.1; winnt:4.0; :5.0` gives `WINDOWS`, `winnt`. The archive
 * leaves `OPER/SYS` empty, so this is where it says the operating system.
 *
 * Returns: (transfer none) (array zero-terminated=1): the platforms
 */
const char *const *
kbd_reference_article_get_platforms (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return (const char *const *) self->platforms;
}

/**
 * kbd_reference_article_get_operating_systems:
 * @self: a reference article
 *
 * Gets the operating systems the article applies to.
 *
 * Returns: the `OPER/SYS` field as written, perhaps ""
 */
const char *
kbd_reference_article_get_operating_systems (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->operating_systems;
}

/**
 * kbd_reference_article_get_keywords:
 * @self: a reference article
 *
 * Gets the article's search keywords.
 *
 * Returns: (transfer none) (array zero-terminated=1): the words of the
 *   `KEYWORDS` field (separated by spaces or commas), each once
 */
const char *const *
kbd_reference_article_get_keywords (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return (const char *const *) self->keywords;
}

/**
 * kbd_reference_article_get_encoding:
 * @self: a reference article
 *
 * Gets the encoding the file was read in: `UTF-8` (which includes ASCII),
 * `WINDOWS-1252` when it has a byte from 0x80 to 0x9F that Windows-1252
 * defines, otherwise `ISO-8859-1`. The article's text is UTF-8 either way.
 *
 * Returns: the encoding's name
 */
const char *
kbd_reference_article_get_encoding (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  return self->encoding;
}

/**
 * kbd_reference_article_get_n_sections:
 * @self: a reference article
 *
 * Counts the sections of the body.
 *
 * Returns: the number of sections of the body, the preface included
 */
guint
kbd_reference_article_get_n_sections (KbdReferenceArticle *self)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), 0);
  return self->sections->len;
}

static const Section *
get_section (KbdReferenceArticle *self,
             guint                index)
{
  return &g_array_index (self->sections, Section, index);
}

/**
 * kbd_reference_article_get_section_title:
 * @self: a reference article
 * @index: a section, less than [method@Kbd.ReferenceArticle.get_n_sections]
 *
 * Gets the heading of a section, in plain text.
 *
 * Returns: (nullable): the section's heading (`SYMPTOMS`), or %NULL for
 *   the text before the first heading
 */
const char *
kbd_reference_article_get_section_title (KbdReferenceArticle *self,
                                         guint                index)
{
  const Section *section;

  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  g_return_val_if_fail (index < self->sections->len, NULL);

  section = get_section (self, index);
  return section->title == NO_TITLE ? NULL : self->strings + section->title;
}

/**
 * kbd_reference_article_get_section_level:
 * @self: a reference article
 * @index: a section, less than [method@Kbd.ReferenceArticle.get_n_sections]
 *
 * Gets how the section's heading is underlined: 1 with `=` (the article's
 * parts: SYMPTOMS, CAUSE…), 2 with `-` (parts of those), 0 for the text
 * before the first heading.
 *
 * Returns: the level, 0, 1 or 2
 */
guint
kbd_reference_article_get_section_level (KbdReferenceArticle *self,
                                         guint                index)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), 0);
  g_return_val_if_fail (index < self->sections->len, 0);

  return get_section (self, index)->level;
}

/**
 * kbd_reference_article_get_section_text:
 * @self: a reference article
 * @index: a section, less than [method@Kbd.ReferenceArticle.get_n_sections]
 *
 * Gets the section's text: its lines as in the file, joined by `\n`, with
 * trailing white space removed and without blank lines at the start and
 * the end. Indentation, tabs and alignment are kept: the text is meant for
 * a monospace font.
 *
 * Returns: the text, perhaps ""
 */
const char *
kbd_reference_article_get_section_text (KbdReferenceArticle *self,
                                        guint                index)
{
  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);
  g_return_val_if_fail (index < self->sections->len, NULL);

  return self->strings + get_section (self, index)->text;
}

/**
 * kbd_reference_article_dup_body:
 * @self: a reference article
 *
 * Gets the whole body as plain text: each section's heading underlined
 * with `=` or `-` as long as the heading, a blank line, the section's
 * text; a blank line between sections.
 *
 * Returns: (transfer full): the body
 */
char *
kbd_reference_article_dup_body (KbdReferenceArticle *self)
{
  GString *out;

  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->sections->len; i++)
    {
      const Section *section = get_section (self, i);
      const char *text = self->strings + section->text;

      if (i > 0)
        g_string_append (out, "\n\n");
      if (section->title != NO_TITLE)
        {
          const char *title = self->strings + section->title;
          /* Within what a heading's underline may be, so the body reads back the same. */
          glong width = CLAMP (g_utf8_strlen (title, -1), 3, RULE_WIDTH - 1);

          g_string_append (out, title);
          g_string_append_c (out, '\n');
          for (glong k = 0; k < width; k++)
            g_string_append_c (out, section->level == 1 ? '=' : '-');
          if (text[0] != '\0')
            g_string_append (out, "\n\n");
        }
      g_string_append (out, text);
    }
  return g_string_free (out, FALSE);
}

/* Adds the article numbers @text mentions (Q and digits, not inside a word)
 * to @mentions, each once. */
static void
add_mentions (const char *text,
              guint       number,
              GHashTable *seen,
              GPtrArray  *mentions)
{
  for (const char *p = strchr (text, 'Q'); p != NULL; p = strchr (p + 1, 'Q'))
    {
      gsize n = 0;
      guint mentioned = 0;

      if (p > text && (g_ascii_isalnum (p[-1]) || p[-1] == '_'))
        continue;
      while (g_ascii_isdigit (p[1 + n]))
        n++;
      if (n < MENTION_MIN_DIGITS || n > MENTION_MAX_DIGITS ||
          parse_number (p, n + 1, &mentioned) != NUMBER_OK || mentioned == number ||
          g_hash_table_contains (seen, GUINT_TO_POINTER (mentioned)))
        continue;

      g_hash_table_add (seen, GUINT_TO_POINTER (mentioned));
      g_ptr_array_add (mentions, g_strdup_printf ("Q%u", mentioned));
    }
}

/**
 * kbd_reference_article_find_mentions:
 * @self: a reference article
 *
 * Finds the other articles the body mentions: `Q` and five to eight
 * digits, not inside a word (`see Q119591`, `ARTICLE-ID: Q71499`). Each
 * is listed once, in the order of first mention, as `Q` and the number;
 * the article itself is left out.
 *
 * Returns: (transfer full) (element-type utf8): the ids, perhaps none
 */
GPtrArray *
kbd_reference_article_find_mentions (KbdReferenceArticle *self)
{
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *mentions;

  g_return_val_if_fail (KBD_IS_REFERENCE_ARTICLE (self), NULL);

  seen = g_hash_table_new (NULL, NULL);
  mentions = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < self->sections->len; i++)
    {
      const Section *section = get_section (self, i);

      if (section->title != NO_TITLE)
        add_mentions (self->strings + section->title, self->number, seen, mentions);
      add_mentions (self->strings + section->text, self->number, seen, mentions);
    }
  return mentions;
}
