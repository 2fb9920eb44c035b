/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "kbd-article-object-private.h"
#include "kbd-error.h"
#include "kbd-event-private.h"
#include "kbd-json-private.h"
#include "kbd-private.h"
#include "kbd-enums.h"
#include "kbd-session.h"

#define KBD_MAX_NOTE_BYTES 16384
#define KBD_MAX_NODE_MS (G_GINT64_CONSTANT (1000) * 3600 * 24 * 366 * 1000)
#define KBD_MAX_SNAPSHOT_EVENTS 1000000
#define KBD_SNAPSHOT_VERSION 1


struct _KbdVisit
{
  GObject parent_instance;
  KbdNode *node;
  KbdAnswer *answer;
  gint64 entered_at;
  guint position;
  GHashTable *done_steps;
};

struct _KbdSession
{
  GObject parent_instance;

  KbdArticle *article;
  char *uuid;
  char *technician;
  char *ticket;
  gint64 started_at;
  GListStore *path;      /* KbdVisit */
  GPtrArray *events;     /* KbdEvent, the whole log */
};

/* Event -------------------------------------------------------------------- */

/**
 * KbdEvent:
 *
 * One thing that happened in a session, with a client-generated UUID and
 * the wall-clock time in microseconds. Fields that do not apply to the
 * event's kind are %NULL, zero or %FALSE.
 */
G_DEFINE_BOXED_TYPE (KbdEvent, kbd_event, kbd_event_ref, kbd_event_unref)

/**
 * kbd_event_ref:
 * @self: an event
 *
 * Takes a reference to @self. Events never change once they are made and
 * the reference count is atomic, so an event can be shared between threads.
 *
 * Returns: (transfer full): @self
 */
KbdEvent *
kbd_event_ref (KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kbd_event_unref:
 * @self: (transfer full): an event
 *
 * Drops a reference.
 */
void
kbd_event_unref (KbdEvent *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->uuid);
      g_free (self->node_id);
      g_free (self->node_title);
      g_free (self->answer_id);
      g_free (self->label);
      g_free (self->step_id);
      g_free (self->text);
      g_free (self->article_id);
      g_free (self->content_hash);
      g_free (self->technician);
      g_free (self->ticket);
      g_free (self->language);
      g_free (self);
    }
}

KbdEvent *
kbd_event_new_empty (KbdEventKind kind)
{
  KbdEvent *event = g_new0 (KbdEvent, 1);

  g_atomic_ref_count_init (&event->ref_count);
  event->kind = kind;
  return event;
}

static KbdEvent *
event_new (KbdEventKind kind)
{
  KbdEvent *event = g_new0 (KbdEvent, 1);

  g_atomic_ref_count_init (&event->ref_count);
  event->kind = kind;
  event->uuid = g_uuid_string_random ();
  event->time = g_get_real_time ();
  return event;
}

/**
 * kbd_event_get_kind:
 * @self: an event
 *
 * Gets what the event records, which decides the fields that are set; each
 * of the other getters says which kinds it applies to.
 *
 * Returns: what the event records
 */
KbdEventKind
kbd_event_get_kind (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, KBD_EVENT_START);
  return self->kind;
}

/**
 * kbd_event_get_uuid:
 * @self: an event
 *
 * Gets the event's UUID, made when it happened. Storing an event twice with
 * the same UUID stores it once.
 *
 * Returns: the UUID
 */
const char *
kbd_event_get_uuid (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->uuid;
}

/**
 * kbd_event_get_time:
 * @self: an event
 *
 * Gets the wall-clock time of the event, in microseconds since
 * 1970-01-01 00:00 UTC, as [func@GLib.get_real_time] gives it. The finish
 * event added on arriving at an outcome has the time of the event that led
 * there.
 *
 * Returns: when it happened, in microseconds since 1970 (UTC)
 */
gint64
kbd_event_get_time (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->time;
}

/**
 * kbd_event_get_node_id:
 * @self: an event
 *
 * Gets the id of the node the event happened on: the first node for a
 * start, the node that was left for an answer, an advance or a back, the
 * earlier question returned to for a revisit, the procedure for a step, the
 * current node for a note and the outcome for a finish. It is %NULL for a
 * restart.
 *
 * Returns: (nullable): the node the event happened on
 */
const char *
kbd_event_get_node_id (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->node_id;
}

/**
 * kbd_event_get_node_title:
 * @self: an event
 *
 * Gets the title of the event's node as it was shown (a question's prompt,
 * a procedure's or outcome's title), in the inline syntax, so a transcript
 * reads well without the article.
 *
 * Returns: (nullable): the title
 */
const char *
kbd_event_get_node_title (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->node_title;
}

/**
 * kbd_event_get_answer_id:
 * @self: an event
 *
 * Gets the id of the answer chosen, for an answer event; %NULL for other
 * kinds.
 *
 * Returns: (nullable): the chosen answer
 */
const char *
kbd_event_get_answer_id (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->answer_id;
}

/**
 * kbd_event_get_label:
 * @self: an event
 *
 * Gets the label as it was shown: an answer's label, or an outcome's title.
 *
 * Returns: (nullable): the label
 */
const char *
kbd_event_get_label (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->label;
}

/**
 * kbd_event_get_step_id:
 * @self: an event
 *
 * Gets the id of the step marked done or not done, for a step event; %NULL
 * for other kinds.
 *
 * Returns: (nullable): the step marked done or not done
 */
const char *
kbd_event_get_step_id (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->step_id;
}

/**
 * kbd_event_get_done:
 * @self: an event
 *
 * Gets whether a step event marked its step done (%TRUE) or not done
 * (%FALSE); %FALSE for other kinds.
 *
 * Returns: for a step event, whether the step was marked done
 */
gboolean
kbd_event_get_done (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->done;
}

/**
 * kbd_event_get_text:
 * @self: an event
 *
 * Gets the text of a note event, as the technician typed it: plain text,
 * not in the inline syntax, so escape it with [func@Kbd.text_escape] for a
 * markup format.
 *
 * A finish event on an escalating outcome carries here whom the session was
 * escalated to, copied from the article in the inline syntax, so that it
 * stays in the record if the article changes. The text is %NULL for other
 * kinds.
 *
 * Returns: (nullable): a note's text
 */
const char *
kbd_event_get_text (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->text;
}

/**
 * kbd_event_get_position:
 * @self: an event
 *
 * Gets, for a revisit event, the position in the path of the question
 * returned to, counting from 0 as [method@Kbd.Session.revisit] does; 0 for
 * other kinds.
 *
 * Returns: for a revisit, the position in the path that was returned to
 */
guint
kbd_event_get_position (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->position;
}

/**
 * kbd_event_get_seconds:
 * @self: an event
 *
 * Gets, for an answer or an advance event, how many seconds the session
 * spent on the node before leaving it, measured on the wall clock and never
 * negative. Snapshots and the history store it rounded to the millisecond.
 * It is 0 for other kinds.
 *
 * Returns: for an answer or advance, the seconds spent on the node
 */
double
kbd_event_get_seconds (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->seconds;
}

/**
 * kbd_event_get_result:
 * @self: an event
 *
 * Gets, for a finish event, how the outcome reached ends the session;
 * %KBD_OUTCOME_NONE for other kinds.
 *
 * Returns: for a finish, the outcome's result
 */
KbdOutcomeResult
kbd_event_get_result (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, KBD_OUTCOME_NONE);
  return self->result;
}

/**
 * kbd_event_get_article_id:
 * @self: an event
 *
 * Gets, for a start event, the id of the article the session walks; %NULL
 * for other kinds.
 *
 * Returns: (nullable): for a start, the article's id
 */
const char *
kbd_event_get_article_id (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->article_id;
}

/**
 * kbd_event_get_content_hash:
 * @self: an event
 *
 * Gets, for a start event, the content hash of the article as it was when
 * the session started ([method@Kbd.Article.get_content_hash]); restoring
 * the session compares it with the article's hash to notice a change. %NULL
 * for other kinds.
 *
 * Returns: (nullable): for a start, the article's content hash
 */
