/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* KbdReferenceArticle: importing classic plain-text KB articles. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kbdecide.h"
#include "helpers/classic-kb.h"

#define HEADER \
  "DOCUMENT:Q123456  06-AUG-2002  [exchange]\n" \
  "TITLE   :XWEB: A Title\n" \
  "PRODUCT :Microsoft Exchange\n" \
  "PROD/VER::5.5\n" \
  "OPER/SYS:\n" \
  "KEYWORDS:\n" \
  "\n" \
  "======================================================================\n"

static const char *
sample_dir (void)
{
  const char *dir = g_getenv ("KBD_ARCHIVE_SAMPLE");

  if (dir == NULL || !g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("KBD_ARCHIVE_SAMPLE is not a folder: no sample of the classic archive");
      return NULL;
    }
  return dir;
}

static KbdReferenceArticle *
load_sample (const char *name)
{
  const char *dir = sample_dir ();
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  KbdReferenceArticle *article;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  article = kbd_reference_article_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (article);
  return article;
}

static KbdReferenceArticle *
import_text (const char  *text,
             gssize       len,
             GError     **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len < 0 ? strlen (text) : (gsize) len);

  return kbd_reference_article_new_from_bytes (bytes, "T.TXT", error);
}

static KbdReferenceArticle *
import_ok (const char *text,
           gssize      len)
{
  g_autoptr(GError) error = NULL;
  KbdReferenceArticle *article = import_text (text, len, &error);

  g_assert_no_error (error);
  g_assert_nonnull (article);
  return article;
}


/* The test's own reading of the encoding: g_convert, Windows-1252 first. */
static char *
convert_like_the_importer (const char *data,
                           gsize       len)
{
  char *text;

  if (g_utf8_validate_len (data, len, NULL))
    return g_strndup (data, len);
  text = g_convert (data, len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL);
  if (text == NULL)
    text = g_convert (data, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
  g_assert_nonnull (text);
  return text;
}


static char *
sections_joined (KbdReferenceArticle *article)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < kbd_reference_article_get_n_sections (article); i++)
    {
      const char *title = kbd_reference_article_get_section_title (article, i);
      guint level = kbd_reference_article_get_section_level (article, i);

      if (title != NULL)
        {
          g_assert_cmpuint (level, >=, 1);
          g_assert_cmpuint (level, <=, 2);
          g_string_append_printf (out, "%s\n%s\n", title, level == 1 ? "===" : "---");
        }
      else
        {
          g_assert_cmpuint (i, ==, 0);
          g_assert_cmpuint (level, ==, 0);
        }
      g_string_append (out, kbd_reference_article_get_section_text (article, i));
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

static gint
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

static void
test_sample_imports (void)
{
  const char *dir = sample_dir ();
  g_autoptr(GDir) listing = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) encodings = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GString) seen = g_string_new (NULL);
  guint64 bytes = 0, sections = 0, mentions = 0;
  gint64 started, importing = 0;
  const char *name;

  if (dir == NULL)
    return;

  listing = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (listing);
  while ((name = g_dir_read_name (listing)) != NULL)
    if (g_str_has_suffix (name, ".TXT"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_assert_cmpuint (names->len, >, 0);

  started = g_get_monotonic_time ();
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_autofree char *data = NULL;
      g_autofree char *text = NULL;
      g_autofree char *expected = NULL;
      g_autofree char *joined = NULL;
      g_autofree char *actual = NULL;
      g_autofree char *body = NULL;
      g_autofree char *body_normalized = NULL;
      g_autofree char *id = NULL;
      g_autoptr(KbdReferenceArticle) article = NULL;
      g_autoptr(GPtrArray) found = NULL;
      g_autoptr(GError) error = NULL;
      const char *encoding;
      gsize len;

      g_file_get_contents (path, &data, &len, &error);
      g_assert_no_error (error);

      importing -= g_get_monotonic_time ();
      article = kbd_reference_article_new_from_file (path, &error);
      importing += g_get_monotonic_time ();
      g_assert_no_error (error);
      g_assert_nonnull (article);

      /* The file is named after the article. */
      id = g_strndup (g_ptr_array_index (names, i), strlen (g_ptr_array_index (names, i)) - 4);
      g_assert_cmpstr (kbd_reference_article_get_id (article), ==, id);
      g_assert_nonnull (kbd_reference_article_get_date (article));
      g_assert_cmpuint (kbd_reference_article_get_n_sections (article), >, 0);

      /* No text is lost. */
      text = convert_like_the_importer (data, len);
      g_assert_nonnull (kbd_test_classic_find_body (text));
      expected = kbd_test_classic_normalize (kbd_test_classic_find_body (text));
      joined = sections_joined (article);
      actual = kbd_test_classic_normalize (joined);
      if (g_strcmp0 (expected, actual) != 0)
        g_test_message ("%s: the sections differ from the file", path);
      g_assert_cmpstr (actual, ==, expected);

      body = kbd_reference_article_dup_body (article);
      body_normalized = kbd_test_classic_normalize (body);
      g_assert_cmpstr (body_normalized, ==, expected);

      found = kbd_reference_article_find_mentions (article);
      mentions += found->len;

      encoding = kbd_reference_article_get_encoding (article);
      if (!g_str_equal (encoding, "UTF-8"))
        g_string_append_printf (seen, " %s (%s)", (char *) g_ptr_array_index (names, i), encoding);
      g_hash_table_replace (encodings, (gpointer) encoding,
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (encodings, encoding)) + 1));
      bytes += len;
      sections += kbd_reference_article_get_n_sections (article);
    }

  g_test_message ("%u files, %" G_GUINT64_FORMAT " bytes, %" G_GUINT64_FORMAT " sections, "
                  "%" G_GUINT64_FORMAT " mentions, %.0f ms (importing %.0f ms); UTF-8 %u, ISO-8859-1 %u, WINDOWS-1252 %u:%s",
                  names->len, bytes, sections, mentions,
                  (g_get_monotonic_time () - started) / 1000.0, importing / 1000.0,
                  GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "UTF-8")),
                  GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "ISO-8859-1")),
                  GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "WINDOWS-1252")),
                  seen->str);

  /* Every file imported (a failure above stops the test). */
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "UTF-8")) +
                    GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "ISO-8859-1")) +
                    GPOINTER_TO_UINT (g_hash_table_lookup (encodings, "WINDOWS-1252")),
                    ==, names->len);
}

