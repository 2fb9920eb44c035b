/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "kbd-article-object-private.h"
#include "kbd-diagnostic.h"
#include "kbd-error.h"
#include "kbd-json-private.h"
#include "kbd-private.h"
#include "kbd-text.h"

/* Builds a KbdArticle from the strict parser's tree. Everything the format
 * does not define is refused, so a file is either understood completely or
 * not loaded at all. */

typedef KbdJsonReader Loader;

typedef enum
{
  TEXT_ID,        /* stable id */
  TEXT_ARTICLE_ID,
  TEXT_LANGUAGE,
  TEXT_DATE,
  TEXT_NAME,      /* one line, no inline syntax: products, keywords, publisher */
  TEXT_SHORT,     /* one line, inline syntax: titles, labels, prompts */
  TEXT_LONG,      /* paragraphs, inline syntax */
} TextKind;

gboolean
kbd_is_stable_id (const char *id)
{
  gsize len = 0;

  if (!g_ascii_islower (id[0]))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++, len++)
    if (!(g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '_'))
      return FALSE;
  return len <= KBD_MAX_ID_BYTES;
}

gboolean
kbd_is_article_id (const char *id)
{
  gsize len = 0;

  if (!g_ascii_isalpha (id[0]))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++, len++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.'))
      return FALSE;
  return len <= KBD_MAX_ID_BYTES;
}

gboolean
kbd_is_language_tag (const char *tag)
{
  g_auto(GStrv) parts = NULL;
  gsize len;

  /* g_strsplit() returns no parts at all for "". */
  if (tag[0] == '\0')
    return FALSE;

  parts = g_strsplit (tag, "-", -1);
  len = strlen (parts[0]);
  if (len < 2 || len > 3)
    return FALSE;
  for (const char *p = parts[0]; *p; p++)
    if (!g_ascii_islower (*p))
      return FALSE;
  for (guint i = 1; parts[i] != NULL; i++)
    {
      len = strlen (parts[i]);
      if (len < 2 || len > 8)
        return FALSE;
      for (const char *p = parts[i]; *p; p++)
        if (!g_ascii_isalnum (*p))
          return FALSE;
    }
  return TRUE;
}

static gboolean
is_date (const char *text)
{
  g_autoptr(GDate) date = NULL;
  guint year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;

  year = (guint) g_ascii_strtoull (text, NULL, 10);
  month = (guint) g_ascii_strtoull (text + 5, NULL, 10);
  day = (guint) g_ascii_strtoull (text + 8, NULL, 10);
  return year >= 1 && g_date_valid_dmy (day, month, year);
}

/* The checks every text of an article passes, in the file and in a
 * translation: its length, no control characters (line breaks and tabs
 * only in paragraphs) and, for @inline_syntax, well-formed inline marks.
 * @error has no location: the caller adds it. */
gboolean
kbd_check_article_text (const char  *str,
                        gsize        len,
                        gboolean     multiline,
                        gboolean     inline_syntax,
                        GError     **error)
{
  gsize limit = multiline ? KBD_MAX_LONG_TEXT_BYTES : KBD_MAX_SHORT_TEXT_BYTES;

  if (len > limit)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED,
                   _("the text is %lu bytes long; at most %lu are allowed here"),
                   (unsigned long) len, (unsigned long) limit);
      return FALSE;
    }

  for (const char *p = str; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if ((ch < 0x20 && !(multiline && (ch == '\n' || ch == '\t'))) ||
          (ch >= 0x7f && ch <= 0x9f))
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                       multiline
                         ? _("control character U+%04X is not allowed in text")
                         : _("control character U+%04X is not allowed here (line breaks only in paragraph texts)"),
                       ch);
          return FALSE;
        }
    }

  if (inline_syntax)
    {
      g_autoptr(GError) local_error = NULL;
      gsize offset = 0;

      if (!kbd_text_check (str, &offset, &local_error))
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                       _("inline syntax at character %ld: %s"),
                       g_utf8_pointer_to_offset (str, str + offset) + 1,
                       local_error->message);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads a string value and checks it as @kind. */