const char *
kbd_event_get_content_hash (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->content_hash;
}

/**
 * kbd_event_get_technician:
 * @self: an event
 *
 * Gets, for a start event, the name of the technician who runs the session,
 * as given to [ctor@Kbd.Session.new]. It is plain text, not in the inline
 * syntax. %NULL for other kinds, or when no name was given.
 *
 * Returns: (nullable): for a start, the technician's name
 */
const char *
kbd_event_get_technician (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->technician;
}

/**
 * kbd_event_get_ticket:
 * @self: an event
 *
 * Gets, for a start event, the ticket the session is for, as given to
 * [ctor@Kbd.Session.new]. It is plain text, not in the inline syntax. %NULL
 * for other kinds, or when no ticket was given.
 *
 * Returns: (nullable): for a start, the ticket reference
 */
const char *
kbd_event_get_ticket (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->ticket;
}

/**
 * kbd_event_get_language:
 * @self: an event
 *
 * Gets, for a start event, the language tag of the article the session
 * walks, such as `en`; %NULL for other kinds.
 *
 * Returns: (nullable): for a start, the language the session ran in
 */
const char *
kbd_event_get_language (const KbdEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->language;
}

static const char *const event_kind_names[] = {
  [KBD_EVENT_START] = "start",
  [KBD_EVENT_ANSWER] = "answer",
  [KBD_EVENT_ADVANCE] = "advance",
  [KBD_EVENT_BACK] = "back",
  [KBD_EVENT_REVISIT] = "revisit",
  [KBD_EVENT_STEP] = "step",
  [KBD_EVENT_NOTE] = "note",
  [KBD_EVENT_RESTART] = "restart",
  [KBD_EVENT_FINISH] = "finish",
};

/**
 * kbd_event_kind_to_string:
 * @kind: an event kind
 *
 * Gets the name snapshots and JSON transcripts use for an event kind:
 * `start`, `answer`, `advance`, `back`, `revisit`, `step`, `note`,
 * `restart` or `finish`. The name is not translated and is not meant for
 * display.
 *
 * Returns: the kind's stable, untranslated name, as in snapshots
 */
const char *
kbd_event_kind_to_string (KbdEventKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (event_kind_names), NULL);
  return event_kind_names[kind];
}

static const char *const result_names[] = {
  [KBD_OUTCOME_NONE] = "none",
  [KBD_OUTCOME_RESOLVED] = "resolved",
  [KBD_OUTCOME_ESCALATE] = "escalate",
  [KBD_OUTCOME_NOT_APPLICABLE] = "not-applicable",
};

const char *
kbd_outcome_result_to_string (KbdOutcomeResult result)
{
  g_return_val_if_fail ((guint) result < G_N_ELEMENTS (result_names), "none");
  return result_names[result];
}