static void
assert_section_titles (KbdReferenceArticle *article,
                       const char *const   *titles,
                       const guint         *levels,
                       guint                n)
{
  g_assert_cmpuint (kbd_reference_article_get_n_sections (article), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpstr (kbd_reference_article_get_section_title (article, i), ==, titles[i]);
      g_assert_cmpuint (kbd_reference_article_get_section_level (article, i), ==, levels[i]);
    }
}

/* A pinned file's header, as the file says it. */
typedef struct
{
  const char *id;
  guint number;
  const char *date;
  const char *tag;
  const char *title;
  const char *product;
  const char *versions;
  const char *const *version_list;
  const char *const *keywords;
  const char *encoding;
} Header;

static void
assert_header (KbdReferenceArticle *article,
               const Header        *expected)
{
  g_autofree char *date = g_date_time_format (kbd_reference_article_get_date (article), "%F");

  g_assert_cmpstr (kbd_reference_article_get_id (article), ==, expected->id);
  g_assert_cmpuint (kbd_reference_article_get_number (article), ==, expected->number);
  g_assert_cmpstr (date, ==, expected->date);
  g_assert_cmpstr (kbd_reference_article_get_tag (article), ==, expected->tag);
  g_assert_cmpstr (kbd_reference_article_get_title (article), ==, expected->title);
  g_assert_cmpstr (kbd_reference_article_get_product (article), ==, expected->product);
  g_assert_cmpstr (kbd_reference_article_get_versions (article), ==, expected->versions);
  g_assert_cmpstrv (kbd_reference_article_get_version_list (article), expected->version_list);
  g_assert_cmpstr (kbd_reference_article_get_operating_systems (article), ==, "");
  g_assert_cmpstrv (kbd_reference_article_get_keywords (article), expected->keywords);
  g_assert_cmpstr (kbd_reference_article_get_encoding (article), ==, expected->encoding);
}

