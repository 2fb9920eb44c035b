/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-json: the strict JSON parser (kbd-json.c, kbd_json_doc_parse), the
 * only way untrusted JSON enters the library.
 *
 * The input is parsed by three parsers:
 *
 *  - kbd_json_doc_parse(), with the article limits (depth 32, strings of
 *    64 KiB) and with tight limits (depth 8, strings of 64 bytes), so the
 *    limit paths are reached by small inputs too;
 *  - a small strict RFC 8259 recogniser written here (ref_*), independent of
 *    the library, that records which of the format's extra rules the input
 *    breaks (duplicate keys, \u0000, lone surrogates, integers beyond 64
 *    bits, numbers beyond a double, nesting, string length);
 *  - json-glib's JsonParser, as the oracle for the values.
 *
 * Invariants:
 *
 *  1. kbd accepts the input exactly when the recogniser says it is strict
 *     RFC 8259 JSON that breaks none of the extra rules within the limits.
 *     (This is the "accepts exactly what json-glib accepts, for strict JSON
 *     without duplicate keys" invariant, made exact: json-glib is lenient
 *     (it accepts duplicate keys, truncates at \u0000, has no depth limit
 *     and its scanner takes more than RFC 8259), so it cannot decide
 *     strictness; the recogniser does, and json-glib checks the values.)
 *  2. A rejection is a GError in KBD_ERROR with a parse-level code, a message
 *     that names the document and has no control characters; when the cause
 *     is unambiguous (bad encoding, only white space, or exactly one of the
 *     extra rules broken in otherwise valid JSON) the code is the documented
 *     one (docs/kb-format.md, "JSON rules").
 *  3. An accepted document has the same tree as json-glib's (types, values,
 *     member order and keys, array items); strings are UTF-8 without NUL.
 *  4. Every value's and key's line:column points at its first byte.
 *  5. Limits are monotonic: what parses with the tight limits parses with
 *     the article limits to the same tree.
 */
#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "fuzz-common.h"
#include "kbd-json-private.h"

#define REF_MAX_RECURSION 64

/* The reference recogniser ------------------------------------------------ */

typedef struct
{
  const guchar *start;
  const guchar *p;
  const guchar *end;
  gboolean grammar_error;   /* not RFC 8259 JSON (or too deep to tell) */
  gboolean duplicate_key;
  gboolean nul_escape;
  gboolean lone_surrogate;
  gboolean number_range;
  guint max_depth;          /* deepest container nesting, root container = 1 */
  gsize max_string;         /* longest decoded string or key, in bytes */
  GString *scratch;
} Ref;

/* RFC 3629 UTF-8, written out here rather than taken from GLib. A NUL byte
 * is valid UTF-8 but can never be part of JSON text; it counts as bad
 * encoding, as the format documents. */
static gboolean
ref_utf8_valid (const guchar *s,
                gsize         len)
{
  gsize i = 0;

  while (i < len)
    {
      guchar c = s[i];
      guint32 cp;
      guint n;

      if (c == 0)
        return FALSE;
      if (c < 0x80)
        {
          i++;
          continue;
        }
      if (c >= 0xC2 && c <= 0xDF)
        n = 1, cp = c & 0x1F;
      else if (c >= 0xE0 && c <= 0xEF)
        n = 2, cp = c & 0x0F;
      else if (c >= 0xF0 && c <= 0xF4)
        n = 3, cp = c & 0x07;
      else
        return FALSE;
      if (len - i - 1 < n)
        return FALSE;
      for (guint k = 1; k <= n; k++)
        {
          if ((s[i + k] & 0xC0) != 0x80)
            return FALSE;
          cp = (cp << 6) | (s[i + k] & 0x3F);
        }
      if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
          (cp >= 0xD800 && cp <= 0xDFFF))
        return FALSE;
      i += n + 1;
    }
  return TRUE;
}

static void
ref_ws (Ref *ref)
{
  while (ref->p < ref->end &&
         (*ref->p == ' ' || *ref->p == '\t' || *ref->p == '\n' || *ref->p == '\r'))
    ref->p++;
}

static int
ref_hex4 (Ref *ref)
{
  int value = 0;

  if (ref->end - ref->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      guchar c = ref->p[i];

      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= c - '0';
      else if (c >= 'a' && c <= 'f')
        value |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        value |= c - 'A' + 10;
      else
        return -1;
    }
  ref->p += 4;
  return value;
}

