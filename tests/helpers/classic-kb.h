/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Classic plain-text KB articles for the tests and the fuzzers: making one,
 * and reading back its body the way the format describes it, to check that
 * the importer loses and invents no text. Header only: each test program
 * (and fuzz/fuzz-reference.c) includes it. */
#pragma once

#include <string.h>

#include <glib.h>

/* An article's header fields and the texts of its two sections, SYMPTOMS
 * and MORE INFORMATION. NULL fields are empty. */
typedef struct
{
  const char *id;         /* "Q317627" */
  const char *title;
  const char *product;
  const char *versions;   /* the PROD/VER line as written */
  const char *systems;    /* OPER/SYS */
  const char *keywords;
  const char *symptoms;
  const char *more;
} KbdTestClassic;

/* The article as a file holds it, with CR LF line ends. */
static inline char *
kbd_test_classic_text (const KbdTestClassic *a)
{
#define FIELD(x) ((x) != NULL ? (x) : "")
  return g_strdup_printf ("DOCUMENT:%s  06-AUG-2002  [exchange]\r\n"
                          "TITLE   :%s\r\n"
                          "PRODUCT :%s\r\n"
                          "PROD/VER:%s\r\n"
                          "OPER/SYS:%s\r\n"
                          "KEYWORDS:%s\r\n"
                          "\r\n"
                          "======================================================================\r\n"
                          "\r\n"
                          "SYMPTOMS\r\n"
                          "========\r\n"
                          "\r\n"
                          "%s\r\n"
                          "\r\n"
                          "MORE INFORMATION\r\n"
                          "================\r\n"
                          "\r\n"
                          "%s\r\n",
                          FIELD (a->id), FIELD (a->title), FIELD (a->product), FIELD (a->versions),
                          FIELD (a->systems), FIELD (a->keywords), FIELD (a->symptoms), FIELD (a->more));
#undef FIELD
}

/* What "no text lost" compares: no white space, and every run of '=' or of
 * '-' as one character (underlines are as long as their headings, not as
 * in the file). */
static inline char *
kbd_test_classic_normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == '\v')
        continue;
      if ((*p == '=' || *p == '-') && out->len > 0 && out->str[out->len - 1] == *p)
        continue;
      g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* The body: everything after the first line of three or more '=' and
 * nothing else but trailing blanks, which ends the header. Lines end at LF,
 * CR LF or a lone CR, as the format's description says. NULL when there is
 * no such line. */
static inline const char *
kbd_test_classic_find_body (const char *text)
{
  const char *line = text;

  while (*line != '\0')
    {
      gsize len = strcspn (line, "\r\n");
      const char *next = line + len;
      gsize n = 0;

      if (next[0] == '\r' && next[1] == '\n')
        next += 2;
      else if (next[0] != '\0')
        next++;

      while (n < len && line[n] == '=')
        n++;
      while (n < len && (line[n] == ' ' || line[n] == '\t' || line[n] == '\f' || line[n] == '\v'))
        n++;
      if (n == len && len >= 3 && line[0] == '=')
        return next;
      line = next;
    }
  return NULL;
}
