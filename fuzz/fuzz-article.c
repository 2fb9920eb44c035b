/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fuzz-article: the article loader (kbd_article_new_from_bytes), the
 * validator (kbd_article_validate) and, for articles that load, a session
 * walk with a snapshot round trip.
 *
 * Invariants:
 *  - loading returns an article or a GError in KBD_ERROR with a non-empty
 *    UTF-8 message that names the document and carries no control
 *    characters (never both, never neither); a load-time code, never
 *    KBD_ERROR_INVALID_ARTICLE with KBD_LOAD_FLAGS_NO_VALIDATE;
 *  - a normal load fails exactly when the NO_VALIDATE load fails (same code
 *    and message) or the validator reports an error (then
 *    KBD_ERROR_INVALID_ARTICLE with the first error's text);
 *  - everything reachable from a loaded article keeps the format's promises:
 *    UTF-8 strings, texts whose inline syntax passes kbd_text_check, no
 *    control characters (line breaks and tabs only in paragraph texts),
 *    the documented limits, stable ids, kind-specific fields present exactly
 *    for their kind, node lookup by id, the content hash of the bytes, and
 *    kbd_article_foreach_string visiting every text once;
 *  - the validator's diagnostics use only the documented codes with their
 *    documented severities (there is no internal-error code: any other code
 *    is a failure), name existing nodes, are sorted by position, and
 *    agree with a graph check written here: dangling targets, missing start,
 *    start-is-outcome, self loops, duplicate ids, empty texts, unreachable
 *    nodes and outcomes, and reachable nodes with no way to an outcome;
 *    validating twice gives the same list;
 *  - on an article without validator errors a session walk never fails, and
 *    its snapshot restores to the same session (fuzz-session-check.h).
 */
#include "config.h"

#include "fuzz-session-check.h"

#define DISPLAY_NAME "fuzz.json"

/* Text kinds, as in docs/kb-format.md. */
typedef enum { TEXT_NAME, TEXT_SHORT, TEXT_LONG } TextKind;

static gboolean
is_stable_id (const char *id)
{
  gsize len = strlen (id);

  if (len < 1 || len > 64 || !(id[0] >= 'a' && id[0] <= 'z'))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
      return FALSE;
  return TRUE;
}

static gboolean
is_article_id (const char *id)
{
  gsize len = strlen (id);

  if (len < 1 || len > 64 || !g_ascii_isalpha (id[0]))
    return FALSE;
  for (const char *p = id; *p; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

static void
check_text (const char *text,
            TextKind    kind,
            gboolean    optional,
            const char *what)
{
  gsize limit = kind == TEXT_LONG ? 16384 : 1024;
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    {
      FUZZ_CHECK (optional, "%s is missing", what);
      return;
    }
  fuzz_check_utf8 (text, what);
  FUZZ_CHECK (strlen (text) <= limit, "%s is %zu bytes, over %zu", what, strlen (text), limit);
  FUZZ_CHECK (!fuzz_has_control_chars (text, kind == TEXT_LONG),
              "%s carries a control character", what);
  if (kind != TEXT_NAME)
    FUZZ_CHECK (kbd_text_check (text, NULL, &error),
                "%s has broken inline syntax: %s", what, error ? error->message : "?");
}

/* The model --------------------------------------------------------------- */

static guint
check_step (KbdStep    *step,
            gboolean    is_substep,
            const char *node_id)
{
  guint n_sub = 0, n_callouts = 0, n_strings = 1;
  KbdStep *const *substeps = kbd_step_get_substeps (step, &n_sub);
  KbdCallout *const *callouts = kbd_step_get_callouts (step, &n_callouts);

  FUZZ_CHECK (is_stable_id (kbd_step_get_id (step)), "step id \"%s\" in \"%s\"",
              kbd_step_get_id (step), node_id);
  check_text (kbd_step_get_text (step), TEXT_LONG, FALSE, "a step text");
  FUZZ_CHECK (n_sub <= 50 && n_callouts <= 16, "%u substeps, %u callouts", n_sub, n_callouts);
  FUZZ_CHECK (n_sub == 0 || substeps != NULL, "substeps array missing");
  FUZZ_CHECK (n_callouts == 0 || callouts != NULL, "callouts array missing");
  if (is_substep)
    FUZZ_CHECK (n_sub == 0 && n_callouts == 0, "a sub-step with sub-steps or callouts");

  for (guint i = 0; i < n_sub; i++)
    n_strings += check_step (substeps[i], TRUE, node_id);
  for (guint i = 0; i < n_callouts; i++)
    {
      KbdCalloutKind kind = kbd_callout_get_kind (callouts[i]);

      FUZZ_CHECK (is_stable_id (kbd_callout_get_id (callouts[i])), "callout id");
      FUZZ_CHECK (kind == KBD_CALLOUT_NOTE || kind == KBD_CALLOUT_WARNING ||
                  kind == KBD_CALLOUT_IMPORTANT, "callout kind %d", kind);
      check_text (kbd_callout_get_text (callouts[i]), TEXT_LONG, FALSE, "a callout text");
      n_strings++;
    }
  return n_strings;
}

/* Returns the number of strings kbd_article_foreach_string should visit. */
static guint
check_node (KbdArticle *article,
            KbdNode    *node)
{
  const char *id = kbd_node_get_id (node);
  guint n_answers = 0, n_steps = 0, n_strings = 0;
  KbdAnswer *const *answers = kbd_node_get_answers (node, &n_answers);
  KbdStep *const *steps = kbd_node_get_steps (node, &n_steps);

  FUZZ_CHECK (is_stable_id (id), "node id \"%s\"", id);
  FUZZ_CHECK (kbd_article_get_node (article, id) == node, "node \"%s\" is not found by its id", id);
  FUZZ_CHECK (kbd_node_get_line (node) >= 1 && kbd_node_get_column (node) >= 1, "node position");

  switch (kbd_node_get_kind (node))
    {
    case KBD_NODE_QUESTION:
      check_text (kbd_node_get_prompt (node), TEXT_SHORT, FALSE, "a prompt");
      check_text (kbd_node_get_help (node), TEXT_LONG, TRUE, "a question's help");
      FUZZ_CHECK (kbd_node_get_title (node) == kbd_node_get_prompt (node),
                  "a question's title is not its prompt");
      FUZZ_CHECK (n_answers >= 1 && n_answers <= 32 && answers != NULL, "%u answers", n_answers);
      FUZZ_CHECK (n_steps == 0 && kbd_node_get_next (node) == NULL && kbd_node_get_text (node) == NULL &&
                  kbd_node_get_intro (node) == NULL && kbd_node_get_contact (node) == NULL &&
                  kbd_node_get_result (node) == KBD_OUTCOME_NONE,
                  "a question with procedure or outcome fields");
      n_strings += 1 + (kbd_node_get_help (node) != NULL);
      for (guint i = 0; i < n_answers; i++)
        {
          KbdAnswer *answer = answers[i];
          KbdAnswer *found;

          FUZZ_CHECK (is_stable_id (kbd_answer_get_id (answer)), "answer id");
          FUZZ_CHECK (is_stable_id (kbd_answer_get_next (answer)), "answer next");
          check_text (kbd_answer_get_label (answer), TEXT_SHORT, FALSE, "a label");
          check_text (kbd_answer_get_help (answer), TEXT_LONG, TRUE, "an answer's help");
          found = kbd_node_find_answer (node, kbd_answer_get_id (answer));
          FUZZ_CHECK (found != NULL && g_str_equal (kbd_answer_get_id (found), kbd_answer_get_id (answer)),
                      "answer \"%s\" not found by its id", kbd_answer_get_id (answer));
          n_strings += 1 + (kbd_answer_get_help (answer) != NULL);
        }
      break;

    case KBD_NODE_PROCEDURE:
      check_text (kbd_node_get_title (node), TEXT_SHORT, FALSE, "a procedure title");
      check_text (kbd_node_get_intro (node), TEXT_LONG, TRUE, "an intro");
      FUZZ_CHECK (kbd_node_get_next (node) != NULL && is_stable_id (kbd_node_get_next (node)),
                  "a procedure's next");
      FUZZ_CHECK (n_steps >= 1 && n_steps <= 200 && steps != NULL, "%u steps", n_steps);
      FUZZ_CHECK (n_answers == 0 && kbd_node_get_prompt (node) == NULL && kbd_node_get_text (node) == NULL &&
                  kbd_node_get_contact (node) == NULL && kbd_node_get_result (node) == KBD_OUTCOME_NONE,
                  "a procedure with question or outcome fields");
      n_strings += 1 + (kbd_node_get_intro (node) != NULL);
      for (guint i = 0; i < n_steps; i++)
        {
          KbdStep *found = kbd_node_find_step (node, kbd_step_get_id (steps[i]));

          FUZZ_CHECK (found != NULL, "step \"%s\" not found by its id", kbd_step_get_id (steps[i]));
          n_strings += check_step (steps[i], FALSE, id);
        }
      break;

    case KBD_NODE_OUTCOME:
      {
        KbdOutcomeResult result = kbd_node_get_result (node);
        gboolean escalate = result == KBD_OUTCOME_ESCALATE;

        check_text (kbd_node_get_title (node), TEXT_SHORT, FALSE, "an outcome title");
        check_text (kbd_node_get_text (node), TEXT_LONG, FALSE, "an outcome text");
        FUZZ_CHECK (result == KBD_OUTCOME_RESOLVED || escalate || result == KBD_OUTCOME_NOT_APPLICABLE,
                    "outcome result %d", result);
        FUZZ_CHECK ((kbd_node_get_contact (node) != NULL) == escalate &&
                    (kbd_node_get_handover (node) != NULL) == escalate,
                    "escalation fields on a %d outcome", result);
        if (escalate)
          {
            check_text (kbd_node_get_contact (node), TEXT_SHORT, FALSE, "a contact");
            check_text (kbd_node_get_handover (node), TEXT_LONG, FALSE, "a handover");
          }
        FUZZ_CHECK (n_answers == 0 && n_steps == 0 && kbd_node_get_next (node) == NULL &&
                    kbd_node_get_prompt (node) == NULL,
                    "an outcome with question or procedure fields");
        n_strings += escalate ? 4 : 2;
      }
      break;

    default:
      FUZZ_CHECK (FALSE, "node kind %d", kbd_node_get_kind (node));
    }

  return n_strings;
}

typedef struct
{
  guint count;
  GHashTable *ids;
  gboolean duplicate;
  char *duplicate_id;
} StringVisit;

static void
visit_string (const char *string_id,
              const char *text,
              gpointer    user_data)
{
  StringVisit *visit = user_data;

  visit->count++;
  fuzz_check_utf8 (string_id, "a string id");
  fuzz_check_utf8 (text, "an article string");
  FUZZ_CHECK (kbd_text_check (text, NULL, NULL), "string %s has broken inline syntax", string_id);
  /* Two see_also entries may name the same article (the format does not
   * forbid it), so their ids may repeat; every other id is unique in an
   * article the validator accepts. */
  if (!g_str_has_prefix (string_id, "see_also."))
    {
      if (g_hash_table_contains (visit->ids, string_id) && !visit->duplicate)
        {
          visit->duplicate = TRUE;
          visit->duplicate_id = g_strdup (string_id);
        }
      g_hash_table_add (visit->ids, g_strdup (string_id));
    }
}

static void
check_article (KbdArticle   *article,
               const guint8 *data,
               size_t        size)
{
  g_autofree char *sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, size);
  g_autofree char *hash = g_strconcat ("sha256:", sha, NULL);
  const char *const *keywords = kbd_article_get_keywords (article);
  guint n_products = 0, n_refs = 0, n_nodes = 0, n_strings = 2;
  KbdProduct *const *products = kbd_article_get_products (article, &n_products);
  KbdReference *const *refs = kbd_article_get_see_also (article, &n_refs);
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);
  const char *reviewed = kbd_article_get_reviewed (article);
  StringVisit visit = { 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL), FALSE, NULL };
  guint n_keywords = 0;

  FUZZ_CHECK (g_strcmp0 (kbd_article_get_content_hash (article), hash) == 0,
              "content hash %s, expected %s", kbd_article_get_content_hash (article), hash);
  FUZZ_CHECK (kbd_article_get_filename (article) == NULL, "an article from bytes has a file name");
  FUZZ_CHECK (g_strcmp0 (kbd_article_get_display_name (article), DISPLAY_NAME) == 0, "display name");
  FUZZ_CHECK (is_article_id (kbd_article_get_id (article)), "article id \"%s\"", kbd_article_get_id (article));
  fuzz_check_utf8 (kbd_article_get_language (article), "the language");
  FUZZ_CHECK (kbd_article_get_language (article)[0] != '\0', "an empty language");
  check_text (kbd_article_get_title (article), TEXT_SHORT, FALSE, "the article title");
  check_text (kbd_article_get_summary (article), TEXT_LONG, FALSE, "the summary");
  FUZZ_CHECK (kbd_article_get_revision (article) >= 1 && kbd_article_get_revision (article) <= G_MAXINT32,
              "revision %u", kbd_article_get_revision (article));
  FUZZ_CHECK (reviewed != NULL && strlen (reviewed) == 10 && reviewed[4] == '-' && reviewed[7] == '-',
              "reviewed \"%s\"", reviewed);
  check_text (kbd_article_get_source_publisher (article), TEXT_NAME, FALSE, "the publisher");
  check_text (kbd_article_get_source_reference (article), TEXT_NAME, FALSE, "the source reference");
  FUZZ_CHECK (kbd_article_get_source_publisher (article)[0] != '\0' &&
              kbd_article_get_source_reference (article)[0] != '\0', "an empty source name");
  check_text (kbd_article_get_source_title (article), TEXT_SHORT, TRUE, "the source title");

  FUZZ_CHECK (keywords != NULL, "keywords NULL");
  for (; keywords[n_keywords] != NULL; n_keywords++)
    {
      check_text (keywords[n_keywords], TEXT_NAME, FALSE, "a keyword");
      FUZZ_CHECK (keywords[n_keywords][0] != '\0', "an empty keyword");
    }
  FUZZ_CHECK (n_keywords <= 64, "%u keywords", n_keywords);

  FUZZ_CHECK (n_products >= 1 && n_products <= 32 && products != NULL, "%u products", n_products);
  for (guint i = 0; i < n_products; i++)
    {
      const char *const *versions = kbd_product_get_versions (products[i]);
      guint n_versions = 0;

      check_text (kbd_product_get_name (products[i]), TEXT_NAME, FALSE, "a product");
      FUZZ_CHECK (kbd_product_get_name (products[i])[0] != '\0', "an empty product");
      FUZZ_CHECK (versions != NULL, "versions NULL");
      for (; versions[n_versions] != NULL; n_versions++)
        {
          check_text (versions[n_versions], TEXT_NAME, FALSE, "a version");
          FUZZ_CHECK (versions[n_versions][0] != '\0', "an empty version");
        }
      FUZZ_CHECK (n_versions <= 32, "%u versions", n_versions);
    }

  FUZZ_CHECK (n_refs <= 64 && (n_refs == 0 || refs != NULL), "%u see_also", n_refs);
  for (guint i = 0; i < n_refs; i++)
    {
      FUZZ_CHECK (is_article_id (kbd_reference_get_id (refs[i])), "see_also id");
      check_text (kbd_reference_get_title (refs[i]), TEXT_SHORT, TRUE, "a see_also title");
      n_strings += kbd_reference_get_title (refs[i]) != NULL;
    }

  FUZZ_CHECK (is_stable_id (kbd_article_get_start_id (article)), "start \"%s\"",
              kbd_article_get_start_id (article));
  FUZZ_CHECK (kbd_article_get_start_node (article) ==
              kbd_article_get_node (article, kbd_article_get_start_id (article)),
              "the start node is not the node named by start");
  FUZZ_CHECK (n_nodes >= 1 && n_nodes <= 200000 && nodes != NULL, "%u nodes", n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    n_strings += check_node (article, nodes[i]);

  kbd_article_foreach_string (article, visit_string, &visit);
  FUZZ_CHECK (visit.count == n_strings, "foreach_string visited %u strings, the model has %u",
              visit.count, n_strings);
  g_hash_table_unref (visit.ids);
  /* Uniqueness is checked by the caller once the validator has spoken. */
  if (visit.duplicate)
    g_object_set_data_full (G_OBJECT (article), "fuzz-duplicate-string-id",
                            visit.duplicate_id, g_free);
}

/* The validator, checked against a graph walk written here ---------------- */

typedef struct
{
  const char *code;
  KbdSeverity severity;
  guint expected;   /* counted here */
  guint reported;
  gboolean counted; /* whether `expected` is computed */
} CodeCount;

static CodeCount *
find_code (CodeCount  *codes,
           const char *code)
{
  for (CodeCount *c = codes; c->code != NULL; c++)
    if (g_str_equal (c->code, code))
      return c;
  return NULL;
}

static gboolean
is_blank (const char *text)
{
  g_autofree char *plain = NULL;

  if (text == NULL)
    return FALSE;
  plain = kbd_text_render (text, KBD_TEXT_FORMAT_PLAIN);
  for (const char *p = plain; *p; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static guint
count_blank_texts (KbdArticle *article)
{
  guint n_nodes = 0, blank = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);

  blank += is_blank (kbd_article_get_title (article)) + is_blank (kbd_article_get_summary (article));
  for (guint i = 0; i < n_nodes; i++)
    {
      KbdNode *node = nodes[i];
      guint n = 0;

      switch (kbd_node_get_kind (node))
        {
        case KBD_NODE_QUESTION:
          {
            KbdAnswer *const *answers = kbd_node_get_answers (node, &n);

            blank += is_blank (kbd_node_get_prompt (node)) + is_blank (kbd_node_get_help (node));
            for (guint a = 0; a < n; a++)
              blank += is_blank (kbd_answer_get_label (answers[a])) +
                       is_blank (kbd_answer_get_help (answers[a]));
          }
          break;
        case KBD_NODE_PROCEDURE:
          {
            KbdStep *const *steps = kbd_node_get_steps (node, &n);

            blank += is_blank (kbd_node_get_title (node)) + is_blank (kbd_node_get_intro (node));
            for (guint s = 0; s < n; s++)
              {
                guint n_sub = 0, n_callouts = 0;
                KbdStep *const *subs = kbd_step_get_substeps (steps[s], &n_sub);
                KbdCallout *const *callouts = kbd_step_get_callouts (steps[s], &n_callouts);

                blank += is_blank (kbd_step_get_text (steps[s]));
                for (guint k = 0; k < n_sub; k++)
                  blank += is_blank (kbd_step_get_text (subs[k]));
                for (guint k = 0; k < n_callouts; k++)
                  blank += is_blank (kbd_callout_get_text (callouts[k]));
              }
          }
          break;
        case KBD_NODE_OUTCOME:
        default:
          blank += is_blank (kbd_node_get_title (node)) + is_blank (kbd_node_get_text (node)) +
                   is_blank (kbd_node_get_contact (node)) + is_blank (kbd_node_get_handover (node));
          break;
        }
    }
  return blank;
}

static guint
count_duplicate_ids (KbdArticle *article)
{
  guint n_nodes = 0, dup = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);

  for (guint i = 0; i < n_nodes; i++)
    {
      guint n = 0;

      if (kbd_node_get_kind (nodes[i]) == KBD_NODE_QUESTION)
        {
          KbdAnswer *const *answers = kbd_node_get_answers (nodes[i], &n);

          for (guint a = 1; a < n; a++)
            for (guint b = 0; b < a; b++)
              if (g_str_equal (kbd_answer_get_id (answers[a]), kbd_answer_get_id (answers[b])))
                {
                  dup++;
                  break;
                }
        }
      else if (kbd_node_get_kind (nodes[i]) == KBD_NODE_PROCEDURE)
        {
          KbdStep *const *steps = kbd_node_get_steps (nodes[i], &n);

          for (guint s = 0; s < n; s++)
            {
              guint n_sub = 0, n_callouts = 0;
              KbdStep *const *subs = kbd_step_get_substeps (steps[s], &n_sub);
              KbdCallout *const *callouts = kbd_step_get_callouts (steps[s], &n_callouts);

              for (guint b = 0; b < s; b++)
                if (g_str_equal (kbd_step_get_id (steps[s]), kbd_step_get_id (steps[b])))
                  {
                    dup++;
                    break;
                  }
              for (guint k = 1; k < n_sub; k++)
                for (guint b = 0; b < k; b++)
                  if (g_str_equal (kbd_step_get_id (subs[k]), kbd_step_get_id (subs[b])))
                    {
                      dup++;
                      break;
                    }
              for (guint k = 1; k < n_callouts; k++)
                for (guint b = 0; b < k; b++)
                  if (g_str_equal (kbd_callout_get_id (callouts[k]), kbd_callout_get_id (callouts[b])))
                    {
                      dup++;
                      break;
                    }
            }
        }
    }
  return dup;
}

/* Successors of a node by id (NULL for a dangling target). */
static GPtrArray *
successors (KbdArticle *article,
            KbdNode    *node,
            guint      *n_dangling)
{
  GPtrArray *out = g_ptr_array_new ();
  guint n = 0;

  if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
    {
      KbdAnswer *const *answers = kbd_node_get_answers (node, &n);

      for (guint a = 0; a < n; a++)
        {
          KbdNode *target = kbd_article_get_node (article, kbd_answer_get_next (answers[a]));

          if (target == NULL)
            (*n_dangling)++;
          else
            g_ptr_array_add (out, target);
        }
    }
  else if (kbd_node_get_kind (node) == KBD_NODE_PROCEDURE)
    {
      KbdNode *target = kbd_article_get_node (article, kbd_node_get_next (node));

      if (target == NULL)
        (*n_dangling)++;
      else
        g_ptr_array_add (out, target);
    }
  return out;
}

static void
check_diagnostics (KbdArticle *article,
                   GPtrArray  *diagnostics)
{
  CodeCount codes[] = {
    { "missing-start", KBD_SEVERITY_ERROR, 0, 0, TRUE },
    { "dangling-target", KBD_SEVERITY_ERROR, 0, 0, TRUE },
    { "duplicate-id", KBD_SEVERITY_ERROR, 0, 0, TRUE },
    { "duplicate-label", KBD_SEVERITY_ERROR, 0, 0, FALSE },
    { "empty-text", KBD_SEVERITY_ERROR, 0, 0, TRUE },
    { "no-exit", KBD_SEVERITY_ERROR, 0, 0, TRUE },
    { "unreachable", KBD_SEVERITY_WARNING, 0, 0, TRUE },
    { "unreachable-outcome", KBD_SEVERITY_WARNING, 0, 0, TRUE },
    { "start-is-outcome", KBD_SEVERITY_WARNING, 0, 0, TRUE },
    { "self-loop", KBD_SEVERITY_WARNING, 0, 0, TRUE },
    { NULL, 0, 0, 0, FALSE },
  };
  guint n_nodes = 0;
  KbdNode *const *nodes = kbd_article_get_nodes (article, &n_nodes);
  KbdNode *start = kbd_article_get_start_node (article);
  guint prev_line = 0, prev_column = 0;
  g_autoptr(GHashTable) index = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) no_exit_nodes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) unreachable_nodes = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < n_nodes; i++)
    g_hash_table_insert (index, nodes[i], GUINT_TO_POINTER (i));

  /* What the validator should find. */
  {
    g_autofree GPtrArray **succ = g_new0 (GPtrArray *, n_nodes);
    g_autofree guint8 *reachable = g_new0 (guint8, n_nodes + 1);
    g_autofree guint8 *exits = g_new0 (guint8, n_nodes + 1);
    guint n_dangling = 0;

    for (guint i = 0; i < n_nodes; i++)
      {
        succ[i] = successors (article, nodes[i], &n_dangling);
        if (kbd_node_get_kind (nodes[i]) == KBD_NODE_QUESTION)
          {
            guint n = 0;
            KbdAnswer *const *answers = kbd_node_get_answers (nodes[i], &n);

            for (guint a = 0; a < n; a++)
              if (g_str_equal (kbd_answer_get_next (answers[a]), kbd_node_get_id (nodes[i])))
                find_code (codes, "self-loop")->expected++;
          }
      }
    find_code (codes, "dangling-target")->expected = n_dangling;
    find_code (codes, "duplicate-id")->expected = count_duplicate_ids (article);
    find_code (codes, "empty-text")->expected = count_blank_texts (article);

    if (start == NULL)
      {
        /* The graph checks need a start: the validator stops there. */
        find_code (codes, "missing-start")->expected = 1;
      }
    else
      {
        GPtrArray *stack = g_ptr_array_new ();
        gboolean changed = TRUE;

        find_code (codes, "start-is-outcome")->expected = kbd_node_get_kind (start) == KBD_NODE_OUTCOME;

        /* Forward: depth-first from the start. */
        reachable[GPOINTER_TO_UINT (g_hash_table_lookup (index, start))] = 1;
        g_ptr_array_add (stack, start);
        while (stack->len > 0)
          {
            KbdNode *node = g_ptr_array_steal_index (stack, stack->len - 1);
            guint i = GPOINTER_TO_UINT (g_hash_table_lookup (index, node));

            for (guint k = 0; k < succ[i]->len; k++)
              {
                guint j = GPOINTER_TO_UINT (g_hash_table_lookup (index, succ[i]->pdata[k]));

                if (!reachable[j])
                  {
                    reachable[j] = 1;
                    g_ptr_array_add (stack, succ[i]->pdata[k]);
                  }
              }
          }
        g_ptr_array_unref (stack);

        /* Backward: a fixpoint, "some successor can exit". */
        for (guint i = 0; i < n_nodes; i++)
          exits[i] = kbd_node_get_kind (nodes[i]) == KBD_NODE_OUTCOME;
        while (changed)
          {
            changed = FALSE;
            for (guint i = 0; i < n_nodes; i++)
              if (!exits[i])
                for (guint k = 0; k < succ[i]->len; k++)
                  if (exits[GPOINTER_TO_UINT (g_hash_table_lookup (index, succ[i]->pdata[k]))])
                    {
                      exits[i] = 1;
                      changed = TRUE;
                      break;
                    }
          }

        for (guint i = 0; i < n_nodes; i++)
          {
            if (!reachable[i])
              {
                if (kbd_node_get_kind (nodes[i]) == KBD_NODE_OUTCOME)
                  find_code (codes, "unreachable-outcome")->expected++;
                else
                  find_code (codes, "unreachable")->expected++;
                g_hash_table_add (unreachable_nodes, (gpointer) kbd_node_get_id (nodes[i]));
              }
            else if (!exits[i])
              {
                find_code (codes, "no-exit")->expected++;
                g_hash_table_add (no_exit_nodes, (gpointer) kbd_node_get_id (nodes[i]));
              }
          }
      }

    for (guint i = 0; i < n_nodes; i++)
      g_ptr_array_unref (succ[i]);
  }

  /* What it found. */
  for (guint i = 0; i < diagnostics->len; i++)
    {
      KbdDiagnostic *diagnostic = g_ptr_array_index (diagnostics, i);
      const char *code = kbd_diagnostic_get_code (diagnostic);
      const char *node_id = kbd_diagnostic_get_node_id (diagnostic);
      CodeCount *known;
      g_autofree char *text = NULL;
      g_autofree char *suffix = NULL;

      FUZZ_CHECK (code != NULL, "a diagnostic without a code");
      known = find_code (codes, code);
      FUZZ_CHECK (known != NULL, "undocumented diagnostic code \"%s\": %s", code,
                  kbd_diagnostic_get_message (diagnostic));
      FUZZ_CHECK (kbd_diagnostic_get_severity (diagnostic) == known->severity,
                  "\"%s\" reported with severity %d", code, kbd_diagnostic_get_severity (diagnostic));
      known->reported++;

      fuzz_check_utf8 (kbd_diagnostic_get_message (diagnostic), "a diagnostic message");
      FUZZ_CHECK (kbd_diagnostic_get_message (diagnostic)[0] != '\0', "an empty diagnostic message");
      FUZZ_CHECK (!fuzz_has_control_chars (kbd_diagnostic_get_message (diagnostic), FALSE),
                  "a diagnostic message with control characters");
      FUZZ_CHECK (g_strcmp0 (kbd_diagnostic_get_file (diagnostic), DISPLAY_NAME) == 0,
                  "a diagnostic for file %s", kbd_diagnostic_get_file (diagnostic));
      FUZZ_CHECK (kbd_diagnostic_get_line (diagnostic) >= 1 && kbd_diagnostic_get_column (diagnostic) >= 1,
                  "a diagnostic at %u:%u", kbd_diagnostic_get_line (diagnostic),
                  kbd_diagnostic_get_column (diagnostic));
      FUZZ_CHECK (kbd_diagnostic_get_line (diagnostic) > prev_line ||
                  (kbd_diagnostic_get_line (diagnostic) == prev_line &&
                   kbd_diagnostic_get_column (diagnostic) >= prev_column),
                  "diagnostics are not sorted by position");
      prev_line = kbd_diagnostic_get_line (diagnostic);
      prev_column = kbd_diagnostic_get_column (diagnostic);

      if (node_id != NULL)
        FUZZ_CHECK (kbd_article_get_node (article, node_id) != NULL,
                    "\"%s\" names node \"%s\", which does not exist", code, node_id);
      else
        FUZZ_CHECK (g_str_equal (code, "missing-start") || g_str_equal (code, "empty-text"),
                    "\"%s\" names no node", code);
      if (g_str_equal (code, "no-exit"))
        FUZZ_CHECK (g_hash_table_contains (no_exit_nodes, node_id),
                    "no-exit reported for \"%s\", which can reach an outcome or is unreachable", node_id);
      if (g_str_equal (code, "unreachable") || g_str_equal (code, "unreachable-outcome"))
        FUZZ_CHECK (g_hash_table_contains (unreachable_nodes, node_id),
                    "\"%s\" reported unreachable", node_id);

      text = kbd_diagnostic_to_string (diagnostic);
      suffix = g_strdup_printf ("[%s]", code);
      fuzz_check_utf8 (text, "a diagnostic's text");
      FUZZ_CHECK (g_str_has_prefix (text, DISPLAY_NAME ":") && g_str_has_suffix (text, suffix),
                  "diagnostic text \"%s\"", text);
    }

  for (CodeCount *c = codes; c->code != NULL; c++)
    if (c->counted)
      FUZZ_CHECK (c->reported == c->expected, "the validator reported %u \"%s\", the graph has %u",
                  c->reported, c->code, c->expected);
}

