/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Gettext PO files, as far as article translations need them: one entry
 * per string, keyed by msgctxt (the string id), with msgid holding the
 * source text it translates. Plural forms do not occur in articles and
 * are refused. */

#define KBD_PO_MAX_FILE_SIZE (16 * 1024 * 1024)
#define KBD_PO_MAX_ENTRIES   200000

typedef struct
{
  char *context;       /* msgctxt, or NULL */
  char *id;            /* msgid */
  char *str;           /* msgstr */
  char *previous_id;   /* "#| msgid", or NULL */
  char *comments;      /* translator comments ("# …" lines, without "# "), or NULL */
  gboolean fuzzy;
  guint line;          /* where the entry starts */
} KbdPoEntry;

typedef struct
{
  char *name;          /* for messages */
  char *header;        /* msgstr of the entry with the empty msgid, or NULL */
  guint header_line;
  char *header_comments;
  GPtrArray *entries;  /* KbdPoEntry, file order, without the header */
  GHashTable *by_context; /* msgctxt → KbdPoEntry, borrowed */
  GPtrArray *obsolete; /* KbdPoEntry of the "#~" entries, kept for updates */
} KbdPoFile;

KbdPoFile  *kbd_po_file_parse            (const char  *data,
                                          gsize        len,
                                          const char  *name,
                                          GError     **error);
void        kbd_po_file_free             (KbdPoFile   *po);
char       *kbd_po_file_get_header_field (KbdPoFile   *po,
                                          const char  *field);

/* Appends @keyword and @text as a PO string, wrapped at line breaks and
 * at about 76 columns, escaped. */
void        kbd_po_append_string         (GString     *out,
                                          const char  *keyword,
                                          const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdPoFile, kbd_po_file_free)

G_END_DECLS
