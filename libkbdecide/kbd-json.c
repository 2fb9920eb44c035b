/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kbd-error.h"
#include "kbd-json-private.h"
#include "kbd-private.h"

#define ARENA_BLOCK_SIZE (64 * 1024)

typedef struct _ArenaBlock ArenaBlock;
struct _ArenaBlock
{
  ArenaBlock *next;
  gsize used;
  gsize size;
  /* data follows, aligned */
  union { gint64 i; double d; gpointer p; } data[];
};

struct _KbdJsonDoc
{
  ArenaBlock *blocks;
  KbdJsonValue *root;
};

typedef struct
{
  KbdJsonDoc *doc;
  const char *start;
  const char *p;
  const char *end;
  const char *line_start;
  guint32 line;
  const char *display_name;
  KbdJsonLimits limits;
  GError **error;
  /* Scratch stacks for the items of the arrays and objects being built;
   * finished containers are copied into the arena. */
  GPtrArray *item_stack;
  GArray *member_stack;
  GString *scratch;
} Parser;

static gpointer
arena_alloc (KbdJsonDoc *doc,
             gsize       size)
{
  ArenaBlock *block = doc->blocks;

  size = (size + 7) & ~(gsize) 7;
  if (block == NULL || block->size - block->used < size)
    {
      gsize block_size = MAX (ARENA_BLOCK_SIZE, size);

      block = g_malloc (sizeof (ArenaBlock) + block_size);
      block->used = 0;
      block->size = block_size;
      block->next = doc->blocks;
      doc->blocks = block;
    }

  block->used += size;
  return (char *) block->data + block->used - size;
}

void
kbd_json_doc_free (KbdJsonDoc *doc)
{
  ArenaBlock *block;

  if (doc == NULL)
    return;

  block = doc->blocks;
  while (block != NULL)
    {
      ArenaBlock *next = block->next;
      g_free (block);
      block = next;
    }
  g_free (doc);
}

const KbdJsonValue *
kbd_json_doc_get_root (KbdJsonDoc *doc)
{
  return doc->root;
}

const char *
kbd_json_type_name (KbdJsonType type)
{
  kbd_i18n_init ();

  switch (type)
    {
    case KBD_JSON_NULL:
      return _("null");
    case KBD_JSON_BOOLEAN:
      return _("a boolean");
    case KBD_JSON_INTEGER:
      return _("an integer");
    case KBD_JSON_DOUBLE:
      return _("a number with a fraction");
    case KBD_JSON_STRING:
      return _("a string");
    case KBD_JSON_ARRAY:
      return _("an array");
    case KBD_JSON_OBJECT:
      return _("an object");
    default:
      g_assert_not_reached ();
    }
}

static void
path_append (GString           *out,
             const KbdJsonPath *path)
{
  if (path == NULL)
    return;

  path_append (out, path->parent);
  if (path->key != NULL)
    {
      if (out->len > 0)
        g_string_append_c (out, '.');
      g_string_append_len (out, path->key, path->key_len);
    }
  else
    g_string_append_printf (out, "[%" G_GSIZE_FORMAT "]", path->index);
}

char *
kbd_json_path_to_string (const KbdJsonPath *path)
{
  GString *out = g_string_new (NULL);
  char *valid;

  path_append (out, path);
  /* Keys come from the document and are valid UTF-8 already, but a path is
   * shown to people: never let it carry anything else. */
  valid = g_utf8_make_valid (out->str, out->len);
  g_string_free (out, TRUE);
  return valid;
}

const KbdJsonValue *
kbd_json_object_get (const KbdJsonValue *object,
                     const char         *key)
{
  gsize key_len;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (object->type == KBD_JSON_OBJECT, NULL);

  key_len = strlen (key);
  for (guint32 i = 0; i < object->v.object.n; i++)
    {
      const KbdJsonMember *member = &object->v.object.members[i];

      if (member->key_len == key_len && memcmp (member->key, key, key_len) == 0)
        return member->value;
    }

  return NULL;
}

/* Errors ------------------------------------------------------------------ */

/* Messages quote keys and values of the document, which is untrusted, and
 * are printed on terminals and shown in windows: control characters (and
 * bytes that are not UTF-8, from the display name) never reach them; they
 * are written as escapes instead. */