/* A walk on an article the validator accepts ------------------------------- */

static void
walk_article (KbdArticle *article)
{
  g_autoptr(KbdSession) session = kbd_session_new (article, "fuzz", "T-1");
  g_autoptr(KbdSession) restored = NULL;
  guint n_nodes = 0;

  kbd_article_get_nodes (article, &n_nodes);
  fuzz_check_session_state (session, TRUE);

  for (guint step = 0; step < MIN (2 * n_nodes + 4, 200) && !kbd_session_get_finished (session); step++)
    {
      KbdNode *node = kbd_session_get_current_node (session);
      g_autoptr(GError) error = NULL;
      gboolean ok;

      if (kbd_node_get_kind (node) == KBD_NODE_QUESTION)
        {
          guint n = 0;

          kbd_node_get_answers (node, &n);
          ok = kbd_session_choose_index (session, step % n, &error);
        }
      else
        {
          guint n = 0;
          KbdStep *const *steps = kbd_node_get_steps (node, &n);

          ok = kbd_session_set_step_done (session, kbd_step_get_id (steps[step % n]), TRUE, &error) &&
               kbd_session_advance (session, &error);
        }
      FUZZ_CHECK (ok, "a walk on a valid article failed at \"%s\": %s",
                  kbd_node_get_id (node), error ? error->message : "?");
      fuzz_check_session_state (session, TRUE);
    }

  restored = fuzz_check_snapshot_round_trip (session, TRUE);

  for (KbdTextFormat f = KBD_TEXT_FORMAT_PLAIN; f <= KBD_TEXT_FORMAT_MARKDOWN; f++)
    {
      g_autofree char *summary = kbd_session_build_summary (session, f);
      fuzz_check_utf8 (summary, "a session summary");
    }
}