/* An Exchange article like the format's example: empty fields, a preface. */
static void
test_pinned_exchange (void)
{
  static const char *const titles[] = {
    NULL, "SYMPTOMS", "CAUSE", "WORKAROUND", "STATUS",
  };
  static const guint levels[] = { 0, 1, 1, 1, 1 };
  const Header header = {
    "Q304338", 304338, "2001-08-24", "exchange",
    "XADM: OL OST Sync Fails If Large Number of Items in Exchange PF",
    "Microsoft Exchange", ":5.5,SP1", (const char *const[]) { "5.5", "SP1", NULL },
    (const char *const[]) { NULL }, "UTF-8",
  };
  g_autoptr(KbdReferenceArticle) article = load_sample ("Q304338.TXT");
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_auto(GStrv) keywords = NULL;
  g_autoptr(GDateTime) date_time = NULL;
  guint number = 0;

  if (article == NULL)
    return;

  assert_header (article, &header);
  g_assert_cmpstrv (kbd_reference_article_get_platforms (article), ((const char *const[]) { NULL }));

  assert_section_titles (article, titles, levels, G_N_ELEMENTS (titles));
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 0), ==,
                   "-------------------------------------------------------------------------------\n"
                   "The information in this article applies to:\n"
                   "\n"
                   " - Microsoft Exchange Server, version 5.5\n"
                   " - Microsoft Exchange 2000 Server SP1\n"
                   "-------------------------------------------------------------------------------");
  g_assert_true (g_str_has_prefix (kbd_reference_article_get_section_text (article, 1),
                                   "You cannot successfully use Microsoft Outlook to synchronize the contents of an\n"
                                   "offline folders file (.ost) with a Microsoft Exchange public folder."));
  /* Indented lists keep their indentation. */
  g_assert_nonnull (strstr (kbd_reference_article_get_section_text (article, 2),
                            "\n\n - During the next Information Store maintenance cycle, 15,000 items in the\n"
                            "   public folder are removed due to Public Folder item aging limits setting.\n"));

  /* The same through properties. */
  g_object_get (article, "id", &id, "number", &number, "title", &title, "keywords", &keywords,
                "date", &date_time, NULL);
  g_assert_cmpstr (id, ==, "Q304338");
  g_assert_cmpuint (number, ==, 304338);
  g_assert_cmpstr (title, ==, kbd_reference_article_get_title (article));
  g_assert_cmpstrv (keywords, ((const char *const[]) { NULL }));
  g_assert_true (g_date_time_equal (date_time, kbd_reference_article_get_date (article)));
}

/* An ISO-8859-1 file: a no-break space, PROD/VER "::". */
static void
test_pinned_latin1 (void)
{
  static const char *const titles[] = { NULL, "SYMPTOMS", "RESOLUTION", "STATUS" };
  static const guint levels[] = { 0, 1, 1, 1 };
  const Header header = {
    "Q170020", 170020, "2002-05-24", "word97",
    "WD97: 'Allow A4/Letter Paper Resizing' Option Does Not Support L",
    "Word 97 for Windows", ":", (const char *const[]) { NULL },
    (const char *const[]) { "kbprint", "kbdta", "word97", NULL }, "ISO-8859-1",
  };
  g_autoptr(KbdReferenceArticle) article = load_sample ("Q170020.TXT");

  if (article == NULL)
    return;

  assert_header (article, &header);

  assert_section_titles (article, titles, levels, G_N_ELEMENTS (titles));
  /* Blank lines inside a section are kept, those at its end are not. */
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 2), ==,
                   "To correct this problem, install Microsoft Word 97 for Windows, Service Release\n"
                   "1 (SR-1).");
  g_assert_true (g_str_has_prefix (kbd_reference_article_get_section_text (article, 3),
                                   "Microsoft has confirmed this to be a problem in the Microsoft products that are\n"
                                   "listed at the beginning of this article.\xc2\xa0This problem was corrected in Microsoft\n"));
}

/* A long article: a level-2 heading, versions with a service pack. */
static void
test_pinned_sections (void)
{
  static const char *const titles[] = {
    NULL, "SUMMARY", "MORE INFORMATION", "Fixes That Are Included in the SRP",
  };
  static const guint levels[] = { 0, 1, 1, 2 };
  const Header header = {
    "Q317636", 317636, "2002-04-30", "winnt",
    "Windows NT Server 4.0, Terminal Server Edition, SRP",
    "Microsoft Windows NT", ":4.0 SP6", (const char *const[]) { "4.0 SP6", NULL },
    (const char *const[]) { "kbSecurity", "kbWinNT400PreSP7Fix", NULL }, "UTF-8",
  };
  g_autoptr(KbdReferenceArticle) article = load_sample ("Q317636.TXT");
  g_autoptr(GPtrArray) mentions = NULL;
  const char *last;

  if (article == NULL)
    return;

  assert_header (article, &header);
  assert_section_titles (article, titles, levels, G_N_ELEMENTS (titles));

  /* The footer (query words, keywords, disclaimer) is the last section's end. */
  last = kbd_reference_article_get_section_text (article, 3);
  g_assert_true (g_str_has_prefix (last, "The SRP includes the following post-SP6 fixes"));
  g_assert_nonnull (strstr (last, "\n======================================================================\n"
                                  "Keywords          :"));
  g_assert_true (g_str_has_suffix (last, "Copyright Microsoft Corporation 2002."));

  mentions = kbd_reference_article_find_mentions (article);
  g_assert_cmpuint (mentions->len, ==, 78);
  g_assert_cmpstr (g_ptr_array_index (mentions, 0), ==, "Q318587");
  g_assert_cmpstr (g_ptr_array_index (mentions, 1), ==, "Q119591");
  g_assert_cmpstr (g_ptr_array_index (mentions, 77), ==, "Q241219");
  for (guint i = 0; i < mentions->len; i++)
    {
      g_assert_cmpstr (g_ptr_array_index (mentions, i), !=, "Q317636");
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (g_ptr_array_index (mentions, i), !=, g_ptr_array_index (mentions, j));
    }
}