static void
set_error_escaped (GError     **error,
                   int          code,
                   const char  *message)
{
  g_autofree char *valid = g_utf8_make_valid (message, -1);
  GString *out;

  out = g_string_sized_new (strlen (valid));
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
        g_string_append_printf (out, "\\u%04X", ch);
      else
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }

  g_set_error_literal (error, KBD_ERROR, code, out->str);
  g_string_free (out, TRUE);
}

static guint32
parser_column (Parser     *parser,
               const char *at)
{
  return (guint32) (at - parser->line_start) + 1;
}

G_GNUC_PRINTF (5, 6)
static gboolean
parser_fail (Parser            *parser,
             const char        *at,
             const KbdJsonPath *path,
             KbdError           code,
             const char        *format,
             ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path_str = NULL;
  g_autofree char *full = NULL;
  va_list args;

  if (parser->error == NULL || *parser->error != NULL)
    return FALSE;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  path_str = kbd_json_path_to_string (path);
  if (path_str[0] != '\0')
    full = g_strdup_printf ("%s:%u:%u: %s: %s",
                            parser->display_name, parser->line, parser_column (parser, at),
                            path_str, message);
  else
    full = g_strdup_printf ("%s:%u:%u: %s",
                            parser->display_name, parser->line, parser_column (parser, at),
                            message);
  set_error_escaped (parser->error, code, full);
  return FALSE;
}

static gboolean
parser_fail_unexpected (Parser            *parser,
                        const KbdJsonPath *path,
                        const char        *expected)
{
  if (parser->p >= parser->end)
    return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                        _("the file ends too early: expected %s"), expected);

  if (*parser->p == '/')
    return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                        _("comments are not allowed in JSON"));

  if ((guchar) *parser->p >= 0x20 && (guchar) *parser->p < 0x7f)
    return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                        _("unexpected character “%c”: expected %s"),
                        *parser->p, expected);

  return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                      _("unexpected byte 0x%02x: expected %s"),
                      (guchar) *parser->p, expected);
}

/* Scanning ---------------------------------------------------------------- */

static inline void
skip_whitespace (Parser *parser)
{
  const char *p = parser->p;
  const char *end = parser->end;

  while (p < end)
    {
      char c = *p;

      if (c == ' ' || c == '\t' || c == '\r')
        p++;
      else if (c == '\n')
        {
          p++;
          parser->line++;
          parser->line_start = p;
        }
      else
        break;
    }

  parser->p = p;
}