static gboolean
read_string_value (Loader             *loader,
                   const KbdJsonValue *value,
                   const KbdJsonPath  *path,
                   TextKind            kind,
                   char              **out)
{
  const char *str;
  gboolean multiline = kind == TEXT_LONG;

  if (!kbd_json_reader_expect_type (loader, value, path, KBD_JSON_STRING))
    return FALSE;

  str = value->v.string.str;

  switch (kind)
    {
    case TEXT_ID:
      if (!kbd_is_stable_id (str))
        return kbd_json_reader_fail (loader, value->line, value->column, path, KBD_ERROR_INVALID_VALUE,
                        _("“%s” is not a valid id: use 1–64 lower-case letters, digits and “_”, starting with a letter"),
                        str);
      break;

    case TEXT_ARTICLE_ID:
      if (!kbd_is_article_id (str))
        return kbd_json_reader_fail (loader, value->line, value->column, path, KBD_ERROR_INVALID_VALUE,
                        _("“%s” is not a valid article id: use 1–64 letters, digits, “_”, “-” and “.”, starting with a letter"),
                        str);
      break;

    case TEXT_LANGUAGE:
      if (!kbd_is_language_tag (str))
        return kbd_json_reader_fail (loader, value->line, value->column, path, KBD_ERROR_INVALID_VALUE,
                        _("“%s” is not a language tag such as “en” or “pt-BR”"), str);
      break;

    case TEXT_DATE:
      if (!is_date (str))
        return kbd_json_reader_fail (loader, value->line, value->column, path, KBD_ERROR_INVALID_VALUE,
                        _("“%s” is not a date in the form YYYY-MM-DD"), str);
      break;

    case TEXT_NAME:
    case TEXT_SHORT:
    case TEXT_LONG:
    default:
      {
        g_autoptr(GError) local_error = NULL;

        if (!kbd_check_article_text (str, value->v.string.len, multiline, kind != TEXT_NAME, &local_error))
          return kbd_json_reader_fail (loader, value->line, value->column, path, local_error->code,
                                       "%s", local_error->message);
      }
      break;
    }

  *out = g_strndup (str, value->v.string.len);
  return TRUE;
}

static gboolean
read_string (Loader             *loader,
             const KbdJsonValue *object,
             const KbdJsonPath  *path,
             const char         *key,
             TextKind            kind,
             gboolean            required,
             char              **out)
{
  const KbdJsonValue *value = kbd_json_reader_get_field (loader, object, path, key, required);
  KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

  *out = NULL;
  if (value == NULL)
    return !required;

  return read_string_value (loader, value, &child, kind, out);
}

static const KbdJsonValue *
read_array (Loader             *loader,
            const KbdJsonValue *object,
            const KbdJsonPath  *path,
            const char         *key,
            gboolean            required,
            guint               min_items,
            guint               max_items)
{
  const KbdJsonValue *value = kbd_json_reader_get_field (loader, object, path, key, required);
  KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

  if (value == NULL)
    return NULL;
  if (!kbd_json_reader_expect_type (loader, value, &child, KBD_JSON_ARRAY))
    return NULL;

  if (value->v.array.n < min_items)
    {
      kbd_json_reader_fail (loader, value->line, value->column, &child, KBD_ERROR_INVALID_VALUE,
               g_dngettext (GETTEXT_PACKAGE,
                            "needs at least %u entry", "needs at least %u entries",
                            min_items),
               min_items);
      return NULL;
    }

  if (value->v.array.n > max_items)
    {
      kbd_json_reader_fail (loader, value->line, value->column, &child, KBD_ERROR_LIMIT_EXCEEDED,
               g_dngettext (GETTEXT_PACKAGE,
                            "has %u entries; at most %u is allowed",
                            "has %u entries; at most %u are allowed", max_items),
               value->v.array.n, max_items);
      return NULL;
    }

  return value;
}

