/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A strict RFC 8259 parser that builds a compact, read-only tree in one
 * arena, with the line and byte column of every value. It is the only way
 * untrusted JSON enters the library: json-glib's own parser keeps duplicate
 * keys, truncates at \u0000, has no depth limit and records no positions. */

typedef enum
{
  KBD_JSON_NULL,
  KBD_JSON_BOOLEAN,
  KBD_JSON_INTEGER,
  KBD_JSON_DOUBLE,
  KBD_JSON_STRING,
  KBD_JSON_ARRAY,
  KBD_JSON_OBJECT,
} KbdJsonType;

typedef struct _KbdJsonValue KbdJsonValue;
typedef struct _KbdJsonMember KbdJsonMember;
typedef struct _KbdJsonDoc KbdJsonDoc;

struct _KbdJsonValue
{
  KbdJsonType type;
  guint32 line;
  guint32 column;
  union {
    gboolean boolean;
    gint64 integer;
    double number;
    struct { const char *str; guint32 len; } string;
    struct { KbdJsonValue **items; guint32 n; } array;
    struct { KbdJsonMember *members; guint32 n; } object;
  } v;
};

struct _KbdJsonMember
{
  const char *key;
  guint32 key_len;
  guint32 line;
  guint32 column;
  KbdJsonValue *value;
};

/* A field path, kept on the C stack while walking a tree, turned into text
 * (`nodes.x.steps[3].text`) only when an error needs it. */
typedef struct _KbdJsonPath KbdJsonPath;
struct _KbdJsonPath
{
  const KbdJsonPath *parent;
  const char *key;      /* NULL for an array element */
  gsize key_len;
  gsize index;
};

#define KBD_JSON_PATH_KEY(parent_, key_) \
  { (parent_), (key_), strlen (key_), 0 }

typedef struct
{
  guint max_depth;
  gsize max_string_bytes;
} KbdJsonLimits;

KbdJsonDoc         *kbd_json_doc_parse        (const char          *data,
                                               gsize                len,
                                               const char          *display_name,
                                               const KbdJsonLimits *limits,
                                               GError             **error);
void                kbd_json_doc_free         (KbdJsonDoc          *doc);
const KbdJsonValue *kbd_json_doc_get_root     (KbdJsonDoc          *doc);

const KbdJsonValue *kbd_json_object_get       (const KbdJsonValue  *object,
                                               const char          *key);
const char         *kbd_json_type_name        (KbdJsonType          type);
char               *kbd_json_path_to_string   (const KbdJsonPath   *path);

/* Shared by everything that turns a tree into objects: each failure names
 * the file, the line and column, and the field path. */
typedef struct
{
  const char *display_name;
  GError **error;
} KbdJsonReader;

gboolean            kbd_json_reader_fail        (KbdJsonReader       *reader,
                                                 guint                line,
                                                 guint                column,
                                                 const KbdJsonPath   *path,
                                                 int                  code,
                                                 const char          *format,
                                                 ...) G_GNUC_PRINTF (6, 7);
gboolean            kbd_json_reader_expect_type (KbdJsonReader       *reader,
                                                 const KbdJsonValue  *value,
                                                 const KbdJsonPath   *path,
                                                 KbdJsonType          type);
gboolean            kbd_json_reader_check_fields (KbdJsonReader      *reader,
                                                 const KbdJsonValue  *object,
                                                 const KbdJsonPath   *path,
                                                 const char *const   *allowed);
const KbdJsonValue *kbd_json_reader_get_field   (KbdJsonReader       *reader,
                                                 const KbdJsonValue  *object,
                                                 const KbdJsonPath   *path,
                                                 const char          *key,
                                                 gboolean             required);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdJsonDoc, kbd_json_doc_free)

G_END_DECLS