static KbdJsonValue *
new_value (Parser      *parser,
           KbdJsonType  type,
           const char  *at)
{
  KbdJsonValue *value = arena_alloc (parser->doc, sizeof (KbdJsonValue));

  value->type = type;
  value->line = parser->line;
  value->column = parser_column (parser, at);
  return value;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

static gboolean
read_hex4 (Parser            *parser,
           const char        *at,
           const KbdJsonPath *path,
           gunichar          *out)
{
  gunichar value = 0;

  /* Digit by digit, so that a bad digit is a bad escape even near the end
   * of the file, and only a file that really ends here is truncated. */
  for (guint i = 0; i < 4; i++)
    {
      int digit;

      if (at + i >= parser->end)
        return parser_fail (parser, at, path, KBD_ERROR_SYNTAX,
                            _("the file ends inside a \\u escape"));

      digit = hex_value (at[i]);
      if (digit < 0)
        return parser_fail (parser, at - 2, path, KBD_ERROR_INVALID_ESCAPE,
                            _("a \\u escape needs four hexadecimal digits"));
      value = (value << 4) | (gunichar) digit;
    }

  *out = value;
  return TRUE;
}

/* Parses a string starting at the opening quote. The result is copied into
 * the arena, NUL-terminated, and is valid UTF-8 without NUL characters. */
static gboolean
parse_string (Parser            *parser,
              const KbdJsonPath *path,
              const char       **out_str,
              guint32           *out_len)
{
  const char *p = parser->p + 1;
  const char *end = parser->end;
  const char *run_start = p;
  GString *scratch = parser->scratch;
  gboolean simple = TRUE;
  char *copy;

  for (;;)
    {
      guchar c;

      /* The whole input was checked to be UTF-8 without NUL bytes up front,
       * so only quotes, backslashes and control characters matter here. */
      while (p < end && (c = (guchar) *p) != '"' && c != '\\' && c >= 0x20)
        p++;

      if (p >= end)
        return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                            _("the file ends inside a string"));

      c = (guchar) *p;
      if (c == '"')
        break;

      if (c < 0x20)
        return parser_fail (parser, p, path, KBD_ERROR_SYNTAX,
                            _("control character 0x%02x inside a string: write it as an escape"),
                            c);

      /* A backslash escape. */
      if (simple)
        {
          g_string_truncate (scratch, 0);
          simple = FALSE;
        }
      g_string_append_len (scratch, run_start, p - run_start);

      if (p + 1 >= end)
        return parser_fail (parser, p, path, KBD_ERROR_SYNTAX,
                            _("the file ends inside a string"));

      switch (p[1])
        {
        case '"': g_string_append_c (scratch, '"'); p += 2; break;
        case '\\': g_string_append_c (scratch, '\\'); p += 2; break;
        case '/': g_string_append_c (scratch, '/'); p += 2; break;
        case 'b': g_string_append_c (scratch, '\b'); p += 2; break;
        case 'f': g_string_append_c (scratch, '\f'); p += 2; break;
        case 'n': g_string_append_c (scratch, '\n'); p += 2; break;
        case 'r': g_string_append_c (scratch, '\r'); p += 2; break;
        case 't': g_string_append_c (scratch, '\t'); p += 2; break;
        case 'u':
          {
            gunichar ch;
            const char *escape = p;

            if (!read_hex4 (parser, p + 2, path, &ch))
              return FALSE;
            p += 6;

            if (ch == 0)
              return parser_fail (parser, escape, path, KBD_ERROR_INVALID_ESCAPE,
                                  _("\\u0000 is not allowed: text cannot contain NUL"));

            if (ch >= 0xDC00 && ch <= 0xDFFF)
              return parser_fail (parser, escape, path, KBD_ERROR_INVALID_ESCAPE,
                                  _("lone low surrogate \\u%04X"), ch);

            if (ch >= 0xD800 && ch <= 0xDBFF)
              {
                gunichar low;

                /* A file cut inside the pair is truncated, not a lone
                 * surrogate. */
                if (p >= end || (p[0] == '\\' && p + 1 >= end))
                  return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                                      _("the file ends inside a string"));
                if (p[0] != '\\' || p[1] != 'u')
                  return parser_fail (parser, escape, path, KBD_ERROR_INVALID_ESCAPE,
                                      _("lone high surrogate \\u%04X"), ch);
                if (!read_hex4 (parser, p + 2, path, &low))
                  return FALSE;
                if (low < 0xDC00 || low > 0xDFFF)
                  return parser_fail (parser, escape, path, KBD_ERROR_INVALID_ESCAPE,
                                      _("lone high surrogate \\u%04X"), ch);
                p += 6;
                ch = 0x10000 + ((ch - 0xD800) << 10) + (low - 0xDC00);
              }

            g_string_append_unichar (scratch, ch);
          }
          break;
        default:
          return parser_fail (parser, p, path, KBD_ERROR_INVALID_ESCAPE,
                              _("unknown escape “\\%c”"),
                              g_ascii_isprint (p[1]) ? p[1] : '?');
        }

      run_start = p;
      if (scratch->len > parser->limits.max_string_bytes)
        break;
    }

  if (!simple)
    g_string_append_len (scratch, run_start, p - run_start);

  {
    gsize len = simple ? (gsize) (p - (parser->p + 1)) : scratch->len;

    if (len > parser->limits.max_string_bytes)
      return parser_fail (parser, parser->p, path, KBD_ERROR_LIMIT_EXCEEDED,
                          _("a string is longer than %lu bytes"),
                          (unsigned long) parser->limits.max_string_bytes);

    copy = arena_alloc (parser->doc, len + 1);
    memcpy (copy, simple ? parser->p + 1 : scratch->str, len);
    copy[len] = '\0';
    *out_str = copy;
    *out_len = (guint32) len;
  }

  parser->p = p + 1;
  return TRUE;
}