static void
test_find_mentions (void)
{
  g_autoptr(KbdReferenceArticle) article =
    import_ok (HEADER "See Q119591 and article Q119591, ARTICLE-ID: Q71499 TITLE\n"
                      "   Q99713How Reply Chooses\n"
                      "Q123456 is this article; -Q1 and Q1234 are options, Q123456789 too long,\n"
                      "XQ22222 and Q22222x9 and Q012345 (leading zero).\n"
                      "Q55555\n"
                      "======\n",
               -1);
  g_autoptr(GPtrArray) mentions = kbd_reference_article_find_mentions (article);
  const char *const expected[] = { "Q119591", "Q71499", "Q99713", "Q22222", "Q12345", "Q55555" };

  g_assert_cmpuint (mentions->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (mentions, i), ==, expected[i]);
}

static void
test_parse_id (void)
{
  static const struct { const char *text; gboolean ok; guint number; } cases[] = {
    { "Q317627", TRUE, 317627 },
    { "q317627", TRUE, 317627 },
    { "KB317627", TRUE, 317627 },
    { "kb317627", TRUE, 317627 },
    { "Kb317627", TRUE, 317627 },
    { "317627", TRUE, 317627 },
    { "Q0317627", TRUE, 317627 },
    { "Q4294967295", TRUE, 4294967295u },
    { "Q4294967296", FALSE, 0 },
    { "Q99999999999999999999", FALSE, 0 },
    { "Q0", FALSE, 0 },
    { "0", FALSE, 0 },
    { "", FALSE, 0 },
    { "Q", FALSE, 0 },
    { "KB", FALSE, 0 },
    { "QQ317627", FALSE, 0 },
    { "Q 317627", FALSE, 0 },
    { " Q317627", FALSE, 0 },
    { "Q317627 ", FALSE, 0 },
    { "Q317627a", FALSE, 0 },
    { "Q-1", FALSE, 0 },
    { "Q+1", FALSE, 0 },
    { "KB312395.json", FALSE, 0 },
    { "Q\xef\xbc\x91", FALSE, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint number = 7;

      g_assert_cmpint (kbd_reference_article_parse_id (cases[i].text, &number), ==, cases[i].ok);
      g_assert_cmpuint (number, ==, cases[i].ok ? cases[i].number : 7);
    }
  g_assert_true (kbd_reference_article_parse_id ("Q1", NULL));
}

static void
test_header_variants (void)
{
  g_autoptr(KbdReferenceArticle) article =
    import_ok ("\n\nDOCUMENT:Q00042 1-jan-1999\n"
               "keywords:kbA, kbB kbA;kbC\n"
               "TITLE:  Padded title  \n"
               "PROD/VER:WINDOWS:3.1,3.11; winnt:3.11,4.0 SP4; :5.0, macintosh:1.0\n"
               "OPER/SYS:Windows NT\n"
               "====\n"
               "Body.",
               -1);
  g_autoptr(KbdReferenceArticle) old_style =
    import_ok ("DOCUMENT:Q1  29-FEB-2000  [ ]\nTITLE   :\nPROD/VER:2.50 2.50a | 2.5 2.50a\n===\n", -1);
  g_autofree char *date = NULL;

  g_assert_cmpstr (kbd_reference_article_get_id (article), ==, "Q42");
  g_assert_cmpuint (kbd_reference_article_get_number (article), ==, 42);
  date = g_date_time_format (kbd_reference_article_get_date (article), "%F %T %Z");
  g_assert_cmpstr (date, ==, "1999-01-01 00:00:00 UTC");
  g_assert_cmpstr (kbd_reference_article_get_tag (article), ==, "");
  g_assert_cmpstr (kbd_reference_article_get_title (article), ==, "Padded title");
  g_assert_cmpstr (kbd_reference_article_get_product (article), ==, "");
  g_assert_cmpstr (kbd_reference_article_get_operating_systems (article), ==, "Windows NT");
  g_assert_cmpstrv (kbd_reference_article_get_keywords (article),
                    ((const char *const[]) { "kbA", "kbB", "kbC", NULL }));
  g_assert_cmpstrv (kbd_reference_article_get_version_list (article),
                    ((const char *const[]) { "3.1", "3.11", "4.0 SP4", "5.0", "1.0", NULL }));
  g_assert_cmpstrv (kbd_reference_article_get_platforms (article),
                    ((const char *const[]) { "WINDOWS", "winnt", "macintosh", NULL }));
  g_assert_cmpuint (kbd_reference_article_get_n_sections (article), ==, 1);
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 0), ==, "Body.");

  g_assert_cmpstr (kbd_reference_article_get_tag (old_style), ==, "");
  g_assert_cmpstr (kbd_reference_article_get_title (old_style), ==, "");
  g_assert_cmpstrv (kbd_reference_article_get_version_list (old_style),
                    ((const char *const[]) { "2.50", "2.50a", "2.5", NULL }));
  g_assert_cmpstrv (kbd_reference_article_get_platforms (old_style), ((const char *const[]) { NULL }));
  /* A header and nothing else: no sections. */
  g_assert_cmpuint (kbd_reference_article_get_n_sections (old_style), ==, 0);
}

