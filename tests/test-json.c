/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbdecide.h"
#include "kbd-json-private.h"

/* Unit tests of the strict JSON parser that every article, snapshot and
 * record passes through before anything is built from it. */

static const KbdJsonLimits default_limits = { 32, 65536 };

/* Parses @len bytes from an exact-size copy without a terminating NUL, so
 * that valgrind sees any read past the end. The tree must not point into
 * the input: the copy is freed before the tree is used. */
static KbdJsonDoc *
parse_len (const char          *text,
           gsize                len,
           const KbdJsonLimits *limits,
           GError             **error)
{
  g_autofree char *copy = len > 0 ? g_memdup2 (text, len) : NULL;

  return kbd_json_doc_parse (copy, len, "test.json", limits, error);
}

static KbdJsonDoc *
parse (const char  *text,
       GError     **error)
{
  return parse_len (text, strlen (text), &default_limits, error);
}

static const KbdJsonValue *
parse_ok (const char  *text,
          KbdJsonDoc **out_doc)
{
  g_autoptr(GError) error = NULL;
  KbdJsonDoc *doc = parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (doc);
  *out_doc = doc;
  return kbd_json_doc_get_root (doc);
}

static const KbdJsonValue *
get (const KbdJsonValue *object,
     const char         *key,
     KbdJsonType         type)
{
  const KbdJsonValue *value = kbd_json_object_get (object, key);

  g_assert_nonnull (value);
  g_assert_cmpint (value->type, ==, type);
  return value;
}

/* Values ------------------------------------------------------------------- */

static void
test_parses_every_value_type (void)
{
  g_autoptr(KbdJsonDoc) doc = NULL;
  const KbdJsonValue *root = parse_ok ("{\"n\":null,\"t\":true,\"f\":false,\"i\":-42,\"z\":-0,"
                                       "\"d\":1.5,\"e\":-1.5E3,\"u\":1e-400,\"s\":\"x y\",\"empty\":\"\","
                                       "\"a\":[1,\"2\",[]],\"o\":{}}", &doc);
  const KbdJsonValue *a;

  g_assert_cmpint (root->type, ==, KBD_JSON_OBJECT);
  g_assert_cmpuint (root->v.object.n, ==, 12);
  g_assert_cmpstr (root->v.object.members[0].key, ==, "n");
  g_assert_cmpstr (root->v.object.members[11].key, ==, "o");

  get (root, "n", KBD_JSON_NULL);
  g_assert_true (get (root, "t", KBD_JSON_BOOLEAN)->v.boolean);
  g_assert_false (get (root, "f", KBD_JSON_BOOLEAN)->v.boolean);
  g_assert_cmpint (get (root, "i", KBD_JSON_INTEGER)->v.integer, ==, -42);
  g_assert_cmpint (get (root, "z", KBD_JSON_INTEGER)->v.integer, ==, 0);
  g_assert_cmpfloat (get (root, "d", KBD_JSON_DOUBLE)->v.number, ==, 1.5);
  g_assert_cmpfloat (get (root, "e", KBD_JSON_DOUBLE)->v.number, ==, -1500.0);
  /* Underflow is not an error: the nearest double is 0. */
  g_assert_cmpfloat (get (root, "u", KBD_JSON_DOUBLE)->v.number, ==, 0.0);
  g_assert_cmpstr (get (root, "s", KBD_JSON_STRING)->v.string.str, ==, "x y");
  g_assert_cmpuint (get (root, "s", KBD_JSON_STRING)->v.string.len, ==, 3);
  g_assert_cmpstr (get (root, "empty", KBD_JSON_STRING)->v.string.str, ==, "");
  g_assert_cmpuint (get (root, "empty", KBD_JSON_STRING)->v.string.len, ==, 0);

  a = get (root, "a", KBD_JSON_ARRAY);
  g_assert_cmpuint (a->v.array.n, ==, 3);
  g_assert_cmpint (a->v.array.items[0]->type, ==, KBD_JSON_INTEGER);
  g_assert_cmpint (a->v.array.items[0]->v.integer, ==, 1);
  g_assert_cmpint (a->v.array.items[1]->type, ==, KBD_JSON_STRING);
  g_assert_cmpstr (a->v.array.items[1]->v.string.str, ==, "2");
  g_assert_cmpint (a->v.array.items[2]->type, ==, KBD_JSON_ARRAY);
  g_assert_cmpuint (a->v.array.items[2]->v.array.n, ==, 0);
  g_assert_cmpuint (get (root, "o", KBD_JSON_OBJECT)->v.object.n, ==, 0);

  g_assert_null (kbd_json_object_get (root, "missing"));
  g_assert_null (kbd_json_object_get (root, ""));
}