gboolean
kbd_outcome_result_from_string (const char       *text,
                                KbdOutcomeResult *result)
{
  for (guint i = 0; i < G_N_ELEMENTS (result_names); i++)
    if (g_strcmp0 (text, result_names[i]) == 0)
      {
        *result = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
kbd_event_kind_from_string (const char   *text,
                            KbdEventKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_kind_names); i++)
    if (g_strcmp0 (text, event_kind_names[i]) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/* Visit -------------------------------------------------------------------- */

/**
 * KbdVisit:
 *
 * One node on a session's path, with the answer chosen there (if the
 * session has moved on) and the procedure steps marked done.
 */
G_DEFINE_FINAL_TYPE (KbdVisit, kbd_visit, G_TYPE_OBJECT)

enum {
  VISIT_PROP_0,
  VISIT_PROP_ANSWER,
  VISIT_N_PROPS
};

static GParamSpec *visit_properties[VISIT_N_PROPS];

static void
kbd_visit_finalize (GObject *object)
{
  KbdVisit *self = (KbdVisit *) object;

  g_clear_pointer (&self->node, kbd_node_unref);
  g_clear_pointer (&self->answer, kbd_answer_unref);
  g_clear_pointer (&self->done_steps, g_hash_table_unref);

  G_OBJECT_CLASS (kbd_visit_parent_class)->finalize (object);
}

static void
kbd_visit_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  KbdVisit *self = KBD_VISIT (object);

  switch (prop_id)
    {
    case VISIT_PROP_ANSWER:
      g_value_set_boxed (value, self->answer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_visit_class_init (KbdVisitClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbd_visit_finalize;
  object_class->get_property = kbd_visit_get_property;

  /**
   * KbdVisit:answer:
   *
   * The answer chosen on this visit, or %NULL while the session is here.
   */
  visit_properties[VISIT_PROP_ANSWER] =
    g_param_spec_boxed ("answer", NULL, NULL, KBD_TYPE_ANSWER,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, VISIT_N_PROPS, visit_properties);
}

static void
kbd_visit_init (KbdVisit *self)
{
  self->done_steps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static KbdVisit *
visit_new (KbdNode *node,
           gint64   entered_at,
           guint    position)
{
  KbdVisit *visit = g_object_new (KBD_TYPE_VISIT, NULL);

  visit->node = kbd_node_ref (node);
  visit->entered_at = entered_at;
  visit->position = position;
  return visit;
}

static void
visit_set_answer (KbdVisit  *self,
                  KbdAnswer *answer)
{
  if (self->answer == answer)
    return;

  g_clear_pointer (&self->answer, kbd_answer_unref);
  if (answer != NULL)
    self->answer = kbd_answer_ref (answer);
  g_object_notify_by_pspec (G_OBJECT (self), visit_properties[VISIT_PROP_ANSWER]);
}

/**
 * kbd_visit_get_node:
 * @self: a visit
 *
 * Gets the node this visit of the path stands for.
 *
 * Returns: (transfer none): the node visited
 */
KbdNode *
kbd_visit_get_node (KbdVisit *self)
{
  g_return_val_if_fail (KBD_IS_VISIT (self), NULL);
  return self->node;
}

/**
 * kbd_visit_get_answer:
 * @self: a visit
 *
 * Gets the answer chosen on this visit of a question, the one that led to
 * the next visit. It is %NULL for the current visit, for a procedure or an
 * outcome, and again after the session goes back to this visit.
 * [property@Kbd.Visit:answer] is notified when it changes.
 *
 * Returns: (nullable) (transfer none): the answer chosen here, if any
 */
KbdAnswer *
kbd_visit_get_answer (KbdVisit *self)
{
  g_return_val_if_fail (KBD_IS_VISIT (self), NULL);
  return self->answer;
}

/**
 * kbd_visit_get_entered_at:
 * @self: a visit
 *
 * Gets when the session arrived at this node, in microseconds since
 * 1970-01-01 00:00 UTC.
 *
 * Returns: when the session arrived here, in microseconds since 1970
 */
gint64
kbd_visit_get_entered_at (KbdVisit *self)
{
  g_return_val_if_fail (KBD_IS_VISIT (self), 0);
  return self->entered_at;
}

/**
 * kbd_visit_get_position:
 * @self: a visit
 *
 * Gets the position of this visit in the session's path
 * ([method@Kbd.Session.get_path]), counting from 0; it is the position
 * [method@Kbd.Session.revisit] takes.
 *
 * Returns: the visit's position in the path, from 0
 */
guint
kbd_visit_get_position (KbdVisit *self)
{
  g_return_val_if_fail (KBD_IS_VISIT (self), 0);
  return self->position;
}

/**
 * kbd_visit_is_step_done:
 * @self: a visit
 * @step_id: a step id of the visited procedure
 *
 * Checks whether a step of the visited procedure is marked done on this
 * visit. Unknown step ids and visits of other kinds of node give %FALSE.
 *
 * Returns: whether the step was marked done on this visit
 */
gboolean
kbd_visit_is_step_done (KbdVisit   *self,
                        const char *step_id)
{
  g_return_val_if_fail (KBD_IS_VISIT (self), FALSE);
  g_return_val_if_fail (step_id != NULL, FALSE);
  return g_hash_table_contains (self->done_steps, step_id);
}

/* Session ------------------------------------------------------------------ */

/**
 * KbdSession:
 *
 * One walk through an article.
 *
 * A session is pulled forward by its caller: look at the current node,
 * then choose an answer ([method@Kbd.Session.choose]), finish a procedure
 * ([method@Kbd.Session.advance]), go back, revisit an earlier question,
 * mark steps done or add notes. Every change is an event
 * ([signal@Kbd.Session::event]); the session is exactly the replay of its
 * events, so snapshots and history restore it exactly.
 *
 * A session belongs to one thread. Choosing is constant time in the size of
 * the article.
 */
G_DEFINE_FINAL_TYPE (KbdSession, kbd_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ARTICLE,
  PROP_CURRENT_NODE,
  PROP_FINISHED,
  PROP_OUTCOME,
  PROP_CAN_GO_BACK,
  N_PROPS
};

enum {
  SIGNAL_EVENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
kbd_session_finalize (GObject *object)
{
  KbdSession *self = (KbdSession *) object;

  g_clear_object (&self->article);
  g_clear_object (&self->path);
  g_clear_pointer (&self->events, g_ptr_array_unref);
  g_free (self->uuid);
  g_free (self->technician);
  g_free (self->ticket);

  G_OBJECT_CLASS (kbd_session_parent_class)->finalize (object);
}

static void
kbd_session_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KbdSession *self = KBD_SESSION (object);

  switch (prop_id)
    {
    case PROP_ARTICLE:
      g_value_set_object (value, self->article);
      break;
    case PROP_CURRENT_NODE:
      g_value_set_boxed (value, kbd_session_get_current_node (self));
      break;
    case PROP_FINISHED:
      g_value_set_boolean (value, kbd_session_get_finished (self));
      break;
    case PROP_OUTCOME:
      g_value_set_enum (value, kbd_session_get_outcome (self));
      break;
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, kbd_session_get_can_go_back (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_session_class_init (KbdSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbd_session_finalize;
  object_class->get_property = kbd_session_get_property;

  /**
   * KbdSession:article:
   *
   * The article walked.
   */
  properties[PROP_ARTICLE] =
    g_param_spec_object ("article", NULL, NULL, KBD_TYPE_ARTICLE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * KbdSession:current-node:
   *
   * The node the session stands on.
   */
  properties[PROP_CURRENT_NODE] =
    g_param_spec_boxed ("current-node", NULL, NULL, KBD_TYPE_NODE,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * KbdSession:finished:
   *
   * Whether the session stands on an outcome.
   */
  properties[PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * KbdSession:outcome:
   *
   * The result of the outcome the session reached, or %KBD_OUTCOME_NONE.
   */
  properties[PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, KBD_TYPE_OUTCOME_RESULT, KBD_OUTCOME_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * KbdSession:can-go-back:
   *
   * Whether there is a node to go back to.
   */
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbdSession::event:
   * @self: the session
   * @event: the event, already applied
   *
   * Emitted after every change of the session, with the event that records
   * it. A history store listens here.
   */
  signals[SIGNAL_EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  KBD_TYPE_EVENT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
kbd_session_init (KbdSession *self)
{
  self->path = g_list_store_new (KBD_TYPE_VISIT);
  self->events = g_ptr_array_new_with_free_func ((GDestroyNotify) kbd_event_unref);
}

static guint
path_length (KbdSession *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->path));
}

static KbdVisit *
path_visit (KbdSession *self,
            guint       position)
{
  /* The store keeps a reference, so a borrowed pointer is safe here. */
  KbdVisit *visit = g_list_model_get_item (G_LIST_MODEL (self->path), position);

  g_object_unref (visit);
  return visit;
}

/**
 * kbd_session_get_current_visit:
 * @self: a session
 *
 * Gets the last visit of the path, for the node the session stands on. The
 * steps marked done on the current procedure are recorded here. A session
 * always has one after [ctor@Kbd.Session.new].
 *
 * Returns: (transfer none) (nullable): the last visit of the path
 */
KbdVisit *
kbd_session_get_current_visit (KbdSession *self)
{
  guint n;

  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);

  n = path_length (self);
  return n > 0 ? path_visit (self, n - 1) : NULL;
}

/**
 * kbd_session_get_current_node:
 * @self: a session
 *
 * Gets the node the session stands on: the question to answer, the
 * procedure to carry out or the outcome reached.
 * [property@Kbd.Session:current-node] is notified when it changes.
 *
 * Returns: (transfer none): the node the session stands on
 */
KbdNode *
kbd_session_get_current_node (KbdSession *self)
{
  KbdVisit *visit;

  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);

  visit = kbd_session_get_current_visit (self);
  return visit != NULL ? visit->node : NULL;
}

/**
 * kbd_session_get_finished:
 * @self: a session
 *
 * Checks whether the session stands on an outcome. Going back, revisiting
 * an earlier question or restarting makes a finished session unfinished
 * again.
 *
 * Returns: whether the session stands on an outcome
 */
gboolean
kbd_session_get_finished (KbdSession *self)
{
  KbdNode *node;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  node = kbd_session_get_current_node (self);
  return node != NULL && node->kind == KBD_NODE_OUTCOME;
}

/**
 * kbd_session_get_outcome:
 * @self: a session
 *
 * Gets the result of the outcome the session stands on. It is
 * %KBD_OUTCOME_NONE while the session is not on an outcome, including after
 * it went back from one.
 *
 * Returns: the result of the outcome reached, or %KBD_OUTCOME_NONE
 */
KbdOutcomeResult
kbd_session_get_outcome (KbdSession *self)
{
  KbdNode *node;

  g_return_val_if_fail (KBD_IS_SESSION (self), KBD_OUTCOME_NONE);

  node = kbd_session_get_current_node (self);
  return node != NULL ? node->result : KBD_OUTCOME_NONE;
}

/**
 * kbd_session_get_can_go_back:
 * @self: a session
 *
 * Checks whether the path has a node before the current one, that is
 * whether [method@Kbd.Session.back] would succeed. Bind a Back button's
 * sensitivity to [property@Kbd.Session:can-go-back].
 *
 * Returns: whether kbd_session_back() would succeed
 */
gboolean
kbd_session_get_can_go_back (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);
  return path_length (self) > 1;
}

/**
 * kbd_session_get_article:
 * @self: a session
 *
 * Gets the article the session walks; the session keeps a reference to it.
 *
 * Returns: (transfer none): the article walked
 */
KbdArticle *
kbd_session_get_article (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);
  return self->article;
}

/**
 * kbd_session_get_uuid:
 * @self: a session
 *
 * Gets the session's UUID, the UUID of its start event. It stays the same
 * when the session is restored from a snapshot or resumed from the history,
 * where it is the session's key.
 *
 * Returns: the session's UUID
 */
const char *
kbd_session_get_uuid (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);
  return self->uuid;
}

/**
 * kbd_session_get_technician:
 * @self: a session
 *
 * Gets the name of the technician who runs the session, as given when it
 * started. It is plain text, not in the inline syntax: escape it with
 * [func@Kbd.text_escape] for a markup format.
 *
 * Returns: (nullable): who runs the session
 */
const char *
kbd_session_get_technician (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);
  return self->technician;
}

/**
 * kbd_session_get_ticket:
 * @self: a session
 *
 * Gets the ticket the session is for, as given when it started. It is plain
 * text, not in the inline syntax: escape it with [func@Kbd.text_escape] for
 * a markup format.
 *
 * Returns: (nullable): the ticket reference
 */
const char *
kbd_session_get_ticket (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);
  return self->ticket;
}

/**
 * kbd_session_get_started_at:
 * @self: a session
 *
 * Gets when the session started, the time of its start event, in
 * microseconds since 1970-01-01 00:00 UTC. A restored session keeps the
 * time it first started.
 *
 * Returns: when the session started, in microseconds since 1970
 */
gint64
kbd_session_get_started_at (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), 0);
  return self->started_at;
}

/**
 * kbd_session_get_path:
 * @self: a session
 *
 * Gets the path so far, from the first node to the current one, as a list
 * of [class@Kbd.Visit]. A breadcrumb binds to it.
 *
 * Returns: (transfer none): the path
 */
GListModel *
kbd_session_get_path (KbdSession *self)
{
  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);
  return G_LIST_MODEL (self->path);
}

/**
 * kbd_session_get_events:
 * @self: a session
 *
 * Gets the session's event log, the record that snapshots and the history
 * keep. The array is a new one the caller owns; the events in it are shared
 * and never change. For a restored session it holds the events that could
 * be replayed.
 *
 * Returns: (transfer container) (element-type KbdEvent): every event of the
 *   session so far, oldest first
 */
GPtrArray *
kbd_session_get_events (KbdSession *self)
{
  GPtrArray *copy;

  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);

  copy = g_ptr_array_new_full (self->events->len, (GDestroyNotify) kbd_event_unref);
  for (guint i = 0; i < self->events->len; i++)
    g_ptr_array_add (copy, kbd_event_ref (g_ptr_array_index (self->events, i)));
  return copy;
}

static gboolean
fail_state (GError    **error,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static gboolean
fail_state (GError    **error,
            const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, KBD_ERROR, KBD_ERROR_INVALID_STATE, message);
  return FALSE;
}

static gboolean
expect_current (KbdSession  *self,
                const char  *node_id,
                KbdNodeKind  kind,
                GError     **error)
{
  KbdNode *current = kbd_session_get_current_node (self);

  if (current == NULL)
    return fail_state (error, _("the session has not started"));

  if (node_id != NULL && !g_str_equal (current->id, node_id))
    return fail_state (error, _("the session stands on “%s”, not on “%s”"), current->id, node_id);

  if (current->kind != kind)
    {
      switch (kind)
        {
        case KBD_NODE_QUESTION:
          return fail_state (error, _("“%s” is not a question"), current->id);
        case KBD_NODE_PROCEDURE:
          return fail_state (error, _("“%s” is not a procedure"), current->id);
        case KBD_NODE_OUTCOME:
        default:
          return fail_state (error, _("“%s” is not an outcome"), current->id);
        }
    }

  return TRUE;
}

static gboolean
push_node (KbdSession  *self,
           const char  *node_id,
           gint64       time,
           GError     **error)
{
  KbdNode *node = kbd_article_get_node (self->article, node_id);
  g_autoptr(KbdVisit) visit = NULL;

  if (node == NULL)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                   _("the article has no node “%s”"), node_id);
      return FALSE;
    }

  visit = visit_new (node, time, path_length (self));
  g_list_store_append (self->path, visit);
  return TRUE;
}

