/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-reference: the classic plain-text KB importer (kbd-reference.h),
 * kbd_reference_article_new_from_bytes() on any bytes.
 *
 * Either the import fails with an error in the KBD_ERROR domain that names
 * the data, or it returns an article for which:
 *
 *  - every string (id, title, tag, product, versions, platforms, operating
 *    systems, keywords, encoding, section titles and texts) is valid UTF-8;
 *  - the id is `Q` and the article number, and kbd_reference_article_parse_id()
 *    reads it back as that number;
 *  - the encoding is one of the three the importer knows, and decoding the
 *    input with it gives the text the importer read;
 *  - no body text is lost or invented: the sections joined (headings
 *    underlined) equal the input's body after the header, ignoring
 *    whitespace and the length of underlines, and so does
 *    kbd_reference_article_dup_body();
 *  - only the first section may lack a heading, headings are level 1 or 2;
 *  - the mentions are distinct ids other than the article's own, each one
 *    read back by kbd_reference_article_parse_id();
 *  - importing the same bytes again gives the same article.
 */
#include "config.h"

#include "fuzz-common.h"
#include "../tests/helpers/classic-kb.h"

FUZZ_DEFINE_INITIALIZE

static void
check_utf8 (const char *text,
            const char *what)
{
  FUZZ_CHECK (text != NULL, "%s is NULL", what);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL), "%s is not UTF-8", what);
}

static void
check_utf8_list (const char *const *list,
                 const char        *what)
{
  FUZZ_CHECK (list != NULL, "%s is NULL", what);
  for (guint i = 0; list[i] != NULL; i++)
    check_utf8 (list[i], what);
}