static void
test_parses_scalars_at_top_level (void)
{
  static const struct
  {
    const char *text;
    KbdJsonType type;
  } cases[] = {
    { "null", KBD_JSON_NULL },
    { " true ", KBD_JSON_BOOLEAN },
    { "\n7\n", KBD_JSON_INTEGER },
    { "2.5", KBD_JSON_DOUBLE },
    { "\"text\"", KBD_JSON_STRING },
    { "[]", KBD_JSON_ARRAY },
    { "{}", KBD_JSON_OBJECT },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KbdJsonDoc) doc = NULL;
      const KbdJsonValue *root = parse_ok (cases[i].text, &doc);

      g_assert_cmpint (root->type, ==, cases[i].type);
    }
}

static void
test_type_names (void)
{
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_NULL), ==, "null");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_BOOLEAN), ==, "a boolean");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_INTEGER), ==, "an integer");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_DOUBLE), ==, "a number with a fraction");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_STRING), ==, "a string");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_ARRAY), ==, "an array");
  g_assert_cmpstr (kbd_json_type_name (KBD_JSON_OBJECT), ==, "an object");
}

/* Positions ---------------------------------------------------------------- */

static void
test_records_line_and_column (void)
{
  /* Columns count bytes; CR LF ends a line once; a tab is one byte. */
  static const char text[] =
    "{\r\n"
    "  \"a\": {\r\n"
    "\t\"b\": [ 1,\n"
    "      {\"\xc3\xa9\": \"x\"} ],\n"
    "    \"c\":\n"
    "\n"
    "       null }\n"
    "}\n";
  g_autoptr(KbdJsonDoc) doc = NULL;
  const KbdJsonValue *root = parse_ok (text, &doc);
  const KbdJsonValue *a, *b, *inner;
  const KbdJsonMember *member;

  g_assert_cmpuint (root->line, ==, 1);
  g_assert_cmpuint (root->column, ==, 1);

  member = &root->v.object.members[0];
  g_assert_cmpstr (member->key, ==, "a");
  g_assert_cmpuint (member->line, ==, 2);
  g_assert_cmpuint (member->column, ==, 3);
  a = member->value;
  g_assert_cmpuint (a->line, ==, 2);
  g_assert_cmpuint (a->column, ==, 8);

  member = &a->v.object.members[0];
  g_assert_cmpuint (member->line, ==, 3);
  g_assert_cmpuint (member->column, ==, 2);
  b = member->value;
  g_assert_cmpuint (b->line, ==, 3);
  g_assert_cmpuint (b->column, ==, 7);
  g_assert_cmpuint (b->v.array.items[0]->line, ==, 3);
  g_assert_cmpuint (b->v.array.items[0]->column, ==, 9);

  inner = b->v.array.items[1];
  g_assert_cmpuint (inner->line, ==, 4);
  g_assert_cmpuint (inner->column, ==, 7);
  member = &inner->v.object.members[0];
  g_assert_cmpstr (member->key, ==, "\xc3\xa9");
  g_assert_cmpuint (member->key_len, ==, 2);
  g_assert_cmpuint (member->column, ==, 8);
  /* After the two-byte é the value starts at byte column 14. */
  g_assert_cmpuint (member->value->line, ==, 4);
  g_assert_cmpuint (member->value->column, ==, 14);

  member = &a->v.object.members[1];
  g_assert_cmpstr (member->key, ==, "c");
  g_assert_cmpuint (member->line, ==, 5);
  g_assert_cmpuint (member->column, ==, 5);
  g_assert_cmpint (member->value->type, ==, KBD_JSON_NULL);
  g_assert_cmpuint (member->value->line, ==, 7);
  g_assert_cmpuint (member->value->column, ==, 8);
}

/* Numbers ------------------------------------------------------------------ */