static gboolean
parse_number (Parser            *parser,
              const KbdJsonPath *path,
              KbdJsonValue      *value)
{
  const char *start = parser->p;
  const char *p = start;
  const char *end = parser->end;
  gboolean negative = FALSE;
  gboolean integral = TRUE;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (p >= end || !g_ascii_isdigit (*p))
    return parser_fail (parser, start, path, KBD_ERROR_SYNTAX,
                        _("a number needs a digit after “-”"));

  if (*p == '0')
    {
      p++;
      if (p < end && g_ascii_isdigit (*p))
        return parser_fail (parser, start, path, KBD_ERROR_SYNTAX,
                            _("numbers cannot have leading zeros"));
    }
  else
    {
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (p < end && *p == '.')
    {
      integral = FALSE;
      p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return parser_fail (parser, start, path, KBD_ERROR_SYNTAX,
                            _("a number needs digits after the decimal point"));
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integral = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || !g_ascii_isdigit (*p))
        return parser_fail (parser, start, path, KBD_ERROR_SYNTAX,
                            _("a number needs digits in its exponent"));
      while (p < end && g_ascii_isdigit (*p))
        p++;
    }

  if (integral)
    {
      guint64 magnitude = 0;
      const char *q = start + (negative ? 1 : 0);
      guint64 limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;

      for (; q < p; q++)
        {
          guint digit = (guint) (*q - '0');

          if (magnitude > (limit - digit) / 10)
            return parser_fail (parser, start, path, KBD_ERROR_NUMBER_RANGE,
                                _("the integer %.*s does not fit in 64 bits"),
                                (int) MIN (p - start, 40), start);
          magnitude = magnitude * 10 + digit;
        }

      value->type = KBD_JSON_INTEGER;
      if (negative)
        value->v.integer = magnitude == (guint64) G_MAXINT64 + 1
                             ? G_MININT64 : -(gint64) magnitude;
      else
        value->v.integer = (gint64) magnitude;
    }
  else
    {
      char buffer[G_ASCII_DTOSTR_BUF_SIZE * 2];
      g_autofree char *heap = NULL;
      const char *token = buffer;
      gsize len = p - start;
      double d;

      if (len < sizeof buffer)
        {
          memcpy (buffer, start, len);
          buffer[len] = '\0';
        }
      else
        token = heap = g_strndup (start, len);

      errno = 0;
      d = g_ascii_strtod (token, NULL);
      if (!isfinite (d))
        return parser_fail (parser, start, path, KBD_ERROR_NUMBER_RANGE,
                            _("the number %.*s is too large"),
                            (int) MIN (len, 40), start);

      value->type = KBD_JSON_DOUBLE;
      value->v.number = d;
    }

  parser->p = p;
  return TRUE;
}

static gboolean
match_literal (Parser     *parser,
               const char *literal)
{
  gsize len = strlen (literal);

  if ((gsize) (parser->end - parser->p) < len || memcmp (parser->p, literal, len) != 0)
    return FALSE;

  parser->p += len;
  return TRUE;
}

static gboolean parse_value (Parser            *parser,
                             const KbdJsonPath *path,
                             guint              depth,
                             KbdJsonValue     **out);

static gboolean
fail_duplicate (Parser              *parser,
                const KbdJsonPath   *path,
                const KbdJsonMember *duplicate,
                const KbdJsonMember *first)
{
  g_autofree char *path_str = kbd_json_path_to_string (path);
  g_autofree char *full = NULL;

  if (path_str[0] != '\0')
    full = g_strdup_printf (_("%s:%u:%u: %s: the key “%s” appears twice (first on line %u)"),
                            parser->display_name, duplicate->line, duplicate->column,
                            path_str, duplicate->key, first->line);
  else
    full = g_strdup_printf (_("%s:%u:%u: the key “%s” appears twice (first on line %u)"),
                            parser->display_name, duplicate->line, duplicate->column,
                            duplicate->key, first->line);
  set_error_escaped (parser->error, KBD_ERROR_DUPLICATE_KEY, full);
  return FALSE;
}