static char *
sections_joined (KbdReferenceArticle *article)
{
  GString *out = g_string_new (NULL);
  guint n = kbd_reference_article_get_n_sections (article);

  for (guint i = 0; i < n; i++)
    {
      const char *title = kbd_reference_article_get_section_title (article, i);
      guint level = kbd_reference_article_get_section_level (article, i);
      const char *text = kbd_reference_article_get_section_text (article, i);

      check_utf8 (text, "a section's text");
      if (title != NULL)
        {
          check_utf8 (title, "a section's heading");
          FUZZ_CHECK (level == 1 || level == 2, "section %u has level %u", i, level);
          g_string_append_printf (out, "%s\n%s\n", title, level == 1 ? "===" : "---");
        }
      else
        FUZZ_CHECK (i == 0 && level == 0, "section %u (level %u) has no heading", i, level);
      g_string_append (out, text);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static void
check_same (KbdReferenceArticle *a,
            KbdReferenceArticle *b)
{
  guint n = kbd_reference_article_get_n_sections (a);

  FUZZ_CHECK (g_str_equal (kbd_reference_article_get_id (a), kbd_reference_article_get_id (b)),
              "the id differs between two imports");
  FUZZ_CHECK (g_str_equal (kbd_reference_article_get_title (a), kbd_reference_article_get_title (b)),
              "the title differs between two imports");
  FUZZ_CHECK (n == kbd_reference_article_get_n_sections (b),
              "the section count differs between two imports");
  for (guint i = 0; i < n; i++)
    {
      FUZZ_CHECK (g_strcmp0 (kbd_reference_article_get_section_title (a, i),
                             kbd_reference_article_get_section_title (b, i)) == 0,
                  "section %u's heading differs between two imports", i);
      FUZZ_CHECK (g_str_equal (kbd_reference_article_get_section_text (a, i),
                               kbd_reference_article_get_section_text (b, i)),
                  "section %u's text differs between two imports", i);
    }
}

/* The harness's own reading of a legacy file, byte by byte with iconv:
 * Windows-1252, where it leaves a byte undefined ISO-8859-1 (as the WHATWG
 * Encoding Standard reads "windows-1252"). ISO-8859-1 files are the ones
 * without a byte from 0x80 to 0x9F, for which both readings agree. */
static char *
decode_windows_1252 (const guint8 *data,
                     size_t        size)
{
  static char table[256][4];
  static gboolean table_ready;
  GString *out = g_string_sized_new (size + size / 2);

  if (!table_ready)
    {
      for (guint byte = 1; byte < 256; byte++)
        {
          char in = (char) byte;
          g_autofree char *one = g_convert (&in, 1, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);

          if (one == NULL)
            g_unichar_to_utf8 (byte, table[byte]);
          else
            g_strlcpy (table[byte], one, sizeof table[byte]);
        }
      table_ready = TRUE;
    }
  for (size_t i = 0; i < size; i++)
    g_string_append (out, table[data[i]]);
  return g_string_free (out, FALSE);
}

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdReferenceArticle) article = NULL;
  g_autoptr(KbdReferenceArticle) again = NULL;
  g_autoptr(GPtrArray) mentions = NULL;
  g_autofree char *text = NULL;
  g_autofree char *joined = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *actual_body = NULL;
  const char *encoding;
  const char *input_body;
  guint number = 0;

  article = kbd_reference_article_new_from_bytes (bytes, "fuzz.txt", &error);
  if (article == NULL)
    {
      fuzz_check_kbd_error (error, "importing");
      FUZZ_CHECK (strstr (error->message, "fuzz.txt") != NULL,
                  "the error does not name the data: %s", error->message);
      return 0;
    }
  FUZZ_CHECK (error == NULL, "an article and an error");

  check_utf8 (kbd_reference_article_get_id (article), "the id");
  check_utf8 (kbd_reference_article_get_title (article), "the title");
  check_utf8 (kbd_reference_article_get_tag (article), "the tag");
  check_utf8 (kbd_reference_article_get_product (article), "the product");
  check_utf8 (kbd_reference_article_get_versions (article), "the versions");
  check_utf8 (kbd_reference_article_get_operating_systems (article), "the operating systems");
  check_utf8_list (kbd_reference_article_get_version_list (article), "a version");
  check_utf8_list (kbd_reference_article_get_platforms (article), "a platform");
  check_utf8_list (kbd_reference_article_get_keywords (article), "a keyword");

  FUZZ_CHECK (kbd_reference_article_parse_id (kbd_reference_article_get_id (article), &number) &&
              number == kbd_reference_article_get_number (article),
              "the id %s does not read back as %u", kbd_reference_article_get_id (article),
              kbd_reference_article_get_number (article));
  FUZZ_CHECK (kbd_reference_article_get_id (article)[0] == 'Q', "the id %s does not start with Q",
              kbd_reference_article_get_id (article));

  encoding = kbd_reference_article_get_encoding (article);
  if (g_str_equal (encoding, "UTF-8"))
    {
      FUZZ_CHECK (g_utf8_validate_len ((const char *) data, size, NULL), "UTF-8, but the input is not");
      text = g_strndup ((const char *) data, size);
    }
  else
    {
      FUZZ_CHECK (g_str_equal (encoding, "WINDOWS-1252") || g_str_equal (encoding, "ISO-8859-1"),
                  "unknown encoding %s", encoding);
      text = decode_windows_1252 (data, size);
    }

  /* No text lost or invented. */
  input_body = kbd_test_classic_find_body (text);
  FUZZ_CHECK (input_body != NULL, "imported, but the header has no closing line of '='");
  expected = kbd_test_classic_normalize (input_body);
  joined = sections_joined (article);
  actual = kbd_test_classic_normalize (joined);
  FUZZ_CHECK (g_str_equal (expected, actual),
              "the sections differ from the input's body:\n  input:    %s\n  sections: %s", expected, actual);
  body = kbd_reference_article_dup_body (article);
  check_utf8 (body, "the body");
  actual_body = kbd_test_classic_normalize (body);
  FUZZ_CHECK (g_str_equal (expected, actual_body),
              "the body differs from the input's:\n  input: %s\n  body:  %s", expected, actual_body);

  mentions = kbd_reference_article_find_mentions (article);
  for (guint i = 0; i < mentions->len; i++)
    {
      const char *id = g_ptr_array_index (mentions, i);

      FUZZ_CHECK (kbd_reference_article_parse_id (id, &number), "mention %s is not an id", id);
      FUZZ_CHECK (number != kbd_reference_article_get_number (article), "the article mentions itself");
      for (guint j = 0; j < i; j++)
        FUZZ_CHECK (!g_str_equal (id, g_ptr_array_index (mentions, j)), "mention %s listed twice", id);
    }

  again = kbd_reference_article_new_from_bytes (bytes, "fuzz.txt", NULL);
  FUZZ_CHECK (again != NULL, "the same bytes failed the second time");
  check_same (article, again);

  return 0;
}