static void
test_parses_int64_limits (void)
{
  g_autoptr(KbdJsonDoc) doc = NULL;
  const KbdJsonValue *root = parse_ok ("[-9223372036854775808, 9223372036854775807, "
                                       "-9223372036854775807, 0, -1]", &doc);

  g_assert_cmpuint (root->v.array.n, ==, 5);
  for (guint i = 0; i < root->v.array.n; i++)
    g_assert_cmpint (root->v.array.items[i]->type, ==, KBD_JSON_INTEGER);
  g_assert_cmpint (root->v.array.items[0]->v.integer, ==, G_MININT64);
  g_assert_cmpint (root->v.array.items[1]->v.integer, ==, G_MAXINT64);
  g_assert_cmpint (root->v.array.items[2]->v.integer, ==, -G_MAXINT64);
  g_assert_cmpint (root->v.array.items[3]->v.integer, ==, 0);
  g_assert_cmpint (root->v.array.items[4]->v.integer, ==, -1);
}

static void
test_rejects_integers_beyond_int64 (void)
{
  static const struct
  {
    const char *text;
    const char *message;
  } cases[] = {
    { "9223372036854775808",
      "test.json:1:1: the integer 9223372036854775808 does not fit in 64 bits" },
    { "-9223372036854775809",
      "test.json:1:1: the integer -9223372036854775809 does not fit in 64 bits" },
    { "[1, 18446744073709551616]",
      "test.json:1:5: [1]: the integer 18446744073709551616 does not fit in 64 bits" },
    { "{\"big\": 100000000000000000000000000000}",
      "test.json:1:9: big: the integer 100000000000000000000000000000 does not fit in 64 bits" },
    { "1e400", "test.json:1:1: the number 1e400 is too large" },
    { "-1.0e309", "test.json:1:1: the number -1.0e309 is too large" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdJsonDoc) doc = parse (cases[i].text, &error);

      g_assert_null (doc);
      g_assert_error (error, KBD_ERROR, KBD_ERROR_NUMBER_RANGE);
      g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

/* Strings ------------------------------------------------------------------ */

static void
test_decodes_escapes (void)
{
  static const struct
  {
    const char *json;
    const char *decoded;
    gsize len;
  } cases[] = {
    { "\"line\\nbreak\"", "line\nbreak", 10 },
    { "\"say \\\"hi\\\"\"", "say \"hi\"", 8 },
    { "\"back\\\\slash\"", "back\\slash", 10 },
    { "\"\\/\\b\\f\\r\\t\"", "/\b\f\r\t", 5 },
    { "\"caf\\u00e9\"", "caf\xc3\xa9", 5 },
    { "\"caf\\u00E9\"", "caf\xc3\xa9", 5 },
    { "\"\\u20ac\"", "\xe2\x82\xac", 3 },
    { "\"\\ud83d\\ude00\"", "\xf0\x9f\x98\x80", 4 },
    { "\"\\uD83D\\uDE00!\"", "\xf0\x9f\x98\x80!", 5 },
    { "\"\\udbff\\udfff\"", "\xf4\x8f\xbf\xbf", 4 },
    { "\"raw \xc3\xa9 and \\u00e9\"", "raw \xc3\xa9 and \xc3\xa9", 13 },
    { "\"\\u0001\"", "\x01", 1 },
    { "\"\\u007f\"", "\x7f", 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(KbdJsonDoc) doc = NULL;
      const KbdJsonValue *root = parse_ok (cases[i].json, &doc);

      g_assert_cmpint (root->type, ==, KBD_JSON_STRING);
      g_assert_cmpstr (root->v.string.str, ==, cases[i].decoded);
      g_assert_cmpuint (root->v.string.len, ==, cases[i].len);
    }
}

static void
test_decodes_escaped_keys (void)
{
  g_autoptr(KbdJsonDoc) doc = NULL;
  const KbdJsonValue *root = parse_ok ("{\"\\u0074itle\": 1, \"caf\\u00e9\": 2}", &doc);

  g_assert_cmpint (get (root, "title", KBD_JSON_INTEGER)->v.integer, ==, 1);
  g_assert_cmpint (get (root, "caf\xc3\xa9", KBD_JSON_INTEGER)->v.integer, ==, 2);
  g_assert_cmpuint (root->v.object.members[1].key_len, ==, 5);
}

static void
test_string_limit (void)
{
  static const KbdJsonLimits limits = { 32, 8 };
  static const struct
  {
    const char *text;
    gboolean ok;
  } cases[] = {
    { "\"12345678\"", TRUE },
    { "\"123456789\"", FALSE },
    { "\"\\u00e9\\u00e9\\u00e9\\u00e9\"", TRUE },     /* 8 bytes decoded */
    { "\"\\u00e9\\u00e9\\u00e9\\u00e9a\"", FALSE },   /* 9 */
    { "\"a\\u00e9\\u00e9\\u00e9\\u00e9\"", FALSE },   /* 9 */
    { "\"\\n\\n\\n\\n\\n\\n\\n\\n\"", TRUE },
    { "\"\\n\\n\\n\\n\\n\\n\\n\\n\\n\"", FALSE },
    { "{\"12345678\": 1}", TRUE },
    { "{\"123456789\": 1}", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdJsonDoc) doc = parse_len (cases[i].text, strlen (cases[i].text), &limits, &error);

      if (cases[i].ok)
        {
          g_assert_no_error (error);
          g_assert_nonnull (doc);
        }
      else
        {
          g_assert_null (doc);
          g_assert_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED);
          g_assert_nonnull (strstr (error->message, "a string is longer than 8 bytes"));
        }
    }
}

/* Errors ------------------------------------------------------------------- */

typedef struct
{
  const char *text;
  gsize len;           /* 0: strlen (text) */
  KbdError code;
  const char *message; /* NULL: not checked */
} ErrorCase;

static void
check_error_cases (const ErrorCase *cases,
                   gsize            n_cases)
{
  for (gsize i = 0; i < n_cases; i++)
    {
      gsize len = cases[i].len > 0 ? cases[i].len : strlen (cases[i].text);
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdJsonDoc) doc = parse_len (cases[i].text, len, &default_limits, &error);
      GEnumClass *klass = g_type_class_ref (KBD_TYPE_ERROR);
      g_autofree char *actual = NULL;
      g_autofree char *expected = NULL;

      /* Compared as text so that a failure names the input. */
      g_assert_null (doc);
      g_assert_nonnull (error);
      g_assert_true (error->domain == KBD_ERROR);
      actual = g_strdup_printf ("%s → %s", cases[i].text,
                                g_enum_get_value (klass, error->code)->value_nick);
      expected = g_strdup_printf ("%s → %s", cases[i].text,
                                  g_enum_get_value (klass, cases[i].code)->value_nick);
      g_type_class_unref (klass);
      g_assert_cmpstr (actual, ==, expected);
      g_assert_true (g_str_has_prefix (error->message, "test.json"));
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
    }
}

static void
test_rejects_bad_bytes (void)
{
  static const ErrorCase cases[] = {
    { "", 0, KBD_ERROR_EMPTY, "test.json: the file is empty" },
    { " \t\r\n", 0, KBD_ERROR_EMPTY, "test.json: the file contains only white space" },
    { "\xef\xbb\xbf{}", 0, KBD_ERROR_ENCODING, NULL },
    { "\xff\xfe{\0}\0", 6, KBD_ERROR_ENCODING, "test.json:1:1: the file is UTF-16; save it as UTF-8" },
    { "\xfe\xff\0{\0}", 6, KBD_ERROR_ENCODING, NULL },
    { "{\0\"\0", 4, KBD_ERROR_ENCODING, NULL },
    { "[\"a\0b\"]", 7, KBD_ERROR_ENCODING,
      "test.json:1:4: the file contains a NUL byte (is it UTF-16 or binary?)" },
    { "[\n\"caf\xe9\"]", 0, KBD_ERROR_ENCODING,
      "test.json:2:5: byte 0xe9 is not UTF-8 (is the file Latin-1?); save it as UTF-8" },
    { "\"\xed\xa0\x80\"", 0, KBD_ERROR_ENCODING, NULL },   /* a UTF-8 encoded surrogate */
    { "\"\xc0\xaf\"", 0, KBD_ERROR_ENCODING, NULL },       /* overlong */
    { "\"\xf4\x90\x80\x80\"", 0, KBD_ERROR_ENCODING, NULL }, /* beyond U+10FFFF */
  };

  check_error_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rejects_bad_syntax (void)
{
  static const ErrorCase cases[] = {
    { "[", 0, KBD_ERROR_SYNTAX, "test.json:1:2: [0]: the file ends too early: expected a value" },
    { "{", 0, KBD_ERROR_SYNTAX, NULL },
    { "{\"a\"", 0, KBD_ERROR_SYNTAX, NULL },
    { "{\"a\":", 0, KBD_ERROR_SYNTAX, NULL },
    { "{\"a\":1", 0, KBD_ERROR_SYNTAX, NULL },
    { "[1,]", 0, KBD_ERROR_SYNTAX, "test.json:1:4: a trailing comma is not allowed before “]”" },
    { "{\"a\":1,}", 0, KBD_ERROR_SYNTAX, NULL },
    { "[1 2]", 0, KBD_ERROR_SYNTAX, NULL },
    { "[,1]", 0, KBD_ERROR_SYNTAX, NULL },
    { "{,}", 0, KBD_ERROR_SYNTAX, NULL },
    { "{\"a\" 1}", 0, KBD_ERROR_SYNTAX, NULL },
    { "{1: 2}", 0, KBD_ERROR_SYNTAX, NULL },
    { "{a: 2}", 0, KBD_ERROR_SYNTAX, NULL },
    { "{'a': 2}", 0, KBD_ERROR_SYNTAX, "test.json:1:2: keys need double quotes" },
    { "['a']", 0, KBD_ERROR_SYNTAX, "test.json:1:2: [0]: strings need double quotes" },
    { "// comment\n{}", 0, KBD_ERROR_SYNTAX, "test.json:1:1: comments are not allowed in JSON" },
    { "[1, /* two */ 2]", 0, KBD_ERROR_SYNTAX, NULL },
    { "NaN", 0, KBD_ERROR_SYNTAX, NULL },
    { "[Infinity]", 0, KBD_ERROR_SYNTAX, NULL },
    { "-Infinity", 0, KBD_ERROR_SYNTAX, NULL },
    { "01", 0, KBD_ERROR_SYNTAX, "test.json:1:1: numbers cannot have leading zeros" },
    { "-01", 0, KBD_ERROR_SYNTAX, NULL },
    { "1.", 0, KBD_ERROR_SYNTAX, NULL },
    { ".5", 0, KBD_ERROR_SYNTAX, NULL },
    { "1e", 0, KBD_ERROR_SYNTAX, NULL },
    { "1e+", 0, KBD_ERROR_SYNTAX, NULL },
    { "+1", 0, KBD_ERROR_SYNTAX, NULL },
    { "-", 0, KBD_ERROR_SYNTAX, NULL },
    { "tru", 0, KBD_ERROR_SYNTAX, NULL },
    { "nul", 0, KBD_ERROR_SYNTAX, NULL },
    { "True", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"abc", 0, KBD_ERROR_SYNTAX, "test.json:1:1: the file ends inside a string" },
    { "\"a\nb\"", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"a\tb\"", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"\x1f\"", 0, KBD_ERROR_SYNTAX, NULL },
    /* The file ends inside an escape: truncated, not a bad escape. */
    { "\"\\", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"\\u", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"\\u00", 0, KBD_ERROR_SYNTAX, "test.json:1:4: the file ends inside a \\u escape" },
    { "\"\\ud83d", 0, KBD_ERROR_SYNTAX, "test.json:1:1: the file ends inside a string" },
    { "\"\\ud83d\\", 0, KBD_ERROR_SYNTAX, "test.json:1:1: the file ends inside a string" },
    { "\"\\ud83d\\u", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"\\ud83d\\ude0", 0, KBD_ERROR_SYNTAX, NULL },
    { "\"\\ud83d\\ude00", 0, KBD_ERROR_SYNTAX, "test.json:1:1: the file ends inside a string" },
  };

  check_error_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rejects_bad_escapes (void)
{
  static const ErrorCase cases[] = {
    { "\"\\x41\"", 0, KBD_ERROR_INVALID_ESCAPE, "test.json:1:2: unknown escape “\\x”" },
    { "\"\\'\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\a\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\U00e9\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\u00g9\"", 0, KBD_ERROR_INVALID_ESCAPE,
      "test.json:1:2: a \\u escape needs four hexadecimal digits" },
    /* A bad digit near the end of the file is still a bad digit. */
    { "\"\\u12\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\u0000\"", 0, KBD_ERROR_INVALID_ESCAPE,
      "test.json:1:2: \\u0000 is not allowed: text cannot contain NUL" },
    { "{\"a\\u0000\": 1}", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ud800\"", 0, KBD_ERROR_INVALID_ESCAPE, "test.json:1:2: lone high surrogate \\uD800" },
    { "\"\\udbff\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\udc00\"", 0, KBD_ERROR_INVALID_ESCAPE, "test.json:1:2: lone low surrogate \\uDC00" },
    { "\"\\udfff\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ud83d\\n\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ud83dx\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ud83d\\u0041\"", 0, KBD_ERROR_INVALID_ESCAPE, "test.json:1:2: lone high surrogate \\uD83D" },
    { "\"\\ud83d\\ud83d\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ude00\\ud83d\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
    { "\"\\ud83d\\ude0x\"", 0, KBD_ERROR_INVALID_ESCAPE, NULL },
  };

  check_error_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_rejects_trailing_data (void)
{
  static const ErrorCase cases[] = {
    { "1 2", 0, KBD_ERROR_TRAILING_DATA,
      "test.json:1:3: something follows the top-level value; a file holds one value" },
    { "{} {}", 0, KBD_ERROR_TRAILING_DATA, NULL },
    { "[]]", 0, KBD_ERROR_TRAILING_DATA, NULL },
    { "{}\n\n x", 0, KBD_ERROR_TRAILING_DATA, "test.json:3:2: something follows the top-level value; a file holds one value" },
    { "{}// end", 0, KBD_ERROR_TRAILING_DATA,
      "test.json:1:3: a comment after the top-level value is not allowed" },
    { "truex", 0, KBD_ERROR_TRAILING_DATA, NULL },
    { "\"a\",", 0, KBD_ERROR_TRAILING_DATA, NULL },
    { "{}\0", 3, KBD_ERROR_ENCODING, NULL },
  };

  check_error_cases (cases, G_N_ELEMENTS (cases));
}

static void
test_error_without_location (void)
{
  g_autoptr(KbdJsonDoc) doc = parse_len ("[1,", 3, &default_limits, NULL);

  g_assert_null (doc);
}

/* Duplicate keys ----------------------------------------------------------- */

/* An object with @n distinct keys k0…k(n-1), then @extra. */
static char *
object_with_keys (guint       n,
                  const char *extra)
{
  GString *text = g_string_new ("{");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%s\n\"k%u\": %u", i > 0 ? "," : "", i, i);
  g_string_append (text, extra);
  g_string_append (text, "\n}");
  return g_string_free (text, FALSE);
}

static void
assert_duplicate (const char *text,
                  const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdJsonDoc) doc = parse (text, &error);

  g_assert_null (doc);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_DUPLICATE_KEY);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_detects_duplicate_keys_in_small_objects (void)
{
  g_autofree char *fifteen = object_with_keys (15, ",\n\"k0\": 0");
  g_autofree char *sixteen_ok = object_with_keys (16, "");
  g_autoptr(KbdJsonDoc) doc = NULL;

  assert_duplicate ("{\"a\": 1, \"a\": 2}",
                    "test.json:1:10: the key “a” appears twice (first on line 1)");
  assert_duplicate ("{\"x\": {\"b\": 1, \"c\": 2,\n \"b\": 3}}",
                    "test.json:2:2: x: the key “b” appears twice (first on line 1)");
  assert_duplicate ("[{}, {\"a\": 1, \"\\u0061\": 2}]",
                    "test.json:1:15: [1]: the key “a” appears twice (first on line 1)");
  /* 16 members: the largest object compared pair by pair. */
  assert_duplicate (fifteen, "test.json:17:1: the key “k0” appears twice (first on line 2)");

  /* Keys that share a prefix or differ in length are distinct. */
  parse_ok ("{\"a\": 1, \"ab\": 2, \"abc\": 3, \"b\": 4, \"\": 5}", &doc);
  g_clear_pointer (&doc, kbd_json_doc_free);
  parse_ok (sixteen_ok, &doc);
}

static void
test_detects_duplicate_keys_in_large_objects (void)
{
  g_autofree char *seventeen = object_with_keys (16, ",\n\"k15\": 0");
  g_autofree char *thousand_first = object_with_keys (1000, ",\n\"k0\": 0");
  g_autofree char *thousand_escaped = object_with_keys (1000, ",\n\"\\u006b999\": 0");
  g_autofree char *thousand_ok = object_with_keys (1000, ",\n\"k\": 0,\n\"k1000\": 0,\n\"K1\": 0");
  g_autoptr(KbdJsonDoc) doc = NULL;

  /* 17 members and more go through the hash table. */
  assert_duplicate (seventeen, "test.json:18:1: the key “k15” appears twice (first on line 17)");
  assert_duplicate (thousand_first, "test.json:1002:1: the key “k0” appears twice (first on line 2)");
  assert_duplicate (thousand_escaped,
                    "test.json:1002:1: the key “k999” appears twice (first on line 1001)");

  doc = NULL;
  parse_ok (thousand_ok, &doc);
  g_assert_cmpuint (kbd_json_doc_get_root (doc)->v.object.n, ==, 1003);
  g_assert_cmpint (kbd_json_object_get (kbd_json_doc_get_root (doc), "k999")->v.integer, ==, 999);
}

/* Depth -------------------------------------------------------------------- */

static char *
nested (const char *open,
        const char *inner,
        const char *close,
        guint       depth)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (text, open);
  g_string_append (text, inner);
  for (guint i = 0; i < depth; i++)
    g_string_append (text, close);
  return g_string_free (text, FALSE);
}

static void
test_depth_limit (void)
{
  static const struct
  {
    const char *open;
    const char *inner;
    const char *close;
    gsize open_len;
  } shapes[] = {
    { "[", "", "]", 1 },
    { "[", "1", "]", 1 },
    { "{\"a\":", "{}", "}", 5 },
    { "[{\"a\":", "0", "}]", 6 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      guint per_unit = g_str_equal (shapes[i].open, "[{\"a\":") ? 2 : 1;
      guint extra = g_str_equal (shapes[i].inner, "{}") ? 1 : 0;
      guint units = (32 - extra) / per_unit;
      g_autofree char *at_limit = nested (shapes[i].open, shapes[i].inner, shapes[i].close, units);
      g_autofree char *beyond = nested (shapes[i].open, shapes[i].inner, shapes[i].close, units + 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(KbdJsonDoc) doc = NULL;

      /* Exactly 32 levels of arrays and objects parse… */
      g_assert_cmpuint (units * per_unit + extra, ==, 32);
      doc = parse (at_limit, &error);
      g_assert_no_error (error);
      g_assert_nonnull (doc);
      g_clear_pointer (&doc, kbd_json_doc_free);

      /* …one more does not, at the container that is one too deep. */
      doc = parse (beyond, &error);
      g_assert_null (doc);
      g_assert_error (error, KBD_ERROR, KBD_ERROR_TOO_DEEP);
      g_assert_nonnull (strstr (error->message, "arrays and objects are nested deeper than 32 levels"));
    }
}

static void
test_depth_limit_is_configurable (void)
{
  static const KbdJsonLimits one = { 1, 65536 };
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdJsonDoc) doc = NULL;

  doc = parse_len ("[1, 2, {}]", 10, &one, &error);
  g_assert_null (doc);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_TOO_DEEP);
  g_assert_cmpstr (error->message, ==,
                   "test.json:1:8: [2]: arrays and objects are nested deeper than 1 levels");
  g_clear_error (&error);

  doc = parse_len ("[1, 2, \"[]\"]", 12, &one, &error);
  g_assert_no_error (error);
  g_assert_nonnull (doc);
}

static void
test_depth_bomb (void)
{
  gsize n = 100000;
  g_autofree char *brackets = g_malloc (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdJsonDoc) doc = NULL;

  memset (brackets, '[', n);
  doc = parse_len (brackets, n, &default_limits, &error);
  g_assert_null (doc);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_TOO_DEEP);
  g_assert_true (g_str_has_prefix (error->message, "test.json:1:33: "));
}

/* Paths -------------------------------------------------------------------- */

static void
test_path_to_string (void)
{
  KbdJsonPath nodes = KBD_JSON_PATH_KEY (NULL, "nodes");
  KbdJsonPath node = KBD_JSON_PATH_KEY (&nodes, "cluster_method2");
  KbdJsonPath steps = KBD_JSON_PATH_KEY (&node, "steps");
  KbdJsonPath step = { &steps, NULL, 0, 3 };
  KbdJsonPath text = KBD_JSON_PATH_KEY (&step, "text");
  KbdJsonPath first = { NULL, NULL, 0, 0 };
  KbdJsonPath second = { &first, NULL, 0, 12 };
  KbdJsonPath key_in_array = KBD_JSON_PATH_KEY (&second, "a");
  KbdJsonPath cut = { NULL, "abcdef", 3, 0 };
  KbdJsonPath invalid = { NULL, "a\xff" "b", 3, 0 };
  g_autofree char *s1 = kbd_json_path_to_string (&text);
  g_autofree char *s2 = kbd_json_path_to_string (&steps);
  g_autofree char *s3 = kbd_json_path_to_string (NULL);
  g_autofree char *s4 = kbd_json_path_to_string (&second);
  g_autofree char *s5 = kbd_json_path_to_string (&key_in_array);
  g_autofree char *s6 = kbd_json_path_to_string (&cut);
  g_autofree char *s7 = kbd_json_path_to_string (&invalid);
  g_autofree char *s8 = kbd_json_path_to_string (&step);

  g_assert_cmpstr (s1, ==, "nodes.cluster_method2.steps[3].text");
  g_assert_cmpstr (s2, ==, "nodes.cluster_method2.steps");
  g_assert_cmpstr (s3, ==, "");
  g_assert_cmpstr (s4, ==, "[0][12]");
  g_assert_cmpstr (s5, ==, "[0][12].a");
  g_assert_cmpstr (s6, ==, "abc");
  g_assert_cmpstr (s7, ==, "a\xef\xbf\xbd" "b");
  g_assert_cmpstr (s8, ==, "nodes.cluster_method2.steps[3]");
}

static void
test_error_messages_name_the_path (void)
{
  static const ErrorCase cases[] = {
    { "{\"nodes\": {\"x\": {\"steps\": [{}, {}, {}, {\"text\": 'a'}]}}}", 0, KBD_ERROR_SYNTAX,
      "test.json:1:49: nodes.x.steps[3].text: strings need double quotes" },
    { "{\"a\": [\n  1,\n  [true, fals]\n]}", 0, KBD_ERROR_SYNTAX,
      "test.json:3:10: a[1][1]: unexpected character “f”: expected a value" },
    { "{\"a\": {\"\\u001b[1m\": \"\\ud800\"}}", 0, KBD_ERROR_INVALID_ESCAPE,
      "test.json:1:22: a.\\u001B[1m: lone high surrogate \\uD800" },
  };

  check_error_cases (cases, G_N_ELEMENTS (cases));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Kbd/Json/parses-every-value-type", test_parses_every_value_type);
  g_test_add_func ("/Kbd/Json/parses-scalars-at-top-level", test_parses_scalars_at_top_level);
  g_test_add_func ("/Kbd/Json/names-types", test_type_names);
  g_test_add_func ("/Kbd/Json/records-line-and-byte-column", test_records_line_and_column);
  g_test_add_func ("/Kbd/Json/parses-int64-min-and-max", test_parses_int64_limits);
  g_test_add_func ("/Kbd/Json/rejects-numbers-beyond-range", test_rejects_integers_beyond_int64);
  g_test_add_func ("/Kbd/Json/decodes-escapes", test_decodes_escapes);
  g_test_add_func ("/Kbd/Json/decodes-escaped-keys", test_decodes_escaped_keys);
  g_test_add_func ("/Kbd/Json/limits-string-bytes", test_string_limit);
  g_test_add_func ("/Kbd/Json/rejects-bad-bytes", test_rejects_bad_bytes);
  g_test_add_func ("/Kbd/Json/rejects-bad-syntax", test_rejects_bad_syntax);
  g_test_add_func ("/Kbd/Json/rejects-bad-escapes", test_rejects_bad_escapes);
  g_test_add_func ("/Kbd/Json/rejects-trailing-data", test_rejects_trailing_data);
  g_test_add_func ("/Kbd/Json/fails-without-error-location", test_error_without_location);
  g_test_add_func ("/Kbd/Json/detects-duplicate-keys-in-small-objects",
                   test_detects_duplicate_keys_in_small_objects);
  g_test_add_func ("/Kbd/Json/detects-duplicate-keys-in-large-objects",
                   test_detects_duplicate_keys_in_large_objects);
  g_test_add_func ("/Kbd/Json/depth-limit-is-exact", test_depth_limit);
  g_test_add_func ("/Kbd/Json/depth-limit-is-configurable", test_depth_limit_is_configurable);
  g_test_add_func ("/Kbd/Json/rejects-depth-bomb", test_depth_bomb);
  g_test_add_func ("/Kbd/Json/path-to-string", test_path_to_string);
  g_test_add_func ("/Kbd/Json/error-messages-name-the-path", test_error_messages_name_the_path);

  return g_test_run ();
}