/* Checks @event against the current state and applies it. Nothing changes
 * when it fails. */
static gboolean
apply_event (KbdSession  *self,
             KbdEvent    *event,
             GError     **error)
{
  KbdVisit *visit = kbd_session_get_current_visit (self);
  guint n = path_length (self);

  if (event->kind != KBD_EVENT_START && visit == NULL)
    return fail_state (error, _("the session has not started"));

  switch (event->kind)
    {
    case KBD_EVENT_START:
      if (visit != NULL)
        return fail_state (error, _("the session has already started"));
      if (!push_node (self, self->article->start, event->time, error))
        return FALSE;
      self->started_at = event->time;
      break;

    case KBD_EVENT_ANSWER:
      {
        KbdAnswer *answer;

        if (!expect_current (self, event->node_id, KBD_NODE_QUESTION, error))
          return FALSE;
        if (event->answer_id == NULL)
          {
            g_set_error (error, KBD_ERROR, KBD_ERROR_MISSING_FIELD,
                         _("an answer event on “%s” names no answer"), visit->node->id);
            return FALSE;
          }
        answer = kbd_node_find_answer (visit->node, event->answer_id);
        if (answer == NULL)
          {
            g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                         _("the question “%s” has no answer “%s”"),
                         visit->node->id, event->answer_id);
            return FALSE;
          }
        if (!push_node (self, answer->next, event->time, error))
          return FALSE;
        visit_set_answer (visit, answer);
      }
      break;

    case KBD_EVENT_ADVANCE:
      if (!expect_current (self, event->node_id, KBD_NODE_PROCEDURE, error) ||
          !push_node (self, visit->node->next, event->time, error))
        return FALSE;
      break;

    case KBD_EVENT_BACK:
      if (n < 2)
        return fail_state (error, _("there is nothing to go back to"));
      if (event->node_id != NULL && !g_str_equal (visit->node->id, event->node_id))
        return fail_state (error, _("the session stands on “%s”, not on “%s”"),
                           visit->node->id, event->node_id);
      g_list_store_remove (self->path, n - 1);
      visit_set_answer (path_visit (self, n - 2), NULL);
      break;

    case KBD_EVENT_REVISIT:
      {
        KbdVisit *target;

        if (event->position + 1 >= n)
          return fail_state (error, _("position %u is not an earlier step of the path"),
                             event->position);
        target = path_visit (self, event->position);
        if (event->node_id != NULL && !g_str_equal (target->node->id, event->node_id))
          return fail_state (error, _("position %u of the path is “%s”, not “%s”"),
                             event->position, target->node->id, event->node_id);
        if (target->node->kind != KBD_NODE_QUESTION)
          return fail_state (error, _("“%s” is not a question"), target->node->id);
        g_list_store_splice (self->path, event->position + 1, n - event->position - 1, NULL, 0);
        visit_set_answer (target, NULL);
      }
      break;

    case KBD_EVENT_STEP:
      if (!expect_current (self, event->node_id, KBD_NODE_PROCEDURE, error))
        return FALSE;
      if (event->step_id == NULL)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_MISSING_FIELD,
                       _("a step event on “%s” names no step"), visit->node->id);
          return FALSE;
        }
      if (kbd_node_find_step (visit->node, event->step_id) == NULL)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                       _("the procedure “%s” has no step “%s”"),
                       visit->node->id, event->step_id);
          return FALSE;
        }
      if (event->done)
        g_hash_table_add (visit->done_steps, g_strdup (event->step_id));
      else
        g_hash_table_remove (visit->done_steps, event->step_id);
      break;

    case KBD_EVENT_NOTE:
      if (event->text == NULL || event->text[0] == '\0')
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE, _("a note cannot be empty"));
          return FALSE;
        }
      if (strlen (event->text) > KBD_MAX_NOTE_BYTES)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_LIMIT_EXCEEDED,
                       _("a note can be at most %d bytes long"), KBD_MAX_NOTE_BYTES);
          return FALSE;
        }
      if (!g_utf8_validate (event->text, -1, NULL))
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_ENCODING, _("a note must be UTF-8 text"));
          return FALSE;
        }
      for (const char *p = event->text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar ch = g_utf8_get_char (p);

          /* Line breaks and tabs are text; other control characters are not. */
          if ((ch < 0x20 && ch != '\n' && ch != '\t') || (ch >= 0x7f && ch <= 0x9f))
            {
              g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                           _("a note cannot contain the control character U+%04X"), ch);
              return FALSE;
            }
        }
      break;

    case KBD_EVENT_RESTART:
      g_list_store_splice (self->path, 1, n - 1, NULL, 0);
      visit = path_visit (self, 0);
      visit_set_answer (visit, NULL);
      g_hash_table_remove_all (visit->done_steps);
      break;

    case KBD_EVENT_FINISH:
      if (!expect_current (self, event->node_id, KBD_NODE_OUTCOME, error))
        return FALSE;
      break;

    default:
      g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE, _("unknown event"));
      return FALSE;
    }

  return TRUE;
}

static void
notify_state (KbdSession *self,
              KbdNode    *before,
              gboolean    finished_before,
              gboolean    back_before)
{
  if (kbd_session_get_current_node (self) != before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENT_NODE]);
  if (kbd_session_get_finished (self) != finished_before)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FINISHED]);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OUTCOME]);
    }
  if (kbd_session_get_can_go_back (self) != back_before)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

/* Applies a new event, logs it and tells listeners. Arriving on an outcome
 * adds its finish event. */