static gboolean
read_string_array (Loader             *loader,
                   const KbdJsonValue *object,
                   const KbdJsonPath  *path,
                   const char         *key,
                   guint               max_items,
                   char             ***out)
{
  const KbdJsonValue *array;
  GPtrArray *strings;
  KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

  *out = NULL;
  if (kbd_json_object_get (object, key) == NULL)
    {
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  array = read_array (loader, object, path, key, FALSE, 0, max_items);
  if (array == NULL)
    return FALSE;

  /* Reserve at least one slot: GLib 2.74 leaves pdata NULL otherwise. */
  strings = g_ptr_array_new_null_terminated (MAX (array->v.array.n, 1), g_free, TRUE);
  for (guint32 i = 0; i < array->v.array.n; i++)
    {
      KbdJsonPath item_path = { &child, NULL, 0, i };
      char *str;

      if (!read_string_value (loader, array->v.array.items[i], &item_path, TEXT_NAME, &str))
        {
          g_ptr_array_unref (strings);
          return FALSE;
        }
      if (str[0] == '\0')
        {
          g_free (str);
          g_ptr_array_unref (strings);
          return kbd_json_reader_fail (loader, array->v.array.items[i]->line,
                          array->v.array.items[i]->column, &item_path,
                          KBD_ERROR_INVALID_VALUE, _("an empty string is not allowed here"));
        }
      g_ptr_array_add (strings, str);
    }

  *out = (char **) g_ptr_array_free (strings, FALSE);
  return TRUE;
}

/* Names have no validator check for blank text: a required one that is
 * empty is refused here. */
static gboolean
reject_empty (Loader             *loader,
              const KbdJsonValue *object,
              const KbdJsonPath  *path,
              const char         *key,
              const char         *str)
{
  const KbdJsonValue *value;
  KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

  if (str[0] != '\0')
    return TRUE;

  value = kbd_json_object_get (object, key);
  return kbd_json_reader_fail (loader, value->line, value->column, &child,
                               KBD_ERROR_INVALID_VALUE, _("an empty string is not allowed here"));
}

static gboolean
expect_object (Loader             *loader,
               const KbdJsonValue *value,
               const KbdJsonPath  *path,
               const char *const  *allowed)
{
  return kbd_json_reader_expect_type (loader, value, path, KBD_JSON_OBJECT) &&
         kbd_json_reader_check_fields (loader, value, path, allowed);
}

static KbdCallout *
load_callout (Loader             *loader,
              const KbdJsonValue *value,
              const KbdJsonPath  *path)
{
  static const char *const fields[] = { "id", "kind", "text", NULL };
  g_autoptr(KbdCallout) callout = g_new0 (KbdCallout, 1);
  g_autofree char *kind = NULL;
  KbdJsonPath kind_path = KBD_JSON_PATH_KEY (path, "kind");

  g_atomic_ref_count_init (&callout->ref_count);

  if (!expect_object (loader, value, path, fields) ||
      !read_string (loader, value, path, "id", TEXT_ID, TRUE, &callout->id) ||
      !read_string (loader, value, path, "kind", TEXT_NAME, TRUE, &kind) ||
      !read_string (loader, value, path, "text", TEXT_LONG, TRUE, &callout->text))
    return NULL;

  if (g_str_equal (kind, "note"))
    callout->kind = KBD_CALLOUT_NOTE;
  else if (g_str_equal (kind, "warning"))
    callout->kind = KBD_CALLOUT_WARNING;
  else if (g_str_equal (kind, "important"))
    callout->kind = KBD_CALLOUT_IMPORTANT;
  else
    {
      const KbdJsonValue *kind_value = kbd_json_object_get (value, "kind");
      kbd_json_reader_fail (loader, kind_value->line, kind_value->column, &kind_path,
               KBD_ERROR_INVALID_VALUE,
               _("“%s” is not a callout kind: use “note”, “warning” or “important”"), kind);
      return NULL;
    }

  return g_steal_pointer (&callout);
}

static KbdStep *
load_step (Loader             *loader,
           const KbdJsonValue *value,
           const KbdJsonPath  *path,
           gboolean            is_substep)
{
  static const char *const step_fields[] = { "id", "text", "substeps", "callouts", NULL };
  static const char *const substep_fields[] = { "id", "text", NULL };
  g_autoptr(KbdStep) step = g_new0 (KbdStep, 1);
  const KbdJsonValue *array;

  g_atomic_ref_count_init (&step->ref_count);
  step->line = value->line;
  step->column = value->column;

  if (!expect_object (loader, value, path, is_substep ? substep_fields : step_fields) ||
      !read_string (loader, value, path, "id", TEXT_ID, TRUE, &step->id) ||
      !read_string (loader, value, path, "text", TEXT_LONG, TRUE, &step->text))
    return NULL;

  if (is_substep)
    return g_steal_pointer (&step);

  if (kbd_json_object_get (value, "substeps") != NULL)
    {
      KbdJsonPath array_path = KBD_JSON_PATH_KEY (path, "substeps");

      array = read_array (loader, value, path, "substeps", FALSE, 0, KBD_MAX_SUBSTEPS);
      if (array == NULL)
        return NULL;

      step->substeps = g_new0 (KbdStep *, array->v.array.n);
      for (guint32 i = 0; i < array->v.array.n; i++)
        {
          KbdJsonPath item_path = { &array_path, NULL, 0, i };

          step->substeps[i] = load_step (loader, array->v.array.items[i], &item_path, TRUE);
          if (step->substeps[i] == NULL)
            return NULL;
          step->n_substeps++;
        }
    }

  if (kbd_json_object_get (value, "callouts") != NULL)
    {
      KbdJsonPath array_path = KBD_JSON_PATH_KEY (path, "callouts");

      array = read_array (loader, value, path, "callouts", FALSE, 0, KBD_MAX_CALLOUTS);
      if (array == NULL)
        return NULL;

      step->callouts = g_new0 (KbdCallout *, array->v.array.n);
      for (guint32 i = 0; i < array->v.array.n; i++)
        {
          KbdJsonPath item_path = { &array_path, NULL, 0, i };

          step->callouts[i] = load_callout (loader, array->v.array.items[i], &item_path);
          if (step->callouts[i] == NULL)
            return NULL;
          step->n_callouts++;
        }
    }

  return g_steal_pointer (&step);
}

static KbdAnswer *
load_answer (Loader             *loader,
             const KbdJsonValue *value,
             const KbdJsonPath  *path)
{
  static const char *const fields[] = { "id", "label", "help", "next", NULL };
  g_autoptr(KbdAnswer) answer = g_new0 (KbdAnswer, 1);

  g_atomic_ref_count_init (&answer->ref_count);
  answer->line = value->line;
  answer->column = value->column;

  if (!expect_object (loader, value, path, fields) ||
      !read_string (loader, value, path, "id", TEXT_ID, TRUE, &answer->id) ||
      !read_string (loader, value, path, "label", TEXT_SHORT, TRUE, &answer->label) ||
      !read_string (loader, value, path, "help", TEXT_LONG, FALSE, &answer->help) ||
      !read_string (loader, value, path, "next", TEXT_ID, TRUE, &answer->next))
    return NULL;

  return g_steal_pointer (&answer);
}

static gboolean
load_question (Loader             *loader,
               KbdNode            *node,
               const KbdJsonValue *value,
               const KbdJsonPath  *path)
{
  static const char *const fields[] = { "kind", "prompt", "help", "answers", NULL };
  KbdJsonPath answers_path = KBD_JSON_PATH_KEY (path, "answers");
  const KbdJsonValue *answers;

  if (!kbd_json_reader_check_fields (loader, value, path, fields) ||
      !read_string (loader, value, path, "prompt", TEXT_SHORT, TRUE, &node->prompt) ||
      !read_string (loader, value, path, "help", TEXT_LONG, FALSE, &node->help))
    return FALSE;

  answers = read_array (loader, value, path, "answers", TRUE, 1, KBD_MAX_ANSWERS);
  if (answers == NULL)
    return FALSE;

  node->answers = g_new0 (KbdAnswer *, answers->v.array.n);
  for (guint32 i = 0; i < answers->v.array.n; i++)
    {
      KbdJsonPath item_path = { &answers_path, NULL, 0, i };

      node->answers[i] = load_answer (loader, answers->v.array.items[i], &item_path);
      if (node->answers[i] == NULL)
        return FALSE;
      node->n_answers++;
    }

  return TRUE;
}

static gboolean
load_procedure (Loader             *loader,
                KbdNode            *node,
                const KbdJsonValue *value,
                const KbdJsonPath  *path)
{
  static const char *const fields[] = { "kind", "title", "intro", "steps", "next", NULL };
  KbdJsonPath steps_path = KBD_JSON_PATH_KEY (path, "steps");
  const KbdJsonValue *steps;

  if (!kbd_json_reader_check_fields (loader, value, path, fields) ||
      !read_string (loader, value, path, "title", TEXT_SHORT, TRUE, &node->title) ||
      !read_string (loader, value, path, "intro", TEXT_LONG, FALSE, &node->intro))
    return FALSE;

  steps = read_array (loader, value, path, "steps", TRUE, 1, KBD_MAX_STEPS);
  if (steps == NULL)
    return FALSE;

  node->steps = g_new0 (KbdStep *, steps->v.array.n);
  for (guint32 i = 0; i < steps->v.array.n; i++)
    {
      KbdJsonPath item_path = { &steps_path, NULL, 0, i };

      node->steps[i] = load_step (loader, steps->v.array.items[i], &item_path, FALSE);
      if (node->steps[i] == NULL)
        return FALSE;
      node->n_steps++;
    }

  return read_string (loader, value, path, "next", TEXT_ID, TRUE, &node->next);
}

static gboolean
load_outcome (Loader             *loader,
              KbdNode            *node,
              const KbdJsonValue *value,
              const KbdJsonPath  *path)
{
  static const char *const fields[] = { "kind", "result", "title", "text", "escalation", NULL };
  static const char *const escalation_fields[] = { "contact", "handover", NULL };
  KbdJsonPath result_path = KBD_JSON_PATH_KEY (path, "result");
  KbdJsonPath escalation_path = KBD_JSON_PATH_KEY (path, "escalation");
  const KbdJsonValue *escalation;
  const KbdJsonValue *result_value;
  g_autofree char *result = NULL;

  if (!kbd_json_reader_check_fields (loader, value, path, fields) ||
      !read_string (loader, value, path, "result", TEXT_NAME, TRUE, &result) ||
      !read_string (loader, value, path, "title", TEXT_SHORT, TRUE, &node->title) ||
      !read_string (loader, value, path, "text", TEXT_LONG, TRUE, &node->text))
    return FALSE;

  result_value = kbd_json_object_get (value, "result");
  if (g_str_equal (result, "resolved"))
    node->result = KBD_OUTCOME_RESOLVED;
  else if (g_str_equal (result, "escalate"))
    node->result = KBD_OUTCOME_ESCALATE;
  else if (g_str_equal (result, "not-applicable"))
    node->result = KBD_OUTCOME_NOT_APPLICABLE;
  else
    return kbd_json_reader_fail (loader, result_value->line, result_value->column, &result_path,
                    KBD_ERROR_INVALID_VALUE,
                    _("“%s” is not a result: use “resolved”, “escalate” or “not-applicable”"),
                    result);

  escalation = kbd_json_object_get (value, "escalation");
  if (node->result == KBD_OUTCOME_ESCALATE)
    {
      if (escalation == NULL)
        return kbd_json_reader_fail (loader, value->line, value->column, &escalation_path,
                        KBD_ERROR_MISSING_FIELD,
                        _("an escalation outcome needs “escalation” with whom to contact and what to hand over"));

      if (!expect_object (loader, escalation, &escalation_path, escalation_fields) ||
          !read_string (loader, escalation, &escalation_path, "contact", TEXT_SHORT, TRUE,
                        &node->contact) ||
          !read_string (loader, escalation, &escalation_path, "handover", TEXT_LONG, TRUE,
                        &node->handover))
        return FALSE;
    }
  else if (escalation != NULL)
    return kbd_json_reader_fail (loader, escalation->line, escalation->column, &escalation_path,
                    KBD_ERROR_INVALID_VALUE,
                    _("only an outcome with result “escalate” can have an escalation"));

  return TRUE;
}

static KbdNode *
load_node (Loader              *loader,
           const KbdJsonMember *member,
           const KbdJsonPath   *nodes_path)
{
  const KbdJsonValue *value = member->value;
  KbdJsonPath path = { nodes_path, member->key, member->key_len, 0 };
  KbdJsonPath kind_path = KBD_JSON_PATH_KEY (&path, "kind");
  g_autoptr(KbdNode) node = g_new0 (KbdNode, 1);
  g_autofree char *kind = NULL;
  const KbdJsonValue *kind_value;
  gboolean ok;

  g_atomic_ref_count_init (&node->ref_count);
  node->line = value->line;
  node->column = value->column;

  if (!kbd_is_stable_id (member->key))
    {
      kbd_json_reader_fail (loader, member->line, member->column, &path, KBD_ERROR_INVALID_VALUE,
               _("“%s” is not a valid node id: use 1–64 lower-case letters, digits and “_”, starting with a letter"),
               member->key);
      return NULL;
    }
  node->id = g_strndup (member->key, member->key_len);

  if (!kbd_json_reader_expect_type (loader, value, &path, KBD_JSON_OBJECT) ||
      !read_string (loader, value, &path, "kind", TEXT_NAME, TRUE, &kind))
    return NULL;

  kind_value = kbd_json_object_get (value, "kind");
  if (g_str_equal (kind, "question"))
    {
      node->kind = KBD_NODE_QUESTION;
      ok = load_question (loader, node, value, &path);
    }
  else if (g_str_equal (kind, "procedure"))
    {
      node->kind = KBD_NODE_PROCEDURE;
      ok = load_procedure (loader, node, value, &path);
    }
  else if (g_str_equal (kind, "outcome"))
    {
      node->kind = KBD_NODE_OUTCOME;
      ok = load_outcome (loader, node, value, &path);
    }
  else
    ok = kbd_json_reader_fail (loader, kind_value->line, kind_value->column, &kind_path,
                  KBD_ERROR_INVALID_VALUE,
                  _("“%s” is not a node kind: use “question”, “procedure” or “outcome”"),
                  kind);

  if (!ok)
    return NULL;

  return g_steal_pointer (&node);
}

static gboolean
load_products (Loader             *loader,
               KbdArticle         *article,
               const KbdJsonValue *root)
{
  static const char *const fields[] = { "product", "versions", NULL };
  KbdJsonPath array_path = KBD_JSON_PATH_KEY (NULL, "applies_to");
  const KbdJsonValue *array;

  array = read_array (loader, root, NULL, "applies_to", TRUE, 1, KBD_MAX_PRODUCTS);
  if (array == NULL)
    return FALSE;

  for (guint32 i = 0; i < array->v.array.n; i++)
    {
      const KbdJsonValue *item = array->v.array.items[i];
      KbdJsonPath item_path = { &array_path, NULL, 0, i };
      KbdProduct *product;

      if (!expect_object (loader, item, &item_path, fields))
        return FALSE;

      product = g_new0 (KbdProduct, 1);
      g_atomic_ref_count_init (&product->ref_count);
      g_ptr_array_add (article->products, product);

      if (!read_string (loader, item, &item_path, "product", TEXT_NAME, TRUE, &product->name) ||
          !read_string_array (loader, item, &item_path, "versions", KBD_MAX_VERSIONS,
                              &product->versions))
        return FALSE;
      if (product->name[0] == '\0')
        {
          const KbdJsonValue *name = kbd_json_object_get (item, "product");
          KbdJsonPath name_path = KBD_JSON_PATH_KEY (&item_path, "product");

          return kbd_json_reader_fail (loader, name->line, name->column, &name_path,
                          KBD_ERROR_INVALID_VALUE, _("an empty string is not allowed here"));
        }
    }

  return TRUE;
}

static gboolean
load_see_also (Loader             *loader,
               KbdArticle         *article,
               const KbdJsonValue *root)
{
  static const char *const fields[] = { "id", "title", NULL };
  KbdJsonPath array_path = KBD_JSON_PATH_KEY (NULL, "see_also");
  const KbdJsonValue *array;

  if (kbd_json_object_get (root, "see_also") == NULL)
    return TRUE;

  array = read_array (loader, root, NULL, "see_also", FALSE, 0, KBD_MAX_SEE_ALSO);
  if (array == NULL)
    return FALSE;

  for (guint32 i = 0; i < array->v.array.n; i++)
    {
      const KbdJsonValue *item = array->v.array.items[i];
      KbdJsonPath item_path = { &array_path, NULL, 0, i };
      KbdReference *reference;

      if (!expect_object (loader, item, &item_path, fields))
        return FALSE;

      reference = g_new0 (KbdReference, 1);
      g_atomic_ref_count_init (&reference->ref_count);
      g_ptr_array_add (article->see_also, reference);

      if (!read_string (loader, item, &item_path, "id", TEXT_ARTICLE_ID, TRUE, &reference->id) ||
          !read_string (loader, item, &item_path, "title", TEXT_SHORT, FALSE, &reference->title))
        return FALSE;
    }

  return TRUE;
}

static gboolean
load_article (Loader             *loader,
              KbdArticle         *article,
              const KbdJsonValue *root)
{
  static const char *const fields[] = {
    "$schema", "format", "id", "language", "title", "summary", "applies_to",
    "revision", "reviewed", "source", "keywords", "see_also", "start", "nodes", NULL
  };
  static const char *const source_fields[] = { "publisher", "reference", "title", NULL };
  KbdJsonPath format_path = KBD_JSON_PATH_KEY (NULL, "format");
  KbdJsonPath revision_path = KBD_JSON_PATH_KEY (NULL, "revision");
  KbdJsonPath source_path = KBD_JSON_PATH_KEY (NULL, "source");
  KbdJsonPath nodes_path = KBD_JSON_PATH_KEY (NULL, "nodes");
  KbdJsonPath schema_path = KBD_JSON_PATH_KEY (NULL, "$schema");
  const KbdJsonValue *value;

  if (!kbd_json_reader_expect_type (loader, root, NULL, KBD_JSON_OBJECT))
    return FALSE;

  /* The version decides how to read everything else, so it comes first:
   * a newer file gets "unsupported version", not a list of unknown fields. */
  value = kbd_json_reader_get_field (loader, root, NULL, "format", TRUE);
  if (value == NULL || !kbd_json_reader_expect_type (loader, value, &format_path, KBD_JSON_INTEGER))
    return FALSE;
  if (value->v.integer > KBD_FORMAT_VERSION)
    return kbd_json_reader_fail (loader, value->line, value->column, &format_path,
                    KBD_ERROR_UNSUPPORTED_VERSION,
                    _("the article uses format %lld; this version of KB Decide reads format %d"),
                    (long long) value->v.integer, KBD_FORMAT_VERSION);
  if (value->v.integer < 1)
    return kbd_json_reader_fail (loader, value->line, value->column, &format_path,
                    KBD_ERROR_INVALID_VALUE,
                    _("%lld is not a format version"), (long long) value->v.integer);

  if (!kbd_json_reader_check_fields (loader, root, NULL, fields))
    return FALSE;

  value = kbd_json_object_get (root, "$schema");
  if (value != NULL && !kbd_json_reader_expect_type (loader, value, &schema_path, KBD_JSON_STRING))
    return FALSE;

  if (!read_string (loader, root, NULL, "id", TEXT_ARTICLE_ID, TRUE, &article->id) ||
      !read_string (loader, root, NULL, "language", TEXT_LANGUAGE, TRUE, &article->language) ||
      !read_string (loader, root, NULL, "title", TEXT_SHORT, TRUE, &article->title) ||
      !read_string (loader, root, NULL, "summary", TEXT_LONG, TRUE, &article->summary) ||
      !load_products (loader, article, root))
    return FALSE;

  value = kbd_json_reader_get_field (loader, root, NULL, "revision", TRUE);
  if (value == NULL || !kbd_json_reader_expect_type (loader, value, &revision_path, KBD_JSON_INTEGER))
    return FALSE;
  if (value->v.integer < 1 || value->v.integer > G_MAXINT32)
    return kbd_json_reader_fail (loader, value->line, value->column, &revision_path,
                    KBD_ERROR_INVALID_VALUE,
                    _("the revision must be a whole number from 1 to %d"), G_MAXINT32);
  article->revision = (guint) value->v.integer;

  if (!read_string (loader, root, NULL, "reviewed", TEXT_DATE, TRUE, &article->reviewed))
    return FALSE;

  value = kbd_json_reader_get_field (loader, root, NULL, "source", TRUE);
  if (value == NULL ||
      !expect_object (loader, value, &source_path, source_fields) ||
      !read_string (loader, value, &source_path, "publisher", TEXT_NAME, TRUE,
                    &article->source_publisher) ||
      !reject_empty (loader, value, &source_path, "publisher", article->source_publisher) ||
      !read_string (loader, value, &source_path, "reference", TEXT_NAME, TRUE,
                    &article->source_reference) ||
      !reject_empty (loader, value, &source_path, "reference", article->source_reference) ||
      !read_string (loader, value, &source_path, "title", TEXT_SHORT, FALSE,
                    &article->source_title))
    return FALSE;

  if (!read_string_array (loader, root, NULL, "keywords", KBD_MAX_KEYWORDS, &article->keywords) ||
      !load_see_also (loader, article, root) ||
      !read_string (loader, root, NULL, "start", TEXT_ID, TRUE, &article->start))
    return FALSE;

  value = kbd_json_reader_get_field (loader, root, NULL, "nodes", TRUE);
  if (value == NULL || !kbd_json_reader_expect_type (loader, value, &nodes_path, KBD_JSON_OBJECT))
    return FALSE;
  if (value->v.object.n == 0)
    return kbd_json_reader_fail (loader, value->line, value->column, &nodes_path, KBD_ERROR_INVALID_VALUE,
                    _("an article needs at least one node"));
  if (value->v.object.n > KBD_MAX_NODES)
    return kbd_json_reader_fail (loader, value->line, value->column, &nodes_path, KBD_ERROR_LIMIT_EXCEEDED,
                    _("the article has %u nodes; at most %d are allowed"),
                    value->v.object.n, KBD_MAX_NODES);

  g_ptr_array_set_size (article->nodes, 0);
  for (guint32 i = 0; i < value->v.object.n; i++)
    {
      KbdNode *node = load_node (loader, &value->v.object.members[i], &nodes_path);

      if (node == NULL)
        return FALSE;
      node->index = i;
      g_ptr_array_add (article->nodes, node);
      g_hash_table_insert (article->node_index, node->id, node);
    }

  return TRUE;
}

GBytes *
kbd_read_regular_file (const char  *filename,
                       gsize        max_size,
                       GError     **error)
{
  g_autofree char *data = NULL;
  struct stat st;
  gsize capacity, len = 0;
  int fd;

  kbd_i18n_init ();

  /* O_NONBLOCK: opening a FIFO for reading must not wait for a writer. */
  fd = g_open (filename, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      /* A socket (and some devices) cannot be opened at all (ENXIO): it is
       * still a path that is not a regular file. */
      if (saved_errno != ENOENT && g_stat (filename, &st) == 0 && !S_ISREG (st.st_mode))
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_REGULAR_FILE,
                       _("%s: is not a regular file"), filename);
          return NULL;
        }

      g_set_error (error, KBD_ERROR,
                   saved_errno == ENOENT ? KBD_ERROR_NOT_FOUND : KBD_ERROR_IO,
                   _("%s: cannot open the file: %s"), filename, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                   _("%s: cannot read the file: %s"), filename, g_strerror (saved_errno));
      return NULL;
    }

  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_REGULAR_FILE,
                   S_ISDIR (st.st_mode) ? _("%s: is a folder, not an article file")
                                        : _("%s: is not a regular file"),
                   filename);
      return NULL;
    }

  if ((guint64) st.st_size > max_size)
    {
      close (fd);
      g_set_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE,
                   _("%s: the file is %llu bytes; at most %lu are allowed"),
                   filename, (unsigned long long) st.st_size, (unsigned long) max_size);
      return NULL;
    }

  /* The file may change while it is read: never read past the limit. */
  capacity = (gsize) st.st_size + 1;
  data = g_malloc (capacity);
  for (;;)
    {
      gssize n;

      if (len == capacity)
        {
          if (capacity > max_size)
            {
              close (fd);
              g_set_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE,
                           _("%s: the file grew beyond %lu bytes while it was read"),
                           filename, (unsigned long) max_size);
              return NULL;
            }
          capacity = MIN (capacity * 2, max_size + 1);
          data = g_realloc (data, capacity);
        }

      n = read (fd, data + len, capacity - len);
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          g_set_error (error, KBD_ERROR, KBD_ERROR_IO,
                       _("%s: cannot read the file: %s"), filename, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      len += (gsize) n;
    }

  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), len);
}