/* ---------------------------------------------------------------------------- */

FUZZ_DEFINE_INITIALIZE

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

static void
check_load_error (const GError *error,
                  const char   *what)
{
  fuzz_check_kbd_error (error, what);
  FUZZ_CHECK (error->code >= KBD_ERROR_TOO_LARGE && error->code <= KBD_ERROR_INVALID_ARTICLE,
              "%s: code %d is not a loading error: %s", what, error->code, error->message);
  FUZZ_CHECK (g_str_has_prefix (error->message, DISPLAY_NAME ":"),
              "%s: the message does not name the document: %s", what, error->message);
  FUZZ_CHECK (!fuzz_has_control_chars (error->message, FALSE),
              "%s: the message carries control characters: %s", what, error->message);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(KbdArticle) raw = NULL;
  g_autoptr(KbdArticle) article = NULL;
  g_autoptr(GError) raw_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diagnostics = NULL;
  g_autoptr(GPtrArray) again = NULL;
  KbdDiagnostic *first_error = NULL;

  if (size > 1024 * 1024)
    return -1;

  bytes = g_bytes_new_static (data, size);
  raw = kbd_article_new_from_bytes (bytes, DISPLAY_NAME, KBD_LOAD_FLAGS_NO_VALIDATE, &raw_error);
  FUZZ_CHECK ((raw == NULL) != (raw_error == NULL), "NO_VALIDATE load: article=%p error=%p",
              (void *) raw, (void *) raw_error);
  article = kbd_article_new_from_bytes (bytes, DISPLAY_NAME, KBD_LOAD_FLAGS_NONE, &error);
  FUZZ_CHECK ((article == NULL) != (error == NULL), "load: article=%p error=%p",
              (void *) article, (void *) error);
  if (error != NULL)
    check_load_error (error, "load");

  if (raw == NULL)
    {
      check_load_error (raw_error, "NO_VALIDATE load");
      FUZZ_CHECK (raw_error->code != KBD_ERROR_INVALID_ARTICLE,
                  "NO_VALIDATE load failed with INVALID_ARTICLE: %s", raw_error->message);
      FUZZ_CHECK (article == NULL, "a normal load succeeded where NO_VALIDATE failed: %s",
                  raw_error->message);
      FUZZ_CHECK (error->code == raw_error->code && g_str_equal (error->message, raw_error->message),
                  "the two loads fail differently:\n  %s\n  %s", raw_error->message, error->message);
      return 0;
    }

  check_article (raw, data, size);

  diagnostics = kbd_article_validate (raw);
  FUZZ_CHECK (diagnostics != NULL, "validate returned NULL");
  check_diagnostics (raw, diagnostics);
  for (guint i = 0; i < diagnostics->len && first_error == NULL; i++)
    if (kbd_diagnostic_get_severity (g_ptr_array_index (diagnostics, i)) == KBD_SEVERITY_ERROR)
      first_error = g_ptr_array_index (diagnostics, i);

  again = kbd_article_validate (raw);
  FUZZ_CHECK (again->len == diagnostics->len, "validate is not deterministic");
  for (guint i = 0; i < again->len; i++)
    {
      g_autofree char *a = kbd_diagnostic_to_string (g_ptr_array_index (diagnostics, i));
      g_autofree char *b = kbd_diagnostic_to_string (g_ptr_array_index (again, i));
      FUZZ_CHECK (g_str_equal (a, b), "validate is not deterministic:\n  %s\n  %s", a, b);
    }

  if (first_error != NULL)
    {
      g_autofree char *text = kbd_diagnostic_to_string (first_error);

      FUZZ_CHECK (article == NULL, "loaded although the validator reports: %s", text);
      FUZZ_CHECK (error->code == KBD_ERROR_INVALID_ARTICLE,
                  "a validator error reported as code %d: %s", error->code, error->message);
      FUZZ_CHECK (g_str_equal (error->message, text),
                  "the load error is not the first validator error:\n  %s\n  %s", error->message, text);
      return 0;
    }

  FUZZ_CHECK (article != NULL, "refused without a validator error: %s", error->message);
  FUZZ_CHECK (g_str_equal (kbd_article_get_content_hash (article), kbd_article_get_content_hash (raw)),
              "the two loads hash differently");
  {
    const char *duplicate = g_object_get_data (G_OBJECT (raw), "fuzz-duplicate-string-id");

    FUZZ_CHECK (duplicate == NULL, "the string id %s is used twice in a valid article", duplicate);
  }

  walk_article (article);
  return 0;
}