static void
test_headings (void)
{
  g_autoptr(KbdReferenceArticle) article =
    import_ok (HEADER
               "\n"
               "  Indented text is not a heading\n"
               "  ------------------------------\n"
               "SYMPTOMS\n"
               "========\n"
               "CAUSE\n"
               "=====\n"
               "\n"
               "\n"
               "Cause text.\n"
               "\n"
               "Method 1\n"
               "-----------\n"
               "Too short\n"
               "=====\n"
               "Underline of 3 for a heading of 1\n"
               "X\n"
               "===\n"
               "Tab\theading\n"
               "-----------\n"
               "A line of 70 is a rule, not an underline: ----------------------------\n"
               "======================================================================\n"
               "--\n"
               "==\n"
               "=====\n"
               "-----\n",
               -1);
  static const char *const titles[] = { NULL, "SYMPTOMS", "CAUSE", "Method 1", "X", "Tab\theading" };
  static const guint levels[] = { 0, 1, 1, 2, 1, 2 };

  assert_section_titles (article, titles, levels, G_N_ELEMENTS (titles));
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 0), ==,
                   "  Indented text is not a heading\n"
                   "  ------------------------------");
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 1), ==, "");
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 2), ==, "Cause text.");
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 3), ==,
                   "Too short\n=====\nUnderline of 3 for a heading of 1");
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 4), ==, "");
  g_assert_cmpstr (kbd_reference_article_get_section_text (article, 5), ==,
                   "A line of 70 is a rule, not an underline: ----------------------------\n"
                   "======================================================================\n"
                   "--\n"
                   "==\n"
                   "=====\n"
                   "-----");
}

/* Line ends are normalised, trailing white space goes, the rest stays. */
static void
test_line_ends (void)
{
  static const char lf[] =
    HEADER
    "Preface\twith a tab  \n"
    "\f\n"
    "    indented  code();\n"
    "\n"
    "RESOLUTION \n"
    "==========\t\n"
    "Col1    Col2\n"
    "----    ----\n"
    "a       b   \n";
  g_autofree char *crlf = NULL;
  g_autofree char *cr = NULL;
  g_autofree char *bom = NULL;
  g_autoptr(KbdReferenceArticle) expected = import_ok (lf, -1);
  g_autoptr(GString) crlf_text = g_string_new (lf);
  g_autoptr(GString) cr_text = g_string_new (lf);
  const char *variants[3];

  g_string_replace (crlf_text, "\n", "\r\n", 0);
  g_string_replace (cr_text, "\n", "\r", 0);
  crlf = g_string_free (g_steal_pointer (&crlf_text), FALSE);
  cr = g_string_free (g_steal_pointer (&cr_text), FALSE);
  bom = g_strconcat ("\xef\xbb\xbf", lf, NULL);
  variants[0] = crlf;
  variants[1] = cr;
  variants[2] = bom;

  g_assert_cmpuint (kbd_reference_article_get_n_sections (expected), ==, 2);
  g_assert_cmpstr (kbd_reference_article_get_section_text (expected, 0), ==,
                   "Preface\twith a tab\n\n    indented  code();");
  g_assert_cmpstr (kbd_reference_article_get_section_title (expected, 1), ==, "RESOLUTION");
  g_assert_cmpstr (kbd_reference_article_get_section_text (expected, 1), ==,
                   "Col1    Col2\n----    ----\na       b");

  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    {
      g_autoptr(KbdReferenceArticle) article = import_ok (variants[v], -1);

      g_assert_cmpstr (kbd_reference_article_get_title (article), ==, "XWEB: A Title");
      g_assert_cmpuint (kbd_reference_article_get_n_sections (article), ==, 2);
      for (guint i = 0; i < 2; i++)
        {
          g_assert_cmpstr (kbd_reference_article_get_section_title (article, i), ==,
                           kbd_reference_article_get_section_title (expected, i));
          g_assert_cmpstr (kbd_reference_article_get_section_text (article, i), ==,
                           kbd_reference_article_get_section_text (expected, i));
        }
    }
}

