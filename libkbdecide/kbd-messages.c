/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-messages-private.h"
#include "kbd-private.h"

/* A reader for GNU .mo files: a header, then two tables of (length,
 * offset) pairs, the originals sorted byte-wise and the translations in
 * the same order. Every offset is checked against the file's size. */

#define MO_MAGIC 0x950412deU
#define MO_MAGIC_SWAPPED 0xde120495U

struct _KbdMessages
{
  GMappedFile *file;   /* NULL: no translation (English) */
  const guint8 *data;
  gsize size;
  gboolean swapped;
  guint32 n;
  guint32 originals;
  guint32 translations;
};

const char *
kbd_i18n_localedir (void)
{
  const char *dir = g_getenv ("KBDECIDE_LOCALEDIR");

  return dir != NULL ? dir : LOCALEDIR;
}

static guint32
read_u32 (KbdMessages *self,
          gsize        offset)
{
  guint32 value;

  memcpy (&value, self->data + offset, sizeof value);
  return self->swapped ? GUINT32_SWAP_LE_BE (value) : value;
}

/* The @index-th string of the table at @table, or NULL when the file is
 * damaged. */
static const char *
string_at (KbdMessages *self,
           guint32      table,
           guint32      index)
{
  gsize entry = (gsize) table + (gsize) index * 8;
  guint32 length, offset;

  if (entry + 8 > self->size)
    return NULL;
  length = read_u32 (self, entry);
  offset = read_u32 (self, entry + 4);
  if ((gsize) offset + length >= self->size || self->data[offset + length] != '\0')
    return NULL;
  return (const char *) self->data + offset;
}

static KbdMessages *
open_catalog (const char *path)
{
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, NULL);
  KbdMessages *self;
  guint32 magic;

  if (file == NULL || g_mapped_file_get_length (file) < 28)
    return NULL;

  self = g_new0 (KbdMessages, 1);
  self->data = (const guint8 *) g_mapped_file_get_contents (file);
  self->size = g_mapped_file_get_length (file);
  memcpy (&magic, self->data, sizeof magic);
  if (magic != MO_MAGIC && magic != MO_MAGIC_SWAPPED)
    {
      g_free (self);
      return NULL;
    }
  self->swapped = magic == MO_MAGIC_SWAPPED;
  self->n = read_u32 (self, 8);
  self->originals = read_u32 (self, 12);
  self->translations = read_u32 (self, 16);
  if ((gsize) self->originals + (gsize) self->n * 8 > self->size ||
      (gsize) self->translations + (gsize) self->n * 8 > self->size)
    {
      g_free (self);
      return NULL;
    }
  self->file = g_steal_pointer (&file);
  return self;
}

KbdMessages *
kbd_messages_load (const char *language)
{
  g_autofree char *tag = NULL;
  char *candidates[3] = { NULL, NULL, NULL };
  KbdMessages *found = NULL;

  if (language == NULL || language[0] == '\0')
    return NULL;

  /* "pt-BR" is "pt_BR" in a locale folder. */
  tag = g_strndup (language, strcspn (language, ".@"));
  g_strdelimit (tag, "-", '_');
  if (g_ascii_strncasecmp (tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '_'))
    return g_new0 (KbdMessages, 1);

  candidates[0] = g_strdup (tag);
  if (strchr (tag, '_') != NULL)
    candidates[1] = g_strndup (tag, strcspn (tag, "_"));

  for (guint i = 0; found == NULL && candidates[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (kbd_i18n_localedir (), candidates[i], "LC_MESSAGES",
                                                GETTEXT_PACKAGE ".mo", NULL);
      found = open_catalog (path);
    }
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    g_free (candidates[i]);
  return found;
}

void
kbd_messages_free (KbdMessages *messages)
{
  if (messages == NULL)
    return;
  g_clear_pointer (&messages->file, g_mapped_file_unref);
  g_free (messages);
}

/* The conversions of a printf format in argument order, e.g. "s|.0f|"
 * for "%s (%.0f s)"; positional directives ("%2$s") are put in their
 * argument's place, so a translation may reorder them. */
static char *
directives (const char *format)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func (g_free);
  GString *out = g_string_new (NULL);
  guint next = 0;

  for (const char *p = format; *p != '\0'; p++)
    {
      GString *conversion;
      guint position = next;

      if (*p != '%')
        continue;
      p++;
      if (*p == '%')
        continue;
      if (g_ascii_isdigit (*p))
        {
          const char *q = p;
          guint n = 0;

          while (g_ascii_isdigit (*q) && n < 100)
            n = n * 10 + (guint) (*q++ - '0');
          if (*q == '$' && n >= 1 && n <= 99)
            {
              position = n - 1;
              p = q + 1;
            }
        }
      conversion = g_string_new (NULL);
      while (*p != '\0' && strchr ("0123456789.-+ #'*hlLqjzt", *p) != NULL)
        g_string_append_c (conversion, *p++);
      if (*p == '\0')
        {
          g_string_free (conversion, TRUE);
          break;
        }
      g_string_append_c (conversion, *p);
      if (slots->len <= position)
        g_ptr_array_set_size (slots, position + 1);
      g_free (slots->pdata[position]);
      slots->pdata[position] = g_string_free (conversion, FALSE);
      next = position + 1;
    }

  for (guint i = 0; i < slots->len; i++)
    g_string_append_printf (out, "%s|", slots->pdata[i] != NULL ? (char *) slots->pdata[i] : "?");
  return g_string_free (out, FALSE);
}

const char *
kbd_messages_lookup (KbdMessages *messages,
                     const char  *msgid)
{
  guint32 low = 0, high;

  if (messages == NULL || messages->file == NULL)
    return msgid;

  high = messages->n;
  while (low < high)
    {
      guint32 middle = low + (high - low) / 2;
      const char *original = string_at (messages, messages->originals, middle);
      int order;

      if (original == NULL)
        return msgid;
      order = strcmp (msgid, original);
      if (order == 0)
        {
          const char *translation = string_at (messages, messages->translations, middle);
          g_autofree char *want = NULL;
          g_autofree char *have = NULL;

          if (translation == NULL || translation[0] == '\0')
            return msgid;
          want = directives (msgid);
          have = directives (translation);
          return g_str_equal (want, have) ? translation : msgid;
        }
      if (order < 0)
        high = middle;
      else
        low = middle + 1;
    }
  return msgid;
}