static gboolean
check_duplicates (Parser            *parser,
                  const KbdJsonPath *path,
                  KbdJsonMember     *members,
                  guint32            n)
{
  g_autoptr(GHashTable) seen = NULL;

  if (n <= 16)
    {
      for (guint32 i = 1; i < n; i++)
        for (guint32 j = 0; j < i; j++)
          if (members[i].key_len == members[j].key_len &&
              memcmp (members[i].key, members[j].key, members[i].key_len) == 0)
            return fail_duplicate (parser, path, &members[i], &members[j]);
      return TRUE;
    }

  /* Keys cannot contain NUL (\u0000 is refused), so C string hashing is exact. */
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint32 i = 0; i < n; i++)
    {
      KbdJsonMember *first = g_hash_table_lookup (seen, members[i].key);

      if (first != NULL)
        return fail_duplicate (parser, path, &members[i], first);
      g_hash_table_insert (seen, (gpointer) members[i].key, &members[i]);
    }
  return TRUE;
}

static gboolean
parse_object (Parser            *parser,
              const KbdJsonPath *path,
              guint              depth,
              KbdJsonValue      *value)
{
  guint base = parser->member_stack->len;
  guint32 n;

  parser->p++; /* { */
  skip_whitespace (parser);

  if (parser->p < parser->end && *parser->p == '}')
    {
      parser->p++;
      value->v.object.members = NULL;
      value->v.object.n = 0;
      return TRUE;
    }

  for (;;)
    {
      KbdJsonMember member;
      KbdJsonPath child;

      if (parser->p >= parser->end || *parser->p != '"')
        {
          if (parser->p < parser->end && *parser->p == '}')
            return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                                _("a trailing comma is not allowed before “}”"));
          if (parser->p < parser->end && *parser->p == '\'')
            return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                                _("keys need double quotes"));
          return parser_fail_unexpected (parser, path, _("a key in double quotes"));
        }

      member.line = parser->line;
      member.column = parser_column (parser, parser->p);
      if (!parse_string (parser, path, &member.key, &member.key_len))
        return FALSE;

      skip_whitespace (parser);
      if (parser->p >= parser->end || *parser->p != ':')
        return parser_fail_unexpected (parser, path, _("“:” after a key"));
      parser->p++;
      skip_whitespace (parser);

      child.parent = path;
      child.key = member.key;
      child.key_len = member.key_len;
      child.index = 0;
      if (!parse_value (parser, &child, depth + 1, &member.value))
        return FALSE;
      g_array_append_val (parser->member_stack, member);

      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          skip_whitespace (parser);
          continue;
        }
      if (parser->p < parser->end && *parser->p == '}')
        {
          parser->p++;
          break;
        }
      return parser_fail_unexpected (parser, path, _("“,” or “}”"));
    }

  n = parser->member_stack->len - base;
  value->v.object.n = n;
  value->v.object.members = arena_alloc (parser->doc, n * sizeof (KbdJsonMember));
  memcpy (value->v.object.members,
          &g_array_index (parser->member_stack, KbdJsonMember, base),
          n * sizeof (KbdJsonMember));
  g_array_set_size (parser->member_stack, base);

  return check_duplicates (parser, path, value->v.object.members, n);
}

static gboolean
parse_array (Parser            *parser,
             const KbdJsonPath *path,
             guint              depth,
             KbdJsonValue      *value)
{
  guint base = parser->item_stack->len;
  gsize index = 0;
  guint32 n;

  parser->p++; /* [ */
  skip_whitespace (parser);

  if (parser->p < parser->end && *parser->p == ']')
    {
      parser->p++;
      value->v.array.items = NULL;
      value->v.array.n = 0;
      return TRUE;
    }

  for (;;)
    {
      KbdJsonValue *item;
      KbdJsonPath child = { path, NULL, 0, index++ };

      if (parser->p < parser->end && *parser->p == ']')
        return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                            _("a trailing comma is not allowed before “]”"));

      if (!parse_value (parser, &child, depth + 1, &item))
        return FALSE;
      g_ptr_array_add (parser->item_stack, item);

      skip_whitespace (parser);
      if (parser->p < parser->end && *parser->p == ',')
        {
          parser->p++;
          skip_whitespace (parser);
          continue;
        }
      if (parser->p < parser->end && *parser->p == ']')
        {
          parser->p++;
          break;
        }
      return parser_fail_unexpected (parser, path, _("“,” or “]”"));
    }

  n = parser->item_stack->len - base;
  value->v.array.n = n;
  value->v.array.items = arena_alloc (parser->doc, n * sizeof (KbdJsonValue *));
  memcpy (value->v.array.items, &parser->item_stack->pdata[base],
          n * sizeof (KbdJsonValue *));
  g_ptr_array_set_size (parser->item_stack, base);
  return TRUE;
}