static void
test_body (void)
{
  g_autoptr(KbdReferenceArticle) article =
    import_ok (HEADER "Preface.\nSUMMARY\n=====\n\nText.\n\nNOTE\n--\nX\n---\nEnd.\n", -1);
  g_autofree char *body = kbd_reference_article_dup_body (article);

  /* "NOTE" with "--" is text; "X" is a heading, underlined with 3. */
  g_assert_cmpstr (body, ==, "Preface.\n\nSUMMARY\n=======\n\nText.\n\nNOTE\n--\n\nX\n---\n\nEnd.");
}

static void
test_encodings (void)
{
  /* “quotes” and the euro sign: Windows-1252. */
  g_autoptr(KbdReferenceArticle) windows =
    import_ok (HEADER "\x93Quoted\x94 costs 5 \x80, caf\xe9.\n", -1);
  /* Only the bytes Windows-1252 leaves undefined: ISO-8859-1. */
  static const char undefined[] = HEADER "\x81\x8d\x8f\x90\x9d \xa0\xff\n";
  g_autoptr(KbdReferenceArticle) latin1 = import_ok (undefined, -1);
  /* Both at once: each byte as Windows-1252 reads it, else as ISO-8859-1. */
  g_autoptr(KbdReferenceArticle) mixed = import_ok (HEADER "\x93\x81\x94\n", -1);
  /* Valid UTF-8 stays as it is. */
  g_autoptr(KbdReferenceArticle) utf8 = import_ok (HEADER "caf\xc3\xa9 \xe2\x82\xac\n", -1);
  g_autofree char *converted = g_convert (undefined, -1, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);

  g_assert_cmpstr (kbd_reference_article_get_encoding (windows), ==, "WINDOWS-1252");
  g_assert_cmpstr (kbd_reference_article_get_section_text (windows, 0), ==,
                   "\xe2\x80\x9cQuoted\xe2\x80\x9d costs 5 \xe2\x82\xac, caf\xc3\xa9.");

  g_assert_cmpstr (kbd_reference_article_get_encoding (latin1), ==, "ISO-8859-1");
  g_assert_cmpstr (kbd_reference_article_get_section_text (latin1, 0), ==,
                   "\xc2\x81\xc2\x8d\xc2\x8f\xc2\x90\xc2\x9d \xc2\xa0\xc3\xbf");
  g_assert_nonnull (converted);
  g_assert_true (g_str_has_suffix (g_strchomp (converted), kbd_reference_article_get_section_text (latin1, 0)));

  g_assert_cmpstr (kbd_reference_article_get_encoding (mixed), ==, "WINDOWS-1252");
  g_assert_cmpstr (kbd_reference_article_get_section_text (mixed, 0), ==,
                   "\xe2\x80\x9c\xc2\x81\xe2\x80\x9d");

  g_assert_cmpstr (kbd_reference_article_get_encoding (utf8), ==, "UTF-8");
  g_assert_cmpstr (kbd_reference_article_get_section_text (utf8, 0), ==, "caf\xc3\xa9 \xe2\x82\xac");
}

typedef struct
{
  const char *what;
  const char *text;
  gsize len;          /* 0: strlen */
  KbdError code;
  const char *where;  /* "T.TXT:LINE:" */
} Refused;