/* A string at the opening quote; the decoded bytes are left in scratch. */
static gboolean
ref_string (Ref *ref)
{
  GString *out = ref->scratch;

  g_string_truncate (out, 0);
  ref->p++; /* " */
  for (;;)
    {
      guchar c;

      if (ref->p >= ref->end)
        return FALSE;
      c = *ref->p;
      if (c == '"')
        {
          ref->p++;
          break;
        }
      if (c < 0x20)
        return FALSE;
      if (c != '\\')
        {
          g_string_append_c (out, (char) c);
          ref->p++;
          continue;
        }
      if (ref->p + 1 >= ref->end)
        return FALSE;
      c = ref->p[1];
      ref->p += 2;
      switch (c)
        {
        case '"': case '\\': case '/':
          g_string_append_c (out, (char) c);
          break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            int cp = ref_hex4 (ref);

            if (cp < 0)
              return FALSE;
            if (cp == 0)
              {
                ref->nul_escape = TRUE;
                g_string_append_c (out, '\0');
                break;
              }
            if (cp >= 0xD800 && cp <= 0xDBFF &&
                ref->end - ref->p >= 6 && ref->p[0] == '\\' && ref->p[1] == 'u')
              {
                const guchar *save = ref->p;
                int low;

                ref->p += 2;
                low = ref_hex4 (ref);
                if (low >= 0xDC00 && low <= 0xDFFF)
                  {
                    g_string_append_unichar (out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
                    break;
                  }
                ref->p = save; /* the next escape is read on its own */
              }
            if (cp >= 0xD800 && cp <= 0xDFFF)
              {
                ref->lone_surrogate = TRUE;
                g_string_append_unichar (out, 0xFFFD);
                break;
              }
            g_string_append_unichar (out, (gunichar) cp);
          }
          break;
        default:
          return FALSE;
        }
    }

  ref->max_string = MAX (ref->max_string, out->len);
  return TRUE;
}

static gboolean
ref_number (Ref *ref)
{
  const guchar *start = ref->p;
  const guchar *digits;
  gboolean integral = TRUE;
  gboolean negative = FALSE;

  if (*ref->p == '-')
    {
      negative = TRUE;
      ref->p++;
    }
  digits = ref->p;
  if (ref->p >= ref->end || !g_ascii_isdigit (*ref->p))
    return FALSE;
  if (*ref->p == '0')
    ref->p++;
  else
    while (ref->p < ref->end && g_ascii_isdigit (*ref->p))
      ref->p++;

  if (ref->p < ref->end && *ref->p == '.')
    {
      integral = FALSE;
      ref->p++;
      if (ref->p >= ref->end || !g_ascii_isdigit (*ref->p))
        return FALSE;
      while (ref->p < ref->end && g_ascii_isdigit (*ref->p))
        ref->p++;
    }
  if (ref->p < ref->end && (*ref->p == 'e' || *ref->p == 'E'))
    {
      integral = FALSE;
      ref->p++;
      if (ref->p < ref->end && (*ref->p == '+' || *ref->p == '-'))
        ref->p++;
      if (ref->p >= ref->end || !g_ascii_isdigit (*ref->p))
        return FALSE;
      while (ref->p < ref->end && g_ascii_isdigit (*ref->p))
        ref->p++;
    }

  if (integral)
    {
      /* Compare the digits with the int64 limits as text. */
      const char *limit = negative ? "9223372036854775808" : "9223372036854775807";
      gsize n = ref->p - digits;

      if (n > 19 || (n == 19 && memcmp (digits, limit, 19) > 0))
        ref->number_range = TRUE;
    }
  else
    {
      g_autofree char *token = g_strndup ((const char *) start, ref->p - start);

      if (!isfinite (g_ascii_strtod (token, NULL)))
        ref->number_range = TRUE;
    }
  return TRUE;
}

static gboolean ref_value (Ref *ref, guint depth);