static gboolean
parse_value (Parser            *parser,
             const KbdJsonPath *path,
             guint              depth,
             KbdJsonValue     **out)
{
  KbdJsonValue *value;
  char c;

  if (parser->p >= parser->end)
    return parser_fail_unexpected (parser, path, _("a value"));

  c = *parser->p;
  switch (c)
    {
    case '{':
    case '[':
      if (depth >= parser->limits.max_depth)
        return parser_fail (parser, parser->p, path, KBD_ERROR_TOO_DEEP,
                            _("arrays and objects are nested deeper than %u levels"),
                            parser->limits.max_depth);
      value = new_value (parser, c == '{' ? KBD_JSON_OBJECT : KBD_JSON_ARRAY, parser->p);
      if (c == '{' ? !parse_object (parser, path, depth, value)
                   : !parse_array (parser, path, depth, value))
        return FALSE;
      break;

    case '"':
      value = new_value (parser, KBD_JSON_STRING, parser->p);
      if (!parse_string (parser, path, &value->v.string.str, &value->v.string.len))
        return FALSE;
      break;

    case 't':
    case 'f':
    case 'n':
      value = new_value (parser, KBD_JSON_NULL, parser->p);
      if (match_literal (parser, "true"))
        {
          value->type = KBD_JSON_BOOLEAN;
          value->v.boolean = TRUE;
        }
      else if (match_literal (parser, "false"))
        {
          value->type = KBD_JSON_BOOLEAN;
          value->v.boolean = FALSE;
        }
      else if (!match_literal (parser, "null"))
        return parser_fail_unexpected (parser, path, _("a value"));
      break;

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      value = new_value (parser, KBD_JSON_INTEGER, parser->p);
      if (!parse_number (parser, path, value))
        return FALSE;
      break;

    case '\'':
      return parser_fail (parser, parser->p, path, KBD_ERROR_SYNTAX,
                          _("strings need double quotes"));

    default:
      return parser_fail_unexpected (parser, path, _("a value"));
    }

  *out = value;
  return TRUE;
}

static void
locate (const char *start,
        const char *at,
        guint32    *line,
        guint32    *column)
{
  const char *line_start = start;

  *line = 1;
  for (const char *p = start; p < at; p++)
    if (*p == '\n')
      {
        (*line)++;
        line_start = p + 1;
      }
  *column = (guint32) (at - line_start) + 1;
}