static KbdArticle *
article_new_from_data (GBytes        *bytes,
                       const char    *filename,
                       const char    *display_name,
                       KbdLoadFlags   flags,
                       GError       **error)
{
  static const KbdJsonLimits limits = { KBD_MAX_DEPTH, KBD_MAX_STRING_BYTES };
  g_autoptr(KbdJsonDoc) doc = NULL;
  g_autoptr(KbdArticle) article = NULL;
  Loader loader = { display_name, error };
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  if (data == NULL)
    data = "";

  if (len > KBD_MAX_FILE_SIZE)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_TOO_LARGE,
                   _("%s: the article is %lu bytes; at most %d are allowed"),
                   display_name, (unsigned long) len, KBD_MAX_FILE_SIZE);
      return NULL;
    }

  doc = kbd_json_doc_parse (data, len, display_name, &limits, error);
  if (doc == NULL)
    return NULL;

  article = g_object_new (KBD_TYPE_ARTICLE, NULL);
  article->filename = g_strdup (filename);
  article->display_name = g_strdup (display_name);
  article->source = g_bytes_ref (bytes);
  article->content_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                       (const guchar *) data, len);
  {
    char *prefixed = g_strconcat ("sha256:", article->content_hash, NULL);
    g_free (article->content_hash);
    article->content_hash = prefixed;
  }

  if (!load_article (&loader, article, kbd_json_doc_get_root (doc)))
    return NULL;

  if (!(flags & KBD_LOAD_FLAGS_NO_VALIDATE))
    {
      g_autoptr(GPtrArray) diagnostics = kbd_article_validate (article);

      for (guint i = 0; i < diagnostics->len; i++)
        {
          KbdDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);

          if (kbd_diagnostic_get_severity (diagnostic) == KBD_SEVERITY_ERROR)
            {
              g_autofree char *text = kbd_diagnostic_to_string (diagnostic);

              g_set_error_literal (error, KBD_ERROR, KBD_ERROR_INVALID_ARTICLE, text);
              return NULL;
            }
        }
    }

  return g_steal_pointer (&article);
}