static gboolean
commit_event (KbdSession  *self,
              KbdEvent    *event,
              GError     **error)
{
  g_autoptr(KbdEvent) owned = event;
  KbdNode *before = kbd_session_get_current_node (self);
  gboolean finished_before = kbd_session_get_finished (self);
  gboolean back_before = kbd_session_get_can_go_back (self);
  KbdNode *after;

  if (!apply_event (self, event, error))
    return FALSE;

  g_ptr_array_add (self->events, kbd_event_ref (event));
  g_signal_emit (self, signals[SIGNAL_EVENT], 0, event);

  after = kbd_session_get_current_node (self);
  if (after != before && after->kind == KBD_NODE_OUTCOME &&
      event->kind != KBD_EVENT_FINISH)
    {
      KbdEvent *finish = event_new (KBD_EVENT_FINISH);

      finish->time = event->time;
      finish->node_id = g_strdup (after->id);
      finish->node_title = g_strdup (after->title);
      finish->label = g_strdup (after->title);
      finish->result = after->result;
      /* Whom to escalate to is part of the record: it stays true in the
       * transcript even if the article changes later. */
      finish->text = g_strdup (after->contact);
      if (apply_event (self, finish, NULL))
        {
          g_ptr_array_add (self->events, finish);
          g_signal_emit (self, signals[SIGNAL_EVENT], 0, finish);
        }
      else
        kbd_event_unref (finish);
    }

  notify_state (self, before, finished_before, back_before);
  return TRUE;
}

static double
seconds_on (KbdVisit *visit,
            gint64    now)
{
  return MAX (0, (double) (now - visit->entered_at) / G_USEC_PER_SEC);
}

/**
 * kbd_session_new:
 * @article: the article to walk
 * @technician: (nullable): who runs the session
 * @ticket: (nullable): the ticket the session is for
 *
 * Starts a session on @article's first node. The start event is the first
 * of [method@Kbd.Session.get_events].
 *
 * Returns: (transfer full): the session
 */
KbdSession *
kbd_session_new (KbdArticle *article,
                 const char *technician,
                 const char *ticket)
{
  g_autoptr(KbdSession) self = NULL;
  KbdEvent *start;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);
  g_return_val_if_fail (kbd_article_get_start_node (article) != NULL, NULL);

  kbd_i18n_init ();

  self = g_object_new (KBD_TYPE_SESSION, NULL);
  self->article = g_object_ref (article);
  self->technician = g_strdup (technician);
  self->ticket = g_strdup (ticket);

  start = event_new (KBD_EVENT_START);
  start->article_id = g_strdup (article->id);
  start->content_hash = g_strdup (article->content_hash);
  start->technician = g_strdup (technician);
  start->ticket = g_strdup (ticket);
  start->language = g_strdup (article->language);
  start->node_id = g_strdup (article->start);
  start->node_title = g_strdup (kbd_node_get_title (kbd_article_get_start_node (article)));
  /* The start event's UUID is the session's. */
  self->uuid = g_strdup (start->uuid);

  if (!commit_event (self, start, &error))
    g_critical ("Cannot start a session: %s", error->message);

  return g_steal_pointer (&self);
}

/**
 * kbd_session_choose:
 * @self: a session
 * @answer_id: the id of an answer of the current question
 * @error: return location for a #GError
 *
 * Answers the current question and moves to the node the answer leads to.
 *
 * Returns: %TRUE on success; %FALSE with %KBD_ERROR_INVALID_STATE when the
 *   session is not on a question, %KBD_ERROR_NOT_FOUND for an unknown answer
 */
gboolean
kbd_session_choose (KbdSession  *self,
                    const char  *answer_id,
                    GError     **error)
{
  KbdVisit *visit;
  KbdAnswer *answer;
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);
  g_return_val_if_fail (answer_id != NULL, FALSE);

  if (!expect_current (self, NULL, KBD_NODE_QUESTION, error))
    return FALSE;

  visit = kbd_session_get_current_visit (self);
  answer = kbd_node_find_answer (visit->node, answer_id);
  if (answer == NULL)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                   _("the question “%s” has no answer “%s”"), visit->node->id, answer_id);
      return FALSE;
    }

  event = event_new (KBD_EVENT_ANSWER);
  event->node_id = g_strdup (visit->node->id);
  event->node_title = g_strdup (kbd_node_get_title (visit->node));
  event->answer_id = g_strdup (answer->id);
  event->label = g_strdup (answer->label);
  event->seconds = seconds_on (visit, event->time);
  return commit_event (self, event, error);
}

/**
 * kbd_session_choose_index:
 * @self: a session
 * @index: the answer's position, from 0
 * @error: return location for a #GError
 *
 * Like kbd_session_choose(), by the answer's position (keys 1–9 in the app).
 *
 * Returns: %TRUE on success
 */
gboolean
kbd_session_choose_index (KbdSession  *self,
                          guint        index,
                          GError     **error)
{
  KbdNode *node;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  if (!expect_current (self, NULL, KBD_NODE_QUESTION, error))
    return FALSE;

  node = kbd_session_get_current_node (self);
  if (index >= node->n_answers)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_NOT_FOUND,
                   g_dngettext (GETTEXT_PACKAGE,
                                "there is no answer %u; the question has %u answer",
                                "there is no answer %u; the question has %u answers",
                                node->n_answers),
                   index + 1, node->n_answers);
      return FALSE;
    }

  return kbd_session_choose (self, node->answers[index]->id, error);
}

/**
 * kbd_session_advance:
 * @self: a session
 * @error: return location for a #GError
 *
 * Leaves the current procedure for the node that follows it. Steps need not
 * all be marked done; the record shows which were.
 *
 * Returns: %TRUE on success; %FALSE with %KBD_ERROR_INVALID_STATE when the
 *   session is not on a procedure
 */
gboolean
kbd_session_advance (KbdSession  *self,
                     GError     **error)
{
  KbdVisit *visit;
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  if (!expect_current (self, NULL, KBD_NODE_PROCEDURE, error))
    return FALSE;

  visit = kbd_session_get_current_visit (self);
  event = event_new (KBD_EVENT_ADVANCE);
  event->node_id = g_strdup (visit->node->id);
  event->node_title = g_strdup (kbd_node_get_title (visit->node));
  event->seconds = seconds_on (visit, event->time);
  return commit_event (self, event, error);
}

/**
 * kbd_session_back:
 * @self: a session
 * @error: return location for a #GError
 *
 * Goes back to the previous node; the answer given there is undone.
 *
 * Returns: %TRUE on success; %FALSE with %KBD_ERROR_INVALID_STATE on the
 *   first node
 */
gboolean
kbd_session_back (KbdSession  *self,
                  GError     **error)
{
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  if (path_length (self) < 2)
    return fail_state (error, _("there is nothing to go back to"));

  event = event_new (KBD_EVENT_BACK);
  event->node_id = g_strdup (kbd_session_get_current_node (self)->id);
  event->node_title = g_strdup (kbd_node_get_title (kbd_session_get_current_node (self)));
  return commit_event (self, event, error);
}

/**
 * kbd_session_revisit:
 * @self: a session
 * @position: the position of an earlier question in the path, from 0
 * @error: return location for a #GError
 *
 * Goes back to an earlier question to change its answer. The rest of the
 * path after it is discarded.
 *
 * Returns: %TRUE on success; %FALSE with %KBD_ERROR_INVALID_STATE when
 *   @position is not an earlier question
 */
gboolean
kbd_session_revisit (KbdSession  *self,
                     guint        position,
                     GError     **error)
{
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  if (position + 1 >= path_length (self))
    return fail_state (error, _("position %u is not an earlier step of the path"), position);

  event = event_new (KBD_EVENT_REVISIT);
  event->position = position;
  event->node_id = g_strdup (path_visit (self, position)->node->id);
  event->node_title = g_strdup (kbd_node_get_title (path_visit (self, position)->node));
  return commit_event (self, event, error);
}

/**
 * kbd_session_restart:
 * @self: a session
 *
 * Starts over from the first node. The events so far stay in the record.
 */