KbdJsonDoc *
kbd_json_doc_parse (const char          *data,
                    gsize                len,
                    const char          *display_name,
                    const KbdJsonLimits *limits,
                    GError             **error)
{
  g_autoptr(KbdJsonDoc) doc = NULL;
  Parser parser = { 0 };
  const char *invalid = NULL;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  if (len >= G_MAXUINT32)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE,
                   _("%s: the file is too large"), display_name);
      return NULL;
    }

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                   _("%s:1:1: the file starts with a byte order mark; save it as UTF-8 without one"),
                   display_name);
      return NULL;
    }

  if (len >= 2 && ((guchar) data[0] == 0xFF || (guchar) data[0] == 0xFE) &&
      ((guchar) data[1] == 0xFF || (guchar) data[1] == 0xFE))
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                   _("%s:1:1: the file is UTF-16; save it as UTF-8"),
                   display_name);
      return NULL;
    }

  /* One tight pass over the raw bytes: UTF-8 and no NUL anywhere. */
  if (!g_utf8_validate_len (data, len, &invalid))
    {
      guint32 line, column;

      locate (data, invalid, &line, &column);
      if (*invalid == '\0')
        g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                     _("%s:%u:%u: the file contains a NUL byte (is it UTF-16 or binary?)"),
                     display_name, line, column);
      else
        g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING,
                     _("%s:%u:%u: byte 0x%02x is not UTF-8 (is the file Latin-1?); save it as UTF-8"),
                     display_name, line, column, (guchar) *invalid);
      return NULL;
    }

  doc = g_new0 (KbdJsonDoc, 1);
  parser.doc = doc;
  parser.start = data;
  parser.p = data;
  parser.end = data + len;
  parser.line_start = data;
  parser.line = 1;
  parser.display_name = display_name;
  parser.limits = *limits;
  parser.error = error;
  parser.item_stack = g_ptr_array_new ();
  parser.member_stack = g_array_new (FALSE, FALSE, sizeof (KbdJsonMember));
  parser.scratch = g_string_new (NULL);

  skip_whitespace (&parser);
  if (parser.p >= parser.end)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_EMPTY,
                   len == 0 ? _("%s: the file is empty")
                            : _("%s: the file contains only white space"),
                   display_name);
      ok = FALSE;
    }
  else
    ok = parse_value (&parser, NULL, 0, &doc->root);

  if (ok)
    {
      skip_whitespace (&parser);
      if (parser.p < parser.end)
        ok = parser_fail (&parser, parser.p, NULL, KBD_ERROR_TRAILING_DATA,
                          *parser.p == '/'
                            ? _("a comment after the top-level value is not allowed")
                            : _("something follows the top-level value; a file holds one value"));
    }

  g_ptr_array_unref (parser.item_stack);
  g_array_unref (parser.member_stack);
  g_string_free (parser.scratch, TRUE);

  if (!ok)
    return NULL;

  return g_steal_pointer (&doc);
}

/* Reading a tree -------------------------------------------------------- */

gboolean
kbd_json_reader_fail (KbdJsonReader     *loader,
         guint              line,
         guint              column,
         const KbdJsonPath *path,
         int                code,
         const char        *format,
         ...)
{
  g_autofree char *message = NULL;
  g_autofree char *path_str = NULL;
  g_autofree char *full = NULL;
  va_list args;

  if (loader->error == NULL || *loader->error != NULL)
    return FALSE;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  path_str = kbd_json_path_to_string (path);
  if (path_str[0] != '\0')
    full = g_strdup_printf ("%s:%u:%u: %s: %s",
                            loader->display_name, line, column, path_str, message);
  else
    full = g_strdup_printf ("%s:%u:%u: %s",
                            loader->display_name, line, column, message);
  set_error_escaped (loader->error, code, full);
  return FALSE;
}

gboolean
kbd_json_reader_expect_type (KbdJsonReader      *loader,
             const KbdJsonValue *value,
             const KbdJsonPath  *path,
             KbdJsonType         type)
{
  if (value->type == type)
    return TRUE;

  return kbd_json_reader_fail (loader, value->line, value->column, path, KBD_ERROR_WRONG_TYPE,
                  _("expected %s, found %s"),
                  kbd_json_type_name (type), kbd_json_type_name (value->type));
}

/* Refuses members of @object that are not in @allowed. */
gboolean
kbd_json_reader_check_fields (KbdJsonReader      *loader,
              const KbdJsonValue *object,
              const KbdJsonPath  *path,
              const char *const  *allowed)
{
  for (guint32 i = 0; i < object->v.object.n; i++)
    {
      const KbdJsonMember *member = &object->v.object.members[i];

      if (!g_strv_contains (allowed, member->key))
        {
          KbdJsonPath child = { path, member->key, member->key_len, 0 };
          g_autofree char *allowed_list = g_strjoinv (", ", (char **) allowed);

          return kbd_json_reader_fail (loader, member->line, member->column, &child,
                          KBD_ERROR_UNKNOWN_FIELD,
                          _("unknown field; the format allows: %s"), allowed_list);
        }
    }
  return TRUE;
}

const KbdJsonValue *
kbd_json_reader_get_field (KbdJsonReader      *loader,
           const KbdJsonValue *object,
           const KbdJsonPath  *path,
           const char         *key,
           gboolean            required)
{
  const KbdJsonValue *value = kbd_json_object_get (object, key);

  if (value == NULL && required)
    {
      KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

      kbd_json_reader_fail (loader, object->line, object->column, &child, KBD_ERROR_MISSING_FIELD,
               _("the required field “%s” is missing"), key);
    }
  return value;
}