static gboolean
ref_object (Ref  *ref,
            guint depth)
{
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, NULL);

  ref->p++; /* { */
  ref_ws (ref);
  if (ref->p < ref->end && *ref->p == '}')
    {
      ref->p++;
      return TRUE;
    }
  for (;;)
    {
      GBytes *key;

      if (ref->p >= ref->end || *ref->p != '"' || !ref_string (ref))
        return FALSE;
      key = g_bytes_new (ref->scratch->str, ref->scratch->len);
      if (g_hash_table_contains (keys, key))
        {
          ref->duplicate_key = TRUE;
          g_bytes_unref (key);
        }
      else
        g_hash_table_add (keys, key);

      ref_ws (ref);
      if (ref->p >= ref->end || *ref->p != ':')
        return FALSE;
      ref->p++;
      ref_ws (ref);
      if (!ref_value (ref, depth))
        return FALSE;
      ref_ws (ref);
      if (ref->p < ref->end && *ref->p == ',')
        {
          ref->p++;
          ref_ws (ref);
          continue;
        }
      if (ref->p < ref->end && *ref->p == '}')
        {
          ref->p++;
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
ref_array (Ref  *ref,
           guint depth)
{
  ref->p++; /* [ */
  ref_ws (ref);
  if (ref->p < ref->end && *ref->p == ']')
    {
      ref->p++;
      return TRUE;
    }
  for (;;)
    {
      if (!ref_value (ref, depth))
        return FALSE;
      ref_ws (ref);
      if (ref->p < ref->end && *ref->p == ',')
        {
          ref->p++;
          ref_ws (ref);
          continue;
        }
      if (ref->p < ref->end && *ref->p == ']')
        {
          ref->p++;
          return TRUE;
        }
      return FALSE;
    }
}

static gboolean
ref_literal (Ref        *ref,
             const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (ref->end - ref->p) < n || memcmp (ref->p, word, n) != 0)
    return FALSE;
  ref->p += n;
  return TRUE;
}

/* @depth: containers around this value. */
static gboolean
ref_value (Ref  *ref,
           guint depth)
{
  if (ref->p >= ref->end)
    return FALSE;

  switch (*ref->p)
    {
    case '{':
    case '[':
      ref->max_depth = MAX (ref->max_depth, depth + 1);
      if (depth + 1 > REF_MAX_RECURSION)
        return FALSE; /* deeper than any limit: rejected whatever follows */
      return *ref->p == '{' ? ref_object (ref, depth + 1) : ref_array (ref, depth + 1);
    case '"':
      return ref_string (ref);
    case 't':
      return ref_literal (ref, "true");
    case 'f':
      return ref_literal (ref, "false");
    case 'n':
      return ref_literal (ref, "null");
    default:
      if (*ref->p == '-' || g_ascii_isdigit (*ref->p))
        return ref_number (ref);
      return FALSE;
    }
}

typedef enum
{
  REF_ENCODING,
  REF_EMPTY,
  REF_PARSED,  /* see the flags */
} RefResult;

static RefResult
ref_check (Ref          *ref,
           const guchar *data,
           gsize         len)
{
  memset (ref, 0, sizeof *ref);
  ref->start = ref->p = data;
  ref->end = data + len;

  if (len >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    return REF_ENCODING;
  if (!ref_utf8_valid (data, len))
    return REF_ENCODING;

  ref_ws (ref);
  if (ref->p >= ref->end)
    return REF_EMPTY;

  ref->scratch = g_string_new (NULL);
  if (!ref_value (ref, 0))
    ref->grammar_error = TRUE;
  else
    {
      ref_ws (ref);
      if (ref->p < ref->end)
        ref->grammar_error = TRUE;
    }
  g_string_free (ref->scratch, TRUE);
  ref->scratch = NULL;
  return REF_PARSED;
}

/* Comparing trees ---------------------------------------------------------- */

typedef struct
{
  const guchar *data;
  gsize len;
  GArray *line_starts; /* gsize offsets, index 0 = line 1 */
} Positions;

static void
check_position (Positions  *pos,
                guint32     line,
                guint32     column,
                const char *expected_chars)
{
  gsize offset;

  FUZZ_CHECK (line >= 1 && line <= pos->line_starts->len,
              "line %u is outside the document (%u lines)", line, pos->line_starts->len);
  FUZZ_CHECK (column >= 1, "column 0 on line %u", line);
  offset = g_array_index (pos->line_starts, gsize, line - 1) + column - 1;
  FUZZ_CHECK (offset < pos->len, "%u:%u is past the end of the document", line, column);
  FUZZ_CHECK (strchr (expected_chars, pos->data[offset]) != NULL && pos->data[offset] != '\0',
              "%u:%u points at '%c', expected one of \"%s\"",
              line, column, pos->data[offset], expected_chars);
}

static void
compare_trees (const KbdJsonValue *value,
               JsonNode           *node,
               Positions          *pos,
               guint               depth)
{
  switch (value->type)
    {
    case KBD_JSON_NULL:
      check_position (pos, value->line, value->column, "n");
      if (node != NULL)
        FUZZ_CHECK (JSON_NODE_HOLDS_NULL (node), "kbd null, json-glib %s", json_node_type_name (node));
      break;

    case KBD_JSON_BOOLEAN:
      check_position (pos, value->line, value->column, value->v.boolean ? "t" : "f");
      if (node != NULL)
        {
          FUZZ_CHECK (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN,
                      "kbd boolean, json-glib %s", json_node_type_name (node));
          FUZZ_CHECK (!!json_node_get_boolean (node) == !!value->v.boolean, "booleans differ");
        }
      break;

    case KBD_JSON_INTEGER:
      check_position (pos, value->line, value->column, "-0123456789");
      if (node != NULL)
        {
          FUZZ_CHECK (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64,
                      "kbd integer %" G_GINT64_FORMAT ", json-glib %s", value->v.integer,
                      json_node_type_name (node));
          FUZZ_CHECK (json_node_get_int (node) == value->v.integer,
                      "integers differ: kbd %" G_GINT64_FORMAT ", json-glib %" G_GINT64_FORMAT,
                      value->v.integer, json_node_get_int (node));
        }
      break;

    case KBD_JSON_DOUBLE:
      check_position (pos, value->line, value->column, "-0123456789");
      FUZZ_CHECK (isfinite (value->v.number), "a non-finite double was accepted");
      if (node != NULL)
        {
          FUZZ_CHECK (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE,
                      "kbd double %.17g, json-glib %s", value->v.number, json_node_type_name (node));
          FUZZ_CHECK (json_node_get_double (node) == value->v.number,
                      "doubles differ: kbd %.17g, json-glib %.17g",
                      value->v.number, json_node_get_double (node));
        }
      break;

    case KBD_JSON_STRING:
      check_position (pos, value->line, value->column, "\"");
      FUZZ_CHECK (value->v.string.str[value->v.string.len] == '\0', "string not NUL-terminated");
      FUZZ_CHECK (strlen (value->v.string.str) == value->v.string.len, "string contains NUL");
      FUZZ_CHECK (g_utf8_validate (value->v.string.str, value->v.string.len, NULL),
                  "string is not UTF-8");
      if (node != NULL)
        {
          const char *other;

          FUZZ_CHECK (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING,
                      "kbd string, json-glib %s", json_node_type_name (node));
          other = json_node_get_string (node);
          FUZZ_CHECK (strlen (other) == value->v.string.len &&
                      memcmp (other, value->v.string.str, value->v.string.len) == 0,
                      "strings differ: kbd \"%s\", json-glib \"%s\"", value->v.string.str, other);
        }
      break;

    case KBD_JSON_ARRAY:
      check_position (pos, value->line, value->column, "[");
      if (node != NULL)
        {
          JsonArray *array;

          FUZZ_CHECK (JSON_NODE_HOLDS_ARRAY (node), "kbd array, json-glib %s", json_node_type_name (node));
          array = json_node_get_array (node);
          FUZZ_CHECK (json_array_get_length (array) == value->v.array.n,
                      "array lengths differ: kbd %u, json-glib %u",
                      value->v.array.n, json_array_get_length (array));
        }
      for (guint32 i = 0; i < value->v.array.n; i++)
        compare_trees (value->v.array.items[i],
                       node != NULL ? json_array_get_element (json_node_get_array (node), i) : NULL,
                       pos, depth + 1);
      break;

    case KBD_JSON_OBJECT:
      check_position (pos, value->line, value->column, "{");
      if (node != NULL)
        {
          JsonObject *object;

          FUZZ_CHECK (JSON_NODE_HOLDS_OBJECT (node), "kbd object, json-glib %s", json_node_type_name (node));
          object = json_node_get_object (node);
          FUZZ_CHECK (json_object_get_size (object) == value->v.object.n,
                      "object sizes differ: kbd %u, json-glib %u",
                      value->v.object.n, json_object_get_size (object));
        }
      for (guint32 i = 0; i < value->v.object.n; i++)
        {
          const KbdJsonMember *member = &value->v.object.members[i];
          JsonNode *child = NULL;

          check_position (pos, member->line, member->column, "\"");
          FUZZ_CHECK (strlen (member->key) == member->key_len, "key contains NUL");
          FUZZ_CHECK (g_utf8_validate (member->key, member->key_len, NULL), "key is not UTF-8");
          FUZZ_CHECK (kbd_json_object_get (value, member->key) == member->value,
                      "kbd_json_object_get does not find key \"%s\"", member->key);
          if (node != NULL)
            {
              JsonObject *object = json_node_get_object (node);

              child = json_object_get_member (object, member->key);
              FUZZ_CHECK (child != NULL, "json-glib has no member \"%s\"", member->key);
            }
          compare_trees (member->value, child, pos, depth + 1);
        }
      break;

    default:
      FUZZ_CHECK (FALSE, "unknown value type %d", value->type);
    }
}

/* Two kbd trees (two limit sets) must be identical. */
static void
compare_kbd_trees (const KbdJsonValue *a,
                   const KbdJsonValue *b)
{
  FUZZ_CHECK (a->type == b->type && a->line == b->line && a->column == b->column,
              "the trees differ between limit sets");
  switch (a->type)
    {
    case KBD_JSON_BOOLEAN:
      FUZZ_CHECK (!!a->v.boolean == !!b->v.boolean, "booleans differ between limit sets");
      break;
    case KBD_JSON_INTEGER:
      FUZZ_CHECK (a->v.integer == b->v.integer, "integers differ between limit sets");
      break;
    case KBD_JSON_DOUBLE:
      FUZZ_CHECK (memcmp (&a->v.number, &b->v.number, sizeof (double)) == 0,
                  "doubles differ between limit sets");
      break;
    case KBD_JSON_STRING:
      FUZZ_CHECK (a->v.string.len == b->v.string.len &&
                  memcmp (a->v.string.str, b->v.string.str, a->v.string.len) == 0,
                  "strings differ between limit sets");
      break;
    case KBD_JSON_ARRAY:
      FUZZ_CHECK (a->v.array.n == b->v.array.n, "arrays differ between limit sets");
      for (guint32 i = 0; i < a->v.array.n; i++)
        compare_kbd_trees (a->v.array.items[i], b->v.array.items[i]);
      break;
    case KBD_JSON_OBJECT:
      FUZZ_CHECK (a->v.object.n == b->v.object.n, "objects differ between limit sets");
      for (guint32 i = 0; i < a->v.object.n; i++)
        {
          FUZZ_CHECK (a->v.object.members[i].key_len == b->v.object.members[i].key_len &&
                      memcmp (a->v.object.members[i].key, b->v.object.members[i].key,
                              a->v.object.members[i].key_len) == 0,
                      "keys differ between limit sets");
          compare_kbd_trees (a->v.object.members[i].value, b->v.object.members[i].value);
        }
      break;
    case KBD_JSON_NULL:
    default:
      break;
    }
}

/* One limit set ------------------------------------------------------------ */

static KbdJsonDoc *
parse_and_check (const guchar        *data,
                 gsize                len,
                 const Ref           *ref,
                 RefResult            ref_result,
                 const KbdJsonLimits *limits,
                 Positions           *pos)
{
  g_autoptr(GError) error = NULL;
  KbdJsonDoc *doc;
  gboolean expect_ok;
  guint n_rules = 0;
  int rule_code = -1;

  doc = kbd_json_doc_parse ((const char *) data, len, "fuzz.json", limits, &error);
  FUZZ_CHECK ((doc == NULL) != (error == NULL), "kbd_json_doc_parse returned %s with %s",
              doc ? "a document" : "NULL", error ? "an error" : "no error");

  /* Which extra rules does the input break? */
  if (ref_result == REF_PARSED && !ref->grammar_error)
    {
#define RULE(cond, code) if (cond) { n_rules++; rule_code = (code); }
      RULE (ref->duplicate_key, KBD_ERROR_DUPLICATE_KEY);
      RULE (ref->nul_escape || ref->lone_surrogate, KBD_ERROR_INVALID_ESCAPE);
      RULE (ref->number_range, KBD_ERROR_NUMBER_RANGE);
      RULE (ref->max_depth > limits->max_depth, KBD_ERROR_TOO_DEEP);
      RULE (ref->max_string > limits->max_string_bytes, KBD_ERROR_LIMIT_EXCEEDED);
#undef RULE
    }
  expect_ok = ref_result == REF_PARSED && !ref->grammar_error && n_rules == 0;

  if (doc == NULL)
    {
      fuzz_check_kbd_error (error, "kbd_json_doc_parse");
      FUZZ_CHECK (!expect_ok,
                  "strict JSON (depth %u, longest string %" G_GSIZE_FORMAT ") was refused: %s",
                  ref->max_depth, ref->max_string, error->message);
      FUZZ_CHECK (g_str_has_prefix (error->message, "fuzz.json"),
                  "the message does not name the document: %s", error->message);
      FUZZ_CHECK (!fuzz_has_control_chars (error->message, FALSE),
                  "the message carries control characters");
      switch (ref_result)
        {
        case REF_ENCODING:
          FUZZ_CHECK (error->code == KBD_ERROR_ENCODING,
                      "bad encoding reported as code %d: %s", error->code, error->message);
          break;
        case REF_EMPTY:
          FUZZ_CHECK (error->code == KBD_ERROR_EMPTY,
                      "an empty document reported as code %d: %s", error->code, error->message);
          break;
        case REF_PARSED:
        default:
          FUZZ_CHECK (error->code == KBD_ERROR_SYNTAX || error->code == KBD_ERROR_INVALID_ESCAPE ||
                      error->code == KBD_ERROR_DUPLICATE_KEY || error->code == KBD_ERROR_TRAILING_DATA ||
                      error->code == KBD_ERROR_TOO_DEEP || error->code == KBD_ERROR_NUMBER_RANGE ||
                      error->code == KBD_ERROR_LIMIT_EXCEEDED,
                      "code %d is not a parse error: %s", error->code, error->message);
          if (!ref->grammar_error && n_rules == 1)
            FUZZ_CHECK (error->code == rule_code,
                        "the only problem should be reported as code %d, got %d: %s",
                        rule_code, error->code, error->message);
          break;
        }
      return NULL;
    }

  FUZZ_CHECK (expect_ok,
              "accepted, but the recogniser says: encoding/empty=%d grammar=%d dup=%d nul=%d "
              "lone=%d range=%d depth=%u (max %u) string=%" G_GSIZE_FORMAT " (max %" G_GSIZE_FORMAT ")",
              ref_result != REF_PARSED, ref->grammar_error, ref->duplicate_key, ref->nul_escape,
              ref->lone_surrogate, ref->number_range, ref->max_depth, limits->max_depth,
              ref->max_string, limits->max_string_bytes);
  FUZZ_CHECK (kbd_json_doc_get_root (doc) != NULL, "a document without a root");
  return doc;
}

static const KbdJsonLimits article_limits = { 32, 65536 };
static const KbdJsonLimits tight_limits = { 8, 64 };

FUZZ_DEFINE_INITIALIZE

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  Ref ref;
  RefResult ref_result;
  KbdJsonDoc *doc, *tight_doc;
  Positions pos;

  /* Larger inputs only slow the fuzzer down; the parser is linear. */
  if (size > 256 * 1024)
    return -1;

  ref_result = ref_check (&ref, data, size);

  pos.data = data;
  pos.len = size;
  pos.line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  {
    gsize zero = 0;

    g_array_append_val (pos.line_starts, zero);
    for (gsize i = 0; i < size; i++)
      if (data[i] == '\n')
        {
          gsize next = i + 1;
          g_array_append_val (pos.line_starts, next);
        }
  }

  doc = parse_and_check (data, size, &ref, ref_result, &article_limits, &pos);
  tight_doc = parse_and_check (data, size, &ref, ref_result, &tight_limits, &pos);

  if (tight_doc != NULL)
    {
      FUZZ_CHECK (doc != NULL, "accepted with tight limits, refused with the article's");
      compare_kbd_trees (kbd_json_doc_get_root (doc), kbd_json_doc_get_root (tight_doc));
    }

  if (doc != NULL)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonNode *root = NULL;

      /* json-glib must read every document the strict parser accepted. */
      FUZZ_CHECK (json_parser_load_from_data (parser, (const char *) data, size, &error),
                  "strict JSON that json-glib refuses: %s", error->message);
      root = json_parser_get_root (parser);
      FUZZ_CHECK (root != NULL, "json-glib returned no root");
      compare_trees (kbd_json_doc_get_root (doc), root, &pos, 0);
    }

  kbd_json_doc_free (doc);
  kbd_json_doc_free (tight_doc);
  g_array_unref (pos.line_starts);
  return 0;
}