static void
assert_refused (const Refused *c,
                const char    *text,
                gsize          len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdReferenceArticle) article = import_text (text, len, &error);

  g_test_message ("%s: %s", c->what, error != NULL ? error->message : "(imported)");
  g_assert_null (article);
  g_assert_error (error, KBD_ERROR, (gint) c->code);
  g_assert_true (g_str_has_prefix (error->message, c->where));
  /* Never the whole input in a message. */
  g_assert_cmpuint (strlen (error->message), <, 300);
}

#define NUL_BYTE "DOCUMENT:Q1  01-JAN-2000\r\nTI\0TLE   :x\n====\n"

static void
test_refused (void)
{
  static const Refused cases[] = {
    { "empty", "", 0, KBD_ERROR_EMPTY, "T.TXT:1:" },
    { "white space", " \r\n\t\n\f\v \n", 0, KBD_ERROR_EMPTY, "T.TXT:1:" },
    { "NUL byte", NUL_BYTE, sizeof NUL_BYTE - 1, KBD_ERROR_ENCODING, "T.TXT:2:" },
    { "no DOCUMENT line", "TITLE   :x\n====\n", 0, KBD_ERROR_MISSING_FIELD, "T.TXT:1: DOCUMENT:" },
    { "text before DOCUMENT", "\nHello\nDOCUMENT:Q1  01-JAN-2000\n", 0, KBD_ERROR_MISSING_FIELD,
      "T.TXT:2: DOCUMENT:" },
    { "DOCUMENT with no number", "DOCUMENT:  06-AUG-2002  [x]\n", 0, KBD_ERROR_INVALID_VALUE,
      "T.TXT:1: DOCUMENT:" },
    { "DOCUMENT with Q only", "DOCUMENT:Q  06-AUG-2002  [x]\n", 0, KBD_ERROR_INVALID_VALUE,
      "T.TXT:1: DOCUMENT:" },
    { "empty DOCUMENT", "DOCUMENT:\nTITLE   :x\n====\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "number overflow", "DOCUMENT:Q99999999999999999999  06-AUG-2002  [x]\n", 0, KBD_ERROR_NUMBER_RANGE,
      "T.TXT:1: DOCUMENT:" },
    { "number 0", "DOCUMENT:Q0  06-AUG-2002  [x]\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "no date", "DOCUMENT:Q1\nTITLE   :x\n====\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "bad date", "DOCUMENT:Q1  31-FEB-2002  [x]\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "bad month", "DOCUMENT:Q1  01-FOO-2002  [x]\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "short year", "DOCUMENT:Q1  01-JAN-02\n", 0, KBD_ERROR_INVALID_VALUE, "T.TXT:1: DOCUMENT:" },
    { "junk after date", "DOCUMENT:Q1  01-JAN-2002  exchange\n", 0, KBD_ERROR_INVALID_VALUE,
      "T.TXT:1: DOCUMENT:" },
    { "unknown field", "DOCUMENT:Q1  01-JAN-2002  [x]\nTITLE   :x\nAUTHOR  :me\n====\n", 0,
      KBD_ERROR_UNKNOWN_FIELD, "T.TXT:3:" },
    { "duplicate field", "DOCUMENT:Q1  01-JAN-2002  [x]\nTITLE   :x\n\nTITLE   :y\n====\n", 0,
      KBD_ERROR_DUPLICATE_KEY, "T.TXT:4: TITLE:" },
    { "not a header line", "DOCUMENT:Q1  01-JAN-2002  [x]\nTITLE   :x\nSome text\n====\n", 0,
      KBD_ERROR_SYNTAX, "T.TXT:3:" },
    { "header never ends", "DOCUMENT:Q1  01-JAN-2002  [x]\nTITLE   :x\n\n", 0, KBD_ERROR_SYNTAX,
      "T.TXT:3:" },
    { "no TITLE", "DOCUMENT:Q1  01-JAN-2002  [x]\nPRODUCT :x\n=====\nbody\n", 0, KBD_ERROR_MISSING_FIELD,
      "T.TXT:3: TITLE:" },
    { "CR-only line ends", "DOCUMENT:Q1  01-JAN-2002  [x]\rTITLE   :x\rBAD\r====\r", 0, KBD_ERROR_SYNTAX,
      "T.TXT:3:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_refused (&cases[i], cases[i].text, cases[i].len != 0 ? cases[i].len : strlen (cases[i].text));
}

/* Dangerous sizes run in a subprocess: a crash or a hang fails the test. */
static gboolean
run_in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;

  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  return FALSE;
}

static void
test_hostile_sizes (void)
{
  static const Refused too_large = { "5 MiB of A", NULL, 0, KBD_ERROR_TOO_LARGE, "T.TXT:1:" };
  static const Refused long_line = { "a 1 MiB line", NULL, 0, KBD_ERROR_MISSING_FIELD, "T.TXT:1: DOCUMENT:" };
  gsize big = 5 * 1024 * 1024, mib = 1024 * 1024;
  g_autofree char *as = NULL;
  g_autoptr(GString) body = g_string_new (HEADER);
  g_autoptr(KbdReferenceArticle) article = NULL;

  if (!run_in_subprocess ())
    return;

  as = g_malloc (big);
  memset (as, 'A', big);
  assert_refused (&too_large, as, big);
  assert_refused (&long_line, as, mib);

  /* A header, then a 1 MiB line: imported whole. */
  g_string_append_len (body, as, mib);
  article = import_ok (body->str, body->len);
  g_assert_cmpuint (kbd_reference_article_get_n_sections (article), ==, 1);
  g_assert_cmpuint (strlen (kbd_reference_article_get_section_text (article, 0)), ==, mib);
}

static void
test_hostile_headings (void)
{
  g_autoptr(GString) text = NULL;
  g_autoptr(KbdReferenceArticle) article = NULL;
  g_autoptr(GPtrArray) mentions = NULL;

  if (!run_in_subprocess ())
    return;

  /* 100,000 headings in a row, 100,000 times the same mention, then a
   * line of 2 MiB of '=' after a line of text. */
  text = g_string_new (HEADER);
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "HEAD\n====\n");
  for (guint i = 0; i < 100000; i++)
    g_string_append (text, "Q12345\n");
  g_string_append (text, "text\n");
  for (guint i = 0; i < 2 * 1024 * 1024; i++)
    g_string_append_c (text, '=');
  article = import_ok (text->str, text->len);
  g_assert_cmpuint (kbd_reference_article_get_n_sections (article), ==, 100000);
  g_assert_cmpstr (kbd_reference_article_get_section_title (article, 99999), ==, "HEAD");
  mentions = kbd_reference_article_find_mentions (article);
  g_assert_cmpuint (mentions->len, ==, 1);
}