void
kbd_session_restart (KbdSession *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (KBD_IS_SESSION (self));

  if (!commit_event (self, event_new (KBD_EVENT_RESTART), &error))
    g_critical ("Cannot restart a session: %s", error->message);
}

/**
 * kbd_session_set_step_done:
 * @self: a session
 * @step_id: a step of the current procedure
 * @done: whether the step is done
 * @error: return location for a #GError
 *
 * Marks a step of the current procedure done or not done. Marking it the
 * way it already is records nothing.
 *
 * Returns: %TRUE on success
 */
gboolean
kbd_session_set_step_done (KbdSession  *self,
                           const char  *step_id,
                           gboolean     done,
                           GError     **error)
{
  KbdVisit *visit;
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);
  g_return_val_if_fail (step_id != NULL, FALSE);

  if (!expect_current (self, NULL, KBD_NODE_PROCEDURE, error))
    return FALSE;

  visit = kbd_session_get_current_visit (self);
  if (kbd_node_find_step (visit->node, step_id) != NULL &&
      kbd_visit_is_step_done (visit, step_id) == !!done)
    return TRUE;

  event = event_new (KBD_EVENT_STEP);
  event->node_id = g_strdup (visit->node->id);
  event->node_title = g_strdup (kbd_node_get_title (visit->node));
  event->step_id = g_strdup (step_id);
  if (kbd_node_find_step (visit->node, step_id) != NULL)
    event->label = g_strdup (kbd_step_get_text (kbd_node_find_step (visit->node, step_id)));
  event->done = !!done;
  return commit_event (self, event, error);
}

/**
 * kbd_session_is_step_done:
 * @self: a session
 * @step_id: a step of the current procedure
 *
 * Checks whether a step of the current procedure is marked done, as
 * [method@Kbd.Session.set_step_done] left it. It is %FALSE for an unknown
 * step and when the session does not stand on a procedure.
 *
 * Returns: whether the step is marked done on the current visit
 */
gboolean
kbd_session_is_step_done (KbdSession *self,
                          const char *step_id)
{
  KbdVisit *visit;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);

  visit = kbd_session_get_current_visit (self);
  return visit != NULL && kbd_visit_is_step_done (visit, step_id);
}

/**
 * kbd_session_add_note:
 * @self: a session
 * @text: the note, UTF-8, at most 16 KiB
 * @error: return location for a #GError
 *
 * Adds a note, attached to the current node.
 *
 * Returns: %TRUE on success
 */
gboolean
kbd_session_add_note (KbdSession  *self,
                      const char  *text,
                      GError     **error)
{
  KbdEvent *event;

  g_return_val_if_fail (KBD_IS_SESSION (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  event = event_new (KBD_EVENT_NOTE);
  event->node_id = g_strdup (kbd_session_get_current_node (self)->id);
  event->node_title = g_strdup (kbd_node_get_title (kbd_session_get_current_node (self)));
  event->text = g_strdup (text);
  return commit_event (self, event, error);
}

/* Replay ------------------------------------------------------------------- */

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
add_warning (GPtrArray  *warnings,
             const char *format,
             ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/**
 * kbd_session_new_from_events:
 * @article: the article the events were recorded on
 * @events: (element-type KbdEvent): the session's events, oldest first; the
 *   first must be its start
 * @warnings: (out) (optional) (array zero-terminated=1) (transfer full):
 *   what could not be restored, in plain words
 * @error: return location for a #GError
 *
 * Rebuilds a session by replaying its events. When the article changed
 * since the events were recorded (another content hash), the walk is
 * replayed as far as its answers are still valid; the rest is dropped and
 * said in @warnings. Notes are always kept.
 *
 * Returns: (transfer full): the session; %NULL with
 *   %KBD_ERROR_ARTICLE_MISMATCH when the events belong to another article,
 *   or %KBD_ERROR_INVALID_VALUE when they do not begin with a start
 */
KbdSession *
kbd_session_new_from_events (KbdArticle  *article,
                             GPtrArray   *events,
                             char      ***warnings,
                             GError     **error)
{
  g_autoptr(KbdSession) self = NULL;
  g_autoptr(GPtrArray) said = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  KbdEvent *start;
  gboolean path_broken = FALSE;
  guint dropped = 0;

  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);
  g_return_val_if_fail (events != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  if (events->len == 0 ||
      ((KbdEvent *) g_ptr_array_index (events, 0))->kind != KBD_EVENT_START)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                   _("a session record must begin with its start"));
      return NULL;
    }

  start = g_ptr_array_index (events, 0);
  if (g_strcmp0 (start->article_id, article->id) != 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_ARTICLE_MISMATCH,
                   _("the session was recorded on article %s, not on %s"),
                   start->article_id != NULL ? start->article_id : "?", article->id);
      return NULL;
    }

  self = g_object_new (KBD_TYPE_SESSION, NULL);
  self->article = g_object_ref (article);
  self->uuid = g_strdup (start->uuid);
  self->technician = g_strdup (start->technician);
  self->ticket = g_strdup (start->ticket);

  if (g_strcmp0 (start->content_hash, article->content_hash) != 0)
    add_warning (said,
                 _("Article %s has changed since this session was recorded; its answers were checked against the new version."),
                 article->id);

  for (guint i = 0; i < events->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (events, i);
      g_autoptr(GError) local_error = NULL;

      if (i > 0 && event->kind == KBD_EVENT_START)
        {
          g_set_error (error, KBD_ERROR, KBD_ERROR_INVALID_VALUE,
                       _("a session record has only one start"));
          return NULL;
        }

      /* Once the path no longer fits the article, later moves mean
       * nothing; notes still belong to the session. */
      if (path_broken && event->kind != KBD_EVENT_NOTE)
        {
          if (event->kind != KBD_EVENT_FINISH)
            dropped++;
          continue;
        }

      if (!apply_event (self, event, &local_error))
        {
          if (i == 0)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          add_warning (said, _("Kept the path up to “%s”; the rest no longer fits the article (%s)."),
                       kbd_session_get_current_node (self)->id, local_error->message);
          path_broken = TRUE;
          dropped++;
          continue;
        }

      g_ptr_array_add (self->events, kbd_event_ref (event));
    }

  if (dropped > 0)
    add_warning (said,
                 g_dngettext (GETTEXT_PACKAGE, "%u recorded step was not restored.",
                              "%u recorded steps were not restored.", dropped),
                 dropped);

  if (warnings != NULL)
    {
      /* An empty null-terminated array may have no storage yet. */
      g_ptr_array_add (said, NULL);
      g_ptr_array_set_size (said, said->len - 1);
      *warnings = (char **) g_ptr_array_steal (said, NULL);
    }

  return g_steal_pointer (&self);
}

/* Snapshots ---------------------------------------------------------------- */