/**
 * kbd_article_new_from_file:
 * @filename: (type filename): the article file
 * @flags: how to load it
 * @error: return location for a #GError
 *
 * Loads an article file. The file is untrusted input: it is checked byte by
 * byte as strict JSON, then field by field against the format, and (unless
 * @flags has %KBD_LOAD_FLAGS_NO_VALIDATE) validated as a graph. On any
 * problem nothing is returned and @error, in the %KBD_ERROR domain, names
 * the file, line, column and field.
 *
 * This function blocks on file I/O; it is safe to call from any thread.
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdArticle *
kbd_article_new_from_file (const char    *filename,
                           KbdLoadFlags   flags,
                           GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (filename != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  bytes = kbd_read_regular_file (filename, KBD_MAX_FILE_SIZE, error);
  if (bytes == NULL)
    return NULL;

  return article_new_from_data (bytes, filename, filename, flags, error);
}

/**
 * kbd_article_new_from_bytes:
 * @bytes: the article file's contents
 * @display_name: the name error messages use for the data
 * @flags: how to load it
 * @error: return location for a #GError
 *
 * Loads an article from memory, exactly as kbd_article_new_from_file()
 * does from a file.
 *
 * Returns: (transfer full): the article, or %NULL with @error set
 */
KbdArticle *
kbd_article_new_from_bytes (GBytes        *bytes,
                            const char    *display_name,
                            KbdLoadFlags   flags,
                            GError       **error)
{
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  return article_new_from_data (bytes, NULL, display_name, flags, error);
}

/* A private copy of @article, parsed again from the same bytes: for a
 * translation, which replaces its strings before anyone sees it. */
KbdArticle *
kbd_article_copy_for_translation (KbdArticle  *article,
                                  GError     **error)
{
  return article_new_from_data (article->source, article->filename, article->display_name,
                                KBD_LOAD_FLAGS_NO_VALIDATE, error);
}