static void
test_from_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "Q123456.TXT", NULL);
  g_autofree char *missing = g_build_filename (g_get_user_cache_dir (), "Q1.TXT", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(KbdReferenceArticle) article = NULL;
  KbdReferenceArticle *none;

  g_assert_cmpint (g_mkdir_with_parents (g_get_user_cache_dir (), 0700), ==, 0);
  g_file_set_contents (path, HEADER "Body", -1, &error);
  g_assert_no_error (error);
  article = kbd_reference_article_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (kbd_reference_article_get_id (article), ==, "Q123456");

  none = kbd_reference_article_new_from_file (missing, &error);
  g_assert_null (none);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND);
  g_clear_error (&error);

  none = kbd_reference_article_new_from_file (g_get_user_cache_dir (), &error);
  g_assert_null (none);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);

  g_file_set_contents (path, "TITLE   :x\n", -1, &error);
  g_assert_no_error (error);
  none = kbd_reference_article_new_from_file (path, &error);
  g_assert_null (none);
  g_assert_error (error, KBD_ERROR, KBD_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "Q123456.TXT:1: DOCUMENT: "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Kbd/Reference/sample-imports", test_sample_imports);
  g_test_add_func ("/Kbd/Reference/pinned-exchange", test_pinned_exchange);
  g_test_add_func ("/Kbd/Reference/pinned-latin1", test_pinned_latin1);
  g_test_add_func ("/Kbd/Reference/pinned-sections", test_pinned_sections);
  g_test_add_func ("/Kbd/Reference/find-mentions", test_find_mentions);
  g_test_add_func ("/Kbd/Reference/parse-id", test_parse_id);
  g_test_add_func ("/Kbd/Reference/header-variants", test_header_variants);
  g_test_add_func ("/Kbd/Reference/headings", test_headings);
  g_test_add_func ("/Kbd/Reference/line-ends", test_line_ends);
  g_test_add_func ("/Kbd/Reference/body", test_body);
  g_test_add_func ("/Kbd/Reference/encodings", test_encodings);
  g_test_add_func ("/Kbd/Reference/refuses-bad-input", test_refused);
  g_test_add_func ("/Kbd/Reference/hostile-sizes", test_hostile_sizes);
  g_test_add_func ("/Kbd/Reference/hostile-headings", test_hostile_headings);
  g_test_add_func ("/Kbd/Reference/from-file", test_from_file);

  return g_test_run ();
}