static void
add_string_member (JsonBuilder *builder,
                   const char  *name,
                   const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

/* Events as JSON: the form snapshots and JSON transcripts share. */
void
kbd_events_to_json (JsonBuilder *builder,
                    GPtrArray   *events)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (events, i);

      json_builder_begin_object (builder);
      add_string_member (builder, "kind", event_kind_names[event->kind]);
      add_string_member (builder, "uuid", event->uuid);
      json_builder_set_member_name (builder, "time");
      json_builder_add_int_value (builder, event->time);
      add_string_member (builder, "node", event->node_id);
      add_string_member (builder, "node_title", event->node_title);
      add_string_member (builder, "answer", event->answer_id);
      add_string_member (builder, "label", event->label);
      add_string_member (builder, "step", event->step_id);
      add_string_member (builder, "text", event->text);
      add_string_member (builder, "article", event->article_id);
      add_string_member (builder, "article_hash", event->content_hash);
      add_string_member (builder, "technician", event->technician);
      add_string_member (builder, "ticket", event->ticket);
      add_string_member (builder, "language", event->language);
      if (event->kind == KBD_EVENT_STEP)
        {
          json_builder_set_member_name (builder, "done");
          json_builder_add_boolean_value (builder, event->done);
        }
      if (event->kind == KBD_EVENT_REVISIT)
        {
          json_builder_set_member_name (builder, "position");
          json_builder_add_int_value (builder, event->position);
        }
      if (event->kind == KBD_EVENT_ANSWER || event->kind == KBD_EVENT_ADVANCE)
        {
          /* Milliseconds as an integer: exact in JSON, unlike a double. */
          json_builder_set_member_name (builder, "ms");
          json_builder_add_int_value (builder, (gint64) (CLAMP (event->seconds, 0, KBD_MAX_NODE_MS / 1000.0) * 1000 + 0.5));
        }
      if (event->kind == KBD_EVENT_FINISH)
        add_string_member (builder, "result", result_names[event->result]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

/**
 * kbd_session_to_snapshot:
 * @self: a session
 *
 * Serialises the session as JSON: the article id and content hash and every
 * event. [ctor@Kbd.Session.new_from_snapshot] restores it exactly.
 *
 * Returns: (transfer full): the snapshot, UTF-8 JSON
 */
char *
kbd_session_to_snapshot (KbdSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kbdecide_session");
  json_builder_add_int_value (builder, KBD_SNAPSHOT_VERSION);
  add_string_member (builder, "session", self->uuid);
  add_string_member (builder, "article", self->article->id);
  add_string_member (builder, "article_hash", self->article->content_hash);
  json_builder_set_member_name (builder, "events");
  kbd_events_to_json (builder, self->events);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

static gboolean
read_optional_string (KbdJsonReader      *reader,
                      const KbdJsonValue *object,
                      const KbdJsonPath  *path,
                      const char         *key,
                      char              **out)
{
  const KbdJsonValue *value = kbd_json_object_get (object, key);
  KbdJsonPath child = KBD_JSON_PATH_KEY (path, key);

  if (value == NULL)
    return TRUE;
  if (!kbd_json_reader_expect_type (reader, value, &child, KBD_JSON_STRING))
    return FALSE;
  *out = g_strndup (value->v.string.str, value->v.string.len);
  return TRUE;
}

static KbdEvent *
read_event (KbdJsonReader      *reader,
            const KbdJsonValue *object,
            const KbdJsonPath  *path)
{
  static const char *const fields[] = {
    "kind", "uuid", "time", "node", "node_title", "answer", "label", "step", "text", "article",
    "article_hash", "technician", "ticket", "language", "done", "position", "ms",
    "result", NULL
  };
  g_autoptr(KbdEvent) event = g_new0 (KbdEvent, 1);
  g_autofree char *kind = NULL;
  g_autofree char *result = NULL;
  const KbdJsonValue *value;
  KbdJsonPath kind_path = KBD_JSON_PATH_KEY (path, "kind");
  gboolean found = FALSE;

  g_atomic_ref_count_init (&event->ref_count);

  if (!kbd_json_reader_expect_type (reader, object, path, KBD_JSON_OBJECT) ||
      !kbd_json_reader_check_fields (reader, object, path, fields) ||
      kbd_json_reader_get_field (reader, object, path, "kind", TRUE) == NULL ||
      kbd_json_reader_get_field (reader, object, path, "uuid", TRUE) == NULL ||
      kbd_json_reader_get_field (reader, object, path, "time", TRUE) == NULL ||
      !read_optional_string (reader, object, path, "kind", &kind) ||
      !read_optional_string (reader, object, path, "uuid", &event->uuid) ||
      !read_optional_string (reader, object, path, "node", &event->node_id) ||
      !read_optional_string (reader, object, path, "node_title", &event->node_title) ||
      !read_optional_string (reader, object, path, "answer", &event->answer_id) ||
      !read_optional_string (reader, object, path, "label", &event->label) ||
      !read_optional_string (reader, object, path, "step", &event->step_id) ||
      !read_optional_string (reader, object, path, "text", &event->text) ||
      !read_optional_string (reader, object, path, "article", &event->article_id) ||
      !read_optional_string (reader, object, path, "article_hash", &event->content_hash) ||
      !read_optional_string (reader, object, path, "technician", &event->technician) ||
      !read_optional_string (reader, object, path, "ticket", &event->ticket) ||
      !read_optional_string (reader, object, path, "language", &event->language) ||
      !read_optional_string (reader, object, path, "result", &result))
    return NULL;

  for (guint i = 0; i < G_N_ELEMENTS (event_kind_names); i++)
    if (g_str_equal (kind, event_kind_names[i]))
      {
        event->kind = i;
        found = TRUE;
      }
  if (!found)
    {
      value = kbd_json_object_get (object, "kind");
      kbd_json_reader_fail (reader, value->line, value->column, &kind_path,
                            KBD_ERROR_INVALID_VALUE, _("“%s” is not an event kind"), kind);
      return NULL;
    }

  value = kbd_json_object_get (object, "time");
  {
    KbdJsonPath time_path = KBD_JSON_PATH_KEY (path, "time");
    if (!kbd_json_reader_expect_type (reader, value, &time_path, KBD_JSON_INTEGER))
      return NULL;
    event->time = value->v.integer;
  }

  value = kbd_json_object_get (object, "done");
  if (value != NULL)
    {
      KbdJsonPath done_path = KBD_JSON_PATH_KEY (path, "done");
      if (!kbd_json_reader_expect_type (reader, value, &done_path, KBD_JSON_BOOLEAN))
        return NULL;
      event->done = value->v.boolean;
    }

  value = kbd_json_object_get (object, "position");
  if (value != NULL)
    {
      KbdJsonPath position_path = KBD_JSON_PATH_KEY (path, "position");
      if (!kbd_json_reader_expect_type (reader, value, &position_path, KBD_JSON_INTEGER))
        return NULL;
      if (value->v.integer < 0 || value->v.integer > G_MAXINT32)
        {
          kbd_json_reader_fail (reader, value->line, value->column, &position_path,
                                KBD_ERROR_NUMBER_RANGE, _("the position is out of range"));
          return NULL;
        }
      event->position = (guint) value->v.integer;
    }

  value = kbd_json_object_get (object, "ms");
  if (value != NULL)
    {
      KbdJsonPath ms_path = KBD_JSON_PATH_KEY (path, "ms");
      if (!kbd_json_reader_expect_type (reader, value, &ms_path, KBD_JSON_INTEGER))
        return NULL;
      /* Time on one node: anything from 0 to a thousand years. */
      if (value->v.integer < 0 || value->v.integer > KBD_MAX_NODE_MS)
        {
          kbd_json_reader_fail (reader, value->line, value->column, &ms_path,
                                KBD_ERROR_NUMBER_RANGE, _("the time spent is out of range"));
          return NULL;
        }
      event->seconds = (double) value->v.integer / 1000.0;
    }

  if (result != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (result_names); i++)
        if (g_str_equal (result, result_names[i]))
          event->result = i;
    }

  return g_steal_pointer (&event);
}

GPtrArray *
kbd_events_from_json (KbdJsonReader      *reader,
                      const KbdJsonValue *array,
                      const KbdJsonPath  *path)
{
  g_autoptr(GPtrArray) events = NULL;

  if (!kbd_json_reader_expect_type (reader, array, path, KBD_JSON_ARRAY))
    return NULL;

  events = g_ptr_array_new_full (array->v.array.n, (GDestroyNotify) kbd_event_unref);
  for (guint32 i = 0; i < array->v.array.n; i++)
    {
      KbdJsonPath item_path = { path, NULL, 0, i };
      KbdEvent *event = read_event (reader, array->v.array.items[i], &item_path);

      if (event == NULL)
        return NULL;
      g_ptr_array_add (events, event);
    }
  return g_steal_pointer (&events);
}

/**
 * kbd_session_new_from_snapshot:
 * @article: the article the session was recorded on
 * @snapshot: (array length=length) (element-type guint8): JSON from
 *   kbd_session_to_snapshot()
 * @length: the length of @snapshot, or -1 when it is NUL-terminated
 * @warnings: (out) (optional) (array zero-terminated=1) (transfer full):
 *   what could not be restored, in plain words
 * @error: return location for a #GError
 *
 * Restores a session from a snapshot. The snapshot is untrusted input and
 * is checked as strictly as an article file. See
 * kbd_session_new_from_events() for what happens when the article changed.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
KbdSession *
kbd_session_new_from_snapshot (KbdArticle  *article,
                               const char  *snapshot,
                               gssize       length,
                               char      ***warnings,
                               GError     **error)
{
  static const KbdJsonLimits limits = { 8, 65536 };
  static const char *const fields[] = {
    "kbdecide_session", "session", "article", "article_hash", "events", NULL
  };
  g_autoptr(KbdJsonDoc) doc = NULL;
  g_autoptr(GPtrArray) events = NULL;
  KbdJsonReader reader = { "snapshot", error };
  KbdJsonPath events_path = KBD_JSON_PATH_KEY (NULL, "events");
  KbdJsonPath version_path = KBD_JSON_PATH_KEY (NULL, "kbdecide_session");
  const KbdJsonValue *root, *value;

  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);
  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  if (length < 0)
    length = strlen (snapshot);

  doc = kbd_json_doc_parse (snapshot, length, "snapshot", &limits, error);
  if (doc == NULL)
    return NULL;

  root = kbd_json_doc_get_root (doc);
  if (!kbd_json_reader_expect_type (&reader, root, NULL, KBD_JSON_OBJECT) ||
      !kbd_json_reader_check_fields (&reader, root, NULL, fields))
    return NULL;

  value = kbd_json_reader_get_field (&reader, root, NULL, "kbdecide_session", TRUE);
  if (value == NULL || !kbd_json_reader_expect_type (&reader, value, &version_path, KBD_JSON_INTEGER))
    return NULL;
  if (value->v.integer != KBD_SNAPSHOT_VERSION)
    {
      kbd_json_reader_fail (&reader, value->line, value->column, &version_path,
                            KBD_ERROR_UNSUPPORTED_VERSION,
                            _("snapshot version %lld is not supported"),
                            (long long) value->v.integer);
      return NULL;
    }

  value = kbd_json_reader_get_field (&reader, root, NULL, "events", TRUE);
  if (value == NULL || !kbd_json_reader_expect_type (&reader, value, &events_path, KBD_JSON_ARRAY))
    return NULL;
  if (value->v.array.n > KBD_MAX_SNAPSHOT_EVENTS)
    {
      kbd_json_reader_fail (&reader, value->line, value->column, &events_path,
                            KBD_ERROR_LIMIT_EXCEEDED, _("the snapshot has too many events"));
      return NULL;
    }

  events = kbd_events_from_json (&reader, value, &events_path);
  if (events == NULL)
    return NULL;

  return kbd_session_new_from_events (article, events, warnings, error);
}

/* Summary ------------------------------------------------------------------ */

static void
append_line (GString       *out,
             KbdTextFormat  format,
             const char    *text)
{
  g_autofree char *rendered = kbd_text_render (text, format);

  g_string_append (out, rendered);
  g_string_append_c (out, '\n');
}

/**
 * kbd_session_build_summary:
 * @self: a session
 * @format: %KBD_TEXT_FORMAT_PLAIN or %KBD_TEXT_FORMAT_MARKDOWN
 *
 * Builds the hand-over summary of the session as it stands: the article,
 * ticket and technician, the questions and answers on the path, the
 * procedures with the steps done, the notes and the outcome (for an
 * escalation: whom to contact and what to hand them). Ready to paste into
 * a ticket.
 *
 * Returns: (transfer full): the summary
 */
char *
kbd_session_build_summary (KbdSession    *self,
                           KbdTextFormat  format)
{
  GString *out = g_string_new (NULL);
  KbdNode *current;
  guint n;
  gboolean md;
  g_autofree char *title = NULL;

  g_return_val_if_fail (KBD_IS_SESSION (self), NULL);

  kbd_i18n_init ();

  md = format == KBD_TEXT_FORMAT_MARKDOWN;
  if (!md)
    format = KBD_TEXT_FORMAT_PLAIN;

  title = kbd_text_render (self->article->title, format);
  g_string_append_printf (out, md ? "## %s — %s\n\n" : "%s — %s\n\n", self->article->id, title);

  if (self->ticket != NULL)
    {
      g_autofree char *ticket = kbd_text_escape (self->ticket, format);
      g_string_append_printf (out, _("Ticket: %s"), ticket);
      g_string_append (out, md ? "  \n" : "\n");
    }
  if (self->technician != NULL)
    {
      g_autofree char *technician = kbd_text_escape (self->technician, format);
      g_string_append_printf (out, _("Technician: %s"), technician);
      g_string_append (out, md ? "  \n" : "\n");
    }

  current = kbd_session_get_current_node (self);
  if (current->kind == KBD_NODE_OUTCOME)
    {
      g_autofree char *outcome = kbd_text_render (current->title, format);
      g_string_append_printf (out, _("Outcome: %s"), outcome);
    }
  else
    {
      g_autofree char *where = kbd_text_render (kbd_node_get_title (current), format);
      g_string_append_printf (out, _("Unfinished, at: %s"), where);
    }
  g_string_append (out, "\n\n");

  if (md)
    g_string_append_printf (out, "### %s\n\n", _("Path taken"));
  else
    g_string_append_printf (out, "%s\n", _("Path taken:"));

  n = path_length (self);
  for (guint i = 0; i < n; i++)
    {
      KbdVisit *visit = path_visit (self, i);
      KbdNode *node = visit->node;
      g_autofree char *node_title = kbd_text_render (kbd_node_get_title (node), format);

      g_string_append_printf (out, md ? "%u. " : "%2u. ", i + 1);
      if (node->kind == KBD_NODE_QUESTION && visit->answer != NULL)
        {
          g_autofree char *label = kbd_text_render (visit->answer->label, format);
          /* Translators: a question and the answer given, in a summary */
          g_string_append_printf (out, _("%s → %s"), node_title, label);
        }
      else
        g_string_append (out, node_title);
      g_string_append_c (out, '\n');

      if (node->kind == KBD_NODE_PROCEDURE)
        for (guint s = 0; s < node->n_steps; s++)
          {
            g_autofree char *plain = kbd_text_render (node->steps[s]->text, KBD_TEXT_FORMAT_PLAIN);
            g_autofree char *shortened = g_utf8_substring (plain, 0, MIN (g_utf8_strlen (plain, -1), 80));
            g_autofree char *escaped = kbd_text_escape (shortened, format);

            g_string_append_printf (out, "    %s %s%s\n",
                                    kbd_visit_is_step_done (visit, node->steps[s]->id)
                                      ? (md ? "- [x]" : "[x]") : (md ? "- [ ]" : "[ ]"),
                                    escaped,
                                    g_utf8_strlen (plain, -1) > 80 ? "…" : "");
          }
    }

  {
    gboolean any_note = FALSE;

    for (guint i = 0; i < self->events->len; i++)
      {
        KbdEvent *event = g_ptr_array_index (self->events, i);
        g_autofree char *text = NULL;

        if (event->kind != KBD_EVENT_NOTE)
          continue;
        if (!any_note)
          {
            if (md)
              g_string_append_printf (out, "\n### %s\n\n", _("Notes"));
            else
              g_string_append_printf (out, "\n%s\n", _("Notes:"));
            any_note = TRUE;
          }
        text = kbd_text_escape (event->text, format);
        g_string_append_printf (out, "- %s\n", text);
      }
  }

  if (current->kind == KBD_NODE_OUTCOME)
    {
      g_string_append_c (out, '\n');
      append_line (out, format, current->text);
      if (current->result == KBD_OUTCOME_ESCALATE)
        {
          g_autofree char *contact = kbd_text_render (current->contact, format);
          g_autofree char *handover = kbd_text_render (current->handover, format);

          g_string_append_c (out, '\n');
          g_string_append_printf (out, _("Escalate to: %s"), contact);
          g_string_append (out, md ? "  \n" : "\n");
          g_string_append_printf (out, _("Hand over: %s"), handover);
          g_string_append_c (out, '\n');
        }
    }

  return g_string_free (out, FALSE);
}
