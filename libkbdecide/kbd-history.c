/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "kbd-enums.h"
#include "kbd-error.h"
#include "kbd-event-private.h"
#include "kbd-history-private.h"
#include "kbd-history-store-private.h"
#include "kbd-private.h"
#include "kbd-text.h"
#include "kbd-transcript-private.h"

#define MAX_BATCH 256
#define RETRY_FIRST_MS 50
#define RETRY_MAX_MS 2000

/* KbdSessionRecord ---------------------------------------------------------- */

struct _KbdSessionRecord
{
  GObject parent_instance;
  char *uuid;
  char *article_id;
  char *article_title;
  char *article_hash;
  char *technician;
  char *ticket;
  char *language;
  gint64 started_at;
  gint64 updated_at;
  char *current_node;
  KbdOutcomeResult outcome;
  guint n_events;
  char *snippet;
};

/**
 * KbdSessionRecord:
 *
 * What the history knows about one session: article, technician, ticket,
 * times, where it stands and how it ended. A list of sessions shows these.
 */
G_DEFINE_FINAL_TYPE (KbdSessionRecord, kbd_session_record, G_TYPE_OBJECT)

enum {
  RECORD_PROP_0,
  RECORD_PROP_UUID,
  RECORD_PROP_ARTICLE_ID,
  RECORD_PROP_ARTICLE_TITLE,
  RECORD_PROP_TICKET,
  RECORD_PROP_STARTED_AT,
  RECORD_PROP_OUTCOME,
  RECORD_PROP_FINISHED,
  RECORD_N_PROPS
};

static GParamSpec *record_properties[RECORD_N_PROPS];

static void
kbd_session_record_finalize (GObject *object)
{
  KbdSessionRecord *self = (KbdSessionRecord *) object;

  g_free (self->uuid);
  g_free (self->article_id);
  g_free (self->article_title);
  g_free (self->article_hash);
  g_free (self->technician);
  g_free (self->ticket);
  g_free (self->language);
  g_free (self->current_node);
  g_free (self->snippet);

  G_OBJECT_CLASS (kbd_session_record_parent_class)->finalize (object);
}

static void
kbd_session_record_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  KbdSessionRecord *self = KBD_SESSION_RECORD (object);

  switch (prop_id)
    {
    case RECORD_PROP_UUID:
      g_value_set_string (value, self->uuid);
      break;
    case RECORD_PROP_ARTICLE_ID:
      g_value_set_string (value, self->article_id);
      break;
    case RECORD_PROP_ARTICLE_TITLE:
      g_value_set_string (value, self->article_title);
      break;
    case RECORD_PROP_TICKET:
      g_value_set_string (value, self->ticket);
      break;
    case RECORD_PROP_STARTED_AT:
      g_value_set_int64 (value, self->started_at);
      break;
    case RECORD_PROP_OUTCOME:
      g_value_set_enum (value, self->outcome);
      break;
    case RECORD_PROP_FINISHED:
      g_value_set_boolean (value, self->outcome != KBD_OUTCOME_NONE);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_session_record_class_init (KbdSessionRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = kbd_session_record_finalize;
  object_class->get_property = kbd_session_record_get_property;

  /**
   * KbdSessionRecord:uuid:
   *
   * The session's UUID.
   */
  record_properties[RECORD_PROP_UUID] =
    g_param_spec_string ("uuid", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:article-id:
   *
   * The article walked.
   */
  record_properties[RECORD_PROP_ARTICLE_ID] =
    g_param_spec_string ("article-id", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:article-title:
   *
   * The article's title as plain text.
   */
  record_properties[RECORD_PROP_ARTICLE_TITLE] =
    g_param_spec_string ("article-title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:ticket:
   *
   * The ticket reference, or %NULL.
   */
  record_properties[RECORD_PROP_TICKET] =
    g_param_spec_string ("ticket", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:started-at:
   *
   * When the session started, in microseconds since 1970.
   */
  record_properties[RECORD_PROP_STARTED_AT] =
    g_param_spec_int64 ("started-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:outcome:
   *
   * How the session ended, or %KBD_OUTCOME_NONE while unfinished.
   */
  record_properties[RECORD_PROP_OUTCOME] =
    g_param_spec_enum ("outcome", NULL, NULL, KBD_TYPE_OUTCOME_RESULT, KBD_OUTCOME_NONE,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * KbdSessionRecord:finished:
   *
   * Whether the session reached an outcome.
   */
  record_properties[RECORD_PROP_FINISHED] =
    g_param_spec_boolean ("finished", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, RECORD_N_PROPS, record_properties);
}

static void
kbd_session_record_init (KbdSessionRecord *self)
{
}

KbdSessionRecord *
kbd_session_record_new (void)
{
  return g_object_new (KBD_TYPE_SESSION_RECORD, NULL);
}

void
kbd_session_record_set (KbdSessionRecord *self,
                        const char       *uuid,
                        const char       *article_id,
                        const char       *article_title,
                        const char       *article_hash,
                        const char       *technician,
                        const char       *ticket,
                        const char       *language,
                        gint64            started_at,
                        gint64            updated_at,
                        const char       *current_node,
                        KbdOutcomeResult  outcome,
                        guint             n_events,
                        const char       *snippet)
{
  self->uuid = g_strdup (uuid);
  self->article_id = g_strdup (article_id);
  self->article_title = g_strdup (article_title);
  self->article_hash = g_strdup (article_hash);
  self->technician = g_strdup (technician);
  self->ticket = g_strdup (ticket);
  self->language = g_strdup (language);
  self->started_at = started_at;
  self->updated_at = updated_at;
  self->current_node = g_strdup (current_node);
  self->outcome = CLAMP (outcome, KBD_OUTCOME_NONE, KBD_OUTCOME_NOT_APPLICABLE);
  self->n_events = n_events;
  self->snippet = g_strdup (snippet);
}

/**
 * kbd_session_record_get_uuid:
 * @self: a record
 *
 * Gets the UUID of the recorded session, which [method@Kbd.History.resume],
 * [method@Kbd.History.export] and the other history calls take.
 *
 * Returns: the session's UUID
 */
const char *
kbd_session_record_get_uuid (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->uuid;
}

/**
 * kbd_session_record_get_article_id:
 * @self: a record
 *
 * Gets the id of the article the session walked; load it with
 * [method@Kbd.Catalog.load] to resume the session.
 *
 * Returns: the id of the article walked
 */
const char *
kbd_session_record_get_article_id (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->article_id;
}

/**
 * kbd_session_record_get_article_title:
 * @self: a record
 *
 * Gets the title of the article the session walked, as plain text with the
 * inline marks removed. Escape it with [func@Kbd.text_escape] for a markup
 * format.
 *
 * Returns: the article's title as plain text, as it was when the session ran
 */
const char *
kbd_session_record_get_article_title (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->article_title;
}

/**
 * kbd_session_record_get_article_hash:
 * @self: a record
 *
 * Gets the content hash of the article as it was when the session started
 * ([method@Kbd.Article.get_content_hash]); compare it with the loaded
 * article's to tell whether the article changed since.
 *
 * Returns: the content hash of the article as it was when the session ran
 */
const char *
kbd_session_record_get_article_hash (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->article_hash;
}

/**
 * kbd_session_record_get_technician:
 * @self: a record
 *
 * Gets the name of the technician who ran the session, as plain text; %NULL
 * when none was given.
 *
 * Returns: (nullable): who ran the session
 */
const char *
kbd_session_record_get_technician (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->technician;
}

/**
 * kbd_session_record_get_ticket:
 * @self: a record
 *
 * Gets the ticket the session was for, as plain text; %NULL when none was
 * given.
 *
 * Returns: (nullable): the ticket reference
 */
const char *
kbd_session_record_get_ticket (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->ticket;
}

/**
 * kbd_session_record_get_language:
 * @self: a record
 *
 * Gets the language tag of the article the session walked, such as `en`.
 *
 * Returns: the language the session ran in
 */
const char *
kbd_session_record_get_language (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->language;
}

/**
 * kbd_session_record_get_started_at:
 * @self: a record
 *
 * Gets when the session started, in microseconds since
 * 1970-01-01 00:00 UTC.
 *
 * Returns: when the session started, in microseconds since 1970
 */
gint64
kbd_session_record_get_started_at (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), 0);
  return self->started_at;
}

/**
 * kbd_session_record_get_updated_at:
 * @self: a record
 *
 * Gets the time of the newest event recorded for the session, in
 * microseconds since 1970-01-01 00:00 UTC.
 *
 * Returns: the time of the session's last event, in microseconds since 1970
 */
gint64
kbd_session_record_get_updated_at (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), 0);
  return self->updated_at;
}

/**
 * kbd_session_record_get_current_node:
 * @self: a record
 *
 * Gets the id of the node the session stood on after its last recorded
 * event; for a finished session this is its outcome.
 *
 * Returns: the node the session stands on (its outcome when finished)
 */
const char *
kbd_session_record_get_current_node (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->current_node;
}

/**
 * kbd_session_record_get_outcome:
 * @self: a record
 *
 * Gets how the session ended: the result of the outcome it stood on after
 * its last recorded event.
 *
 * Returns: how the session ended, or %KBD_OUTCOME_NONE while unfinished
 */
KbdOutcomeResult
kbd_session_record_get_outcome (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), KBD_OUTCOME_NONE);
  return self->outcome;
}

/**
 * kbd_session_record_get_finished:
 * @self: a record
 *
 * Checks whether the session stood on an outcome after its last recorded
 * event.
 *
 * Returns: whether the session reached an outcome
 */
gboolean
kbd_session_record_get_finished (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), FALSE);
  return self->outcome != KBD_OUTCOME_NONE;
}

/**
 * kbd_session_record_get_n_events:
 * @self: a record
 *
 * Gets how many events of the session are stored, counting each event once.
 *
 * Returns: the number of events recorded
 */
guint
kbd_session_record_get_n_events (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), 0);
  return self->n_events;
}

/**
 * kbd_session_record_get_snippet:
 * @self: a record
 *
 * Gets, for a search result, the text around the best match. The matched
 * words are between U+0002 and U+0003; the rest is plain text that still
 * needs escaping for display.
 *
 * Returns: (nullable): the snippet
 */
const char *
kbd_session_record_get_snippet (KbdSessionRecord *self)
{
  g_return_val_if_fail (KBD_IS_SESSION_RECORD (self), NULL);
  return self->snippet;
}

/* KbdHistoryFilter ---------------------------------------------------------- */

struct _KbdHistoryFilter
{
  gatomicrefcount ref_count;
  KbdHistoryFilterData data;
};

/**
 * KbdHistoryFilter:
 *
 * Which sessions [method@Kbd.History.list_sessions] returns.
 */
G_DEFINE_BOXED_TYPE (KbdHistoryFilter, kbd_history_filter,
                     kbd_history_filter_ref, kbd_history_filter_unref)

/**
 * kbd_history_filter_new:
 *
 * Creates a filter with no conditions, for
 * [method@Kbd.History.list_sessions], [method@Kbd.History.count_sessions]
 * and [class@Kbd.HistoryModel]. Each setter adds a condition; a session
 * passes when it meets all of them.
 *
 * The setters change the filter in place and a filter has no lock: change
 * it in one thread only, and give a changed filter to
 * [method@Kbd.HistoryModel.set_filter] again so that the model reads it
 * anew.
 *
 * Returns: (transfer full): a filter that lets every session through
 */
KbdHistoryFilter *
kbd_history_filter_new (void)
{
  KbdHistoryFilter *self = g_new0 (KbdHistoryFilter, 1);

  g_atomic_ref_count_init (&self->ref_count);
  return self;
}

/**
 * kbd_history_filter_ref:
 * @self: a filter
 *
 * Takes a reference to @self.
 *
 * Returns: (transfer full): @self
 */
KbdHistoryFilter *
kbd_history_filter_ref (KbdHistoryFilter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * kbd_history_filter_unref:
 * @self: (transfer full): a filter
 *
 * Drops a reference.
 */
void
kbd_history_filter_unref (KbdHistoryFilter *self)
{
  g_return_if_fail (self != NULL);
  if (g_atomic_ref_count_dec (&self->ref_count))
    {
      g_free (self->data.article_id);
      g_free (self->data.technician);
      g_free (self);
    }
}

/**
 * kbd_history_filter_set_article:
 * @self: a filter
 * @article_id: (nullable): only sessions of this article
 *
 * Filters by article.
 */
void
kbd_history_filter_set_article (KbdHistoryFilter *self,
                                const char       *article_id)
{
  g_return_if_fail (self != NULL);
  g_free (self->data.article_id);
  self->data.article_id = g_strdup (article_id);
}

/**
 * kbd_history_filter_set_outcome:
 * @self: a filter
 * @outcome: only sessions that ended this way (%KBD_OUTCOME_NONE: unfinished)
 *
 * Filters by outcome.
 */
void
kbd_history_filter_set_outcome (KbdHistoryFilter *self,
                                KbdOutcomeResult  outcome)
{
  g_return_if_fail (self != NULL);
  self->data.outcome = outcome;
  self->data.outcome_set = TRUE;
}

/**
 * kbd_history_filter_set_technician:
 * @self: a filter
 * @technician: (nullable): only sessions run by this technician
 *
 * Filters by technician.
 */
void
kbd_history_filter_set_technician (KbdHistoryFilter *self,
                                   const char       *technician)
{
  g_return_if_fail (self != NULL);
  g_free (self->data.technician);
  self->data.technician = g_strdup (technician);
}

/**
 * kbd_history_filter_set_range:
 * @self: a filter
 * @since: first start time included (µs since 1970), or 0
 * @until: first start time excluded (µs since 1970), or 0
 *
 * Filters by start time.
 */
void
kbd_history_filter_set_range (KbdHistoryFilter *self,
                              gint64            since,
                              gint64            until)
{
  g_return_if_fail (self != NULL);
  self->data.since = since;
  self->data.until = until;
}

/**
 * kbd_history_filter_set_flags:
 * @self: a filter
 * @flags: more conditions
 *
 * Sets flags such as %KBD_HISTORY_FILTER_UNFINISHED.
 */
void
kbd_history_filter_set_flags (KbdHistoryFilter      *self,
                              KbdHistoryFilterFlags  flags)
{
  g_return_if_fail (self != NULL);
  self->data.flags = flags;
}

/* KbdHistory ----------------------------------------------------------------- */

struct _KbdHistory
{
  GObject parent_instance;

  char *filename;
  char *notice;
  const KbdHistoryBackend *backend;
  KbdHistoryStore *reader;
  GMainContext *context;
  GHashTable *attached;   /* KbdSession* → handler id */

  /* Shared with the writer thread, under mutex. */
  GMutex mutex;
  GCond cond;
  /* Held while the write connection is in use: the writer thread's
   * transactions and deletions on the caller's thread never interleave. */
  GMutex store_lock;
  KbdHistoryStore *writer;
  GThread *thread;
  GQueue queue;           /* KbdHistoryWrite*, oldest first */
  gboolean writing;       /* a thread is writing the head of the queue */
  gint64 retry_at;        /* after a failure: no retry before (monotonic µs) */
  guint retry_delay_ms;   /* the wait before the next retry, doubling */
  gboolean stopping;
  guint64 enqueued;
  guint64 committed;
  guint64 failures;
  GError *last_error;
};

/**
 * KbdHistory:
 *
 * The record of every session, in a SQLite database.
 *
 * Attach a session ([method@Kbd.History.attach]) and every event is
 * written as it happens, in a worker thread: the caller never waits on the
 * disk. A write that fails (full disk, I/O error) stays queued, is reported
 * through [signal@Kbd.History::write-failed] and retried until it succeeds;
 * events carry UUIDs, so a retry never stores one twice.
 * [method@Kbd.History.flush] waits until everything queued is on disk.
 *
 * Reading (list, search, export, statistics) is synchronous on the calling
 * thread, on its own connection; a history belongs to the thread that
 * created it.
 */
G_DEFINE_FINAL_TYPE (KbdHistory, kbd_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PENDING,
  N_PROPS
};

enum {
  SIGNAL_WRITE_FAILED,
  SIGNAL_WRITTEN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

void
kbd_history_write_free (KbdHistoryWrite *write)
{
  if (write == NULL)
    return;
  g_clear_pointer (&write->event, kbd_event_unref);
  g_free (write->session_uuid);
  g_free (write->article_id);
  g_free (write->article_hash);
  g_free (write->article_title);
  g_free (write->technician);
  g_free (write->ticket);
  g_free (write->language);
  g_free (write->current_node);
  g_free (write->path);
  g_free (write);
}

typedef struct
{
  GWeakRef history;
  GError *error;
} Notification;

static gboolean
notify_cb (gpointer user_data)
{
  Notification *notification = user_data;
  g_autoptr(KbdHistory) self = g_weak_ref_get (&notification->history);

  if (self != NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
      if (notification->error != NULL)
        g_signal_emit (self, signals[SIGNAL_WRITE_FAILED], 0, notification->error);
      else
        g_signal_emit (self, signals[SIGNAL_WRITTEN], 0);
    }

  g_weak_ref_clear (&notification->history);
  g_clear_error (&notification->error);
  g_free (notification);
  return G_SOURCE_REMOVE;
}

static void
notify_main (KbdHistory   *self,
             const GError *error)
{
  Notification *notification = g_new0 (Notification, 1);

  g_weak_ref_init (&notification->history, self);
  notification->error = error != NULL ? g_error_copy (error) : NULL;
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, notify_cb, notification, NULL);
}

/* Writes the oldest queued writes in one transaction, on whichever thread
 * calls it: the writer thread, or a caller of kbd_history_flush() that
 * would otherwise only wait for it. Called and returns with the mutex
 * held; only one thread writes at a time, so the queue is stored in
 * order. The writes stay at the head of the queue until committed. */
static gboolean
write_head_locked (KbdHistory  *self,
                   GError     **error)
{
  KbdHistoryWrite *batch[MAX_BATCH];
  GError *local_error = NULL;
  guint n = 0;
  gboolean ok;

  g_assert (!self->writing);
  self->writing = TRUE;
  for (GList *l = self->queue.head; l != NULL && n < MAX_BATCH; l = l->next)
    batch[n++] = l->data;

  g_mutex_unlock (&self->mutex);
  g_mutex_lock (&self->store_lock);
  ok = self->backend->write (self->writer, batch, n, &local_error);
  g_mutex_unlock (&self->store_lock);
  g_mutex_lock (&self->mutex);
  self->writing = FALSE;

  if (ok)
    {
      for (guint i = 0; i < n; i++)
        kbd_history_write_free (g_queue_pop_head (&self->queue));
      self->committed += n;
      g_clear_error (&self->last_error);
      self->retry_at = 0;
      self->retry_delay_ms = RETRY_FIRST_MS;
    }
  else
    {
      self->failures++;
      g_clear_error (&self->last_error);
      self->last_error = g_error_copy (local_error);
      /* The writer thread waits before trying again, whichever thread
       * failed; an explicit flush tries at once. */
      self->retry_at = g_get_monotonic_time () + (gint64) self->retry_delay_ms * 1000;
      self->retry_delay_ms = MIN (self->retry_delay_ms * 2, RETRY_MAX_MS);
    }
  g_cond_broadcast (&self->cond);
  notify_main (self, local_error);

  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

static gpointer
writer_thread (gpointer user_data)
{
  KbdHistory *self = user_data;
  guint failures_while_stopping = 0;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      g_autoptr(GError) error = NULL;

      while ((self->queue.length == 0 && !self->stopping) || self->writing)
        g_cond_wait (&self->cond, &self->mutex);
      if (self->queue.length == 0)
        break;

      /* After a failure, wait before trying the same writes again. */
      if (!self->stopping && g_get_monotonic_time () < self->retry_at)
        {
          g_cond_wait_until (&self->cond, &self->mutex, self->retry_at);
          continue;
        }

      if (write_head_locked (self, &error))
        continue;
      /* Closing: a few more tries at once, then give up loudly. */
      if (self->stopping && ++failures_while_stopping > 3)
        {
          g_warning ("History: %u events could not be written before closing: %s",
                     self->queue.length, error->message);
          break;
        }
    }
  g_mutex_unlock (&self->mutex);

  return NULL;
}

static void
session_weak_notify (gpointer  data,
                     GObject  *where_the_object_was)
{
  KbdHistory *self = data;

  g_hash_table_remove (self->attached, where_the_object_was);
}

static void
kbd_history_dispose (GObject *object)
{
  KbdHistory *self = (KbdHistory *) object;

  if (self->attached != NULL)
    {
      GHashTableIter iter;
      gpointer session, handler;

      g_hash_table_iter_init (&iter, self->attached);
      while (g_hash_table_iter_next (&iter, &session, &handler))
        {
          g_signal_handler_disconnect (session, GPOINTER_TO_SIZE (handler));
          g_object_weak_unref (session, session_weak_notify, self);
        }
      g_clear_pointer (&self->attached, g_hash_table_unref);
    }

  if (self->thread != NULL)
    {
      g_mutex_lock (&self->mutex);
      self->stopping = TRUE;
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);
      g_thread_join (self->thread);
      self->thread = NULL;
    }

  G_OBJECT_CLASS (kbd_history_parent_class)->dispose (object);
}

static void
kbd_history_finalize (GObject *object)
{
  KbdHistory *self = (KbdHistory *) object;

  g_queue_clear_full (&self->queue, (GDestroyNotify) kbd_history_write_free);
  if (self->writer != NULL)
    self->backend->close (self->writer);
  if (self->reader != NULL)
    self->backend->close (self->reader);
  g_clear_error (&self->last_error);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->filename);
  g_free (self->notice);
  g_mutex_clear (&self->mutex);
  g_mutex_clear (&self->store_lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (kbd_history_parent_class)->finalize (object);
}

static void
kbd_history_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  KbdHistory *self = KBD_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PENDING:
      g_value_set_uint (value, kbd_history_get_pending (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kbd_history_class_init (KbdHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kbd_history_dispose;
  object_class->finalize = kbd_history_finalize;
  object_class->get_property = kbd_history_get_property;

  /**
   * KbdHistory:pending:
   *
   * How many events are queued and not yet on disk.
   */
  properties[PROP_PENDING] =
    g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KbdHistory::write-failed:
   * @self: the history
   * @error: what went wrong
   *
   * Emitted, in the thread that created the history, each time a write
   * fails. The events stay queued and are written again.
   */
  signals[SIGNAL_WRITE_FAILED] =
    g_signal_new ("write-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * KbdHistory::written:
   * @self: the history
   *
   * Emitted, in the thread that created the history, after queued events
   * were committed to disk.
   */
  signals[SIGNAL_WRITTEN] =
    g_signal_new ("written", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kbd_history_init (KbdHistory *self)
{
  g_mutex_init (&self->mutex);
  g_mutex_init (&self->store_lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->queue);
  self->retry_delay_ms = RETRY_FIRST_MS;
  self->attached = g_hash_table_new (NULL, NULL);
  self->backend = &kbd_history_sqlite_backend;
}

/**
 * kbd_history_get_default_filename:
 *
 * Gets the database [ctor@Kbd.History.new] opens when it is given %NULL:
 * `history.db` in the `kbdecide` folder of the user's data directory. The
 * file need not exist yet.
 *
 * Returns: (transfer full) (type filename): `$XDG_DATA_HOME/kbdecide/history.db`
 */
char *
kbd_history_get_default_filename (void)
{
  return g_build_filename (g_get_user_data_dir (), "kbdecide", "history.db", NULL);
}

/**
 * kbd_history_new:
 * @filename: (nullable) (type filename): the database, or %NULL for
 *   kbd_history_get_default_filename()
 * @error: return location for a #GError
 *
 * Opens the history, creating it (folder 0700, files 0600) when needed.
 *
 * The database is checked first. A damaged one is never replaced silently:
 * it is moved aside with its journal files, a new one is started and
 * [method@Kbd.History.get_notice] says where the old one is and how to
 * recover it. A database written by a newer version opens read-only, with a
 * notice. A symbolic link at the database path is refused with
 * %KBD_ERROR_UNSAFE_PATH; a symbolic link to the folder is fine.
 *
 * This blocks on the disk; a GUI calls it from a worker thread or at start.
 *
 * Returns: (transfer full): the history, or %NULL with @error set
 */
KbdHistory *
kbd_history_new (const char  *filename,
                 GError     **error)
{
  g_autoptr(KbdHistory) self = NULL;
  g_autofree char *default_filename = NULL;
  g_autofree char *notice = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  kbd_i18n_init ();

  if (filename == NULL)
    filename = default_filename = kbd_history_get_default_filename ();

  self = g_object_new (KBD_TYPE_HISTORY, NULL);
  self->filename = g_strdup (filename);
  self->context = g_main_context_ref_thread_default ();

  self->writer = self->backend->open (filename, KBD_HISTORY_STORE_READ_WRITE, &notice, error);
  if (self->writer == NULL)
    return NULL;
  self->notice = g_steal_pointer (&notice);

  self->reader = self->backend->open (filename, KBD_HISTORY_STORE_READ_ONLY, NULL, error);
  if (self->reader == NULL)
    return NULL;

  if (!self->backend->is_read_only (self->writer))
    self->thread = g_thread_new ("kbd-history-writer", writer_thread, self);

  return g_steal_pointer (&self);
}

/**
 * kbd_history_get_filename:
 * @self: a history
 *
 * Gets the database file of the history, as given to [ctor@Kbd.History.new]
 * (or the default file). When a damaged database was moved aside, this is
 * the new one; [method@Kbd.History.get_notice] says where the old one went.
 *
 * Returns: (type filename): the database file
 */
const char *
kbd_history_get_filename (KbdHistory *self)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  return self->filename;
}

/**
 * kbd_history_get_read_only:
 * @self: a history
 *
 * Checks whether the history can only be read, which happens when a newer
 * version of the library wrote the database. Nothing is recorded then:
 * [method@Kbd.History.resume] does not attach the session, and
 * [method@Kbd.History.flush] fails with %KBD_ERROR_READ_ONLY while events
 * are queued.
 *
 * Returns: whether nothing can be recorded (a newer version wrote the database)
 */
gboolean
kbd_history_get_read_only (KbdHistory *self)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), TRUE);
  return self->backend->is_read_only (self->writer);
}

/**
 * kbd_history_get_notice:
 * @self: a history
 *
 * Gets what the user must be told about the database, if anything: that a
 * damaged one was moved aside (and where), or that it is read-only.
 *
 * Returns: (nullable): the notice, translated
 */
const char *
kbd_history_get_notice (KbdHistory *self)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  return self->notice;
}

static char *
build_path_key (KbdSession *session)
{
  GListModel *path = kbd_session_get_path (session);
  guint n = g_list_model_get_n_items (path);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KbdVisit) visit = g_list_model_get_item (path, i);
      KbdAnswer *answer = kbd_visit_get_answer (visit);

      if (i > 0)
        g_string_append_c (out, '>');
      g_string_append (out, kbd_node_get_id (kbd_visit_get_node (visit)));
      if (answer != NULL)
        {
          g_string_append_c (out, ':');
          g_string_append (out, kbd_answer_get_id (answer));
        }
    }
  return g_string_free (out, FALSE);
}

static KbdHistoryWrite *
write_new (KbdSession *session,
           KbdEvent   *event)
{
  KbdArticle *article = kbd_session_get_article (session);
  KbdHistoryWrite *write = g_new0 (KbdHistoryWrite, 1);

  write->event = kbd_event_ref (event);
  write->session_uuid = g_strdup (kbd_session_get_uuid (session));
  write->article_id = g_strdup (kbd_article_get_id (article));
  write->article_hash = g_strdup (kbd_article_get_content_hash (article));
  write->article_title = kbd_text_render (kbd_article_get_title (article), KBD_TEXT_FORMAT_PLAIN);
  write->technician = g_strdup (kbd_session_get_technician (session));
  write->ticket = g_strdup (kbd_session_get_ticket (session));
  write->language = g_strdup (kbd_article_get_language (article));
  write->started_at = kbd_session_get_started_at (session);
  write->current_node = g_strdup (kbd_node_get_id (kbd_session_get_current_node (session)));
  write->outcome = kbd_session_get_outcome (session);
  write->path = build_path_key (session);
  return write;
}

static void
enqueue (KbdHistory      *self,
         KbdHistoryWrite *write)
{
  g_mutex_lock (&self->mutex);
  g_queue_push_tail (&self->queue, write);
  self->enqueued++;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
session_event_cb (KbdSession *session,
                  KbdEvent   *event,
                  KbdHistory *self)
{
  enqueue (self, write_new (session, event));
}

/**
 * kbd_history_attach:
 * @self: a history
 * @session: a session to record
 *
 * Records @session: the events it has so far and every event from now on,
 * each queued for writing at once. Events already stored (a resumed
 * session) are not stored again.
 */
void
kbd_history_attach (KbdHistory *self,
                    KbdSession *session)
{
  g_autoptr(GPtrArray) events = NULL;
  gulong handler;

  g_return_if_fail (KBD_IS_HISTORY (self));
  g_return_if_fail (KBD_IS_SESSION (session));

  if (g_hash_table_contains (self->attached, session))
    return;

  /* All at once, so the writer stores them in one transaction. */
  events = kbd_session_get_events (session);
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < events->len; i++)
    g_queue_push_tail (&self->queue, write_new (session, g_ptr_array_index (events, i)));
  self->enqueued += events->len;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);

  handler = g_signal_connect (session, "event", G_CALLBACK (session_event_cb), self);
  g_hash_table_insert (self->attached, session, GSIZE_TO_POINTER (handler));
  g_object_weak_ref (G_OBJECT (session), session_weak_notify, self);
}

/**
 * kbd_history_detach:
 * @self: a history
 * @session: a recorded session
 *
 * Stops recording @session. What was queued is still written.
 */
void
kbd_history_detach (KbdHistory *self,
                    KbdSession *session)
{
  gpointer handler;

  g_return_if_fail (KBD_IS_HISTORY (self));
  g_return_if_fail (KBD_IS_SESSION (session));

  if (!g_hash_table_lookup_extended (self->attached, session, NULL, &handler))
    return;
  g_signal_handler_disconnect (session, GPOINTER_TO_SIZE (handler));
  g_object_weak_unref (G_OBJECT (session), session_weak_notify, self);
  g_hash_table_remove (self->attached, session);
}

/**
 * kbd_history_get_pending:
 * @self: a history
 *
 * Gets how many events are queued and not yet committed to disk, including
 * writes that failed and wait to be retried. It can be called from any
 * thread; [property@Kbd.History:pending] is notified when it changes.
 *
 * Returns: how many events are queued and not yet on disk
 */
guint
kbd_history_get_pending (KbdHistory *self)
{
  guint pending;

  g_return_val_if_fail (KBD_IS_HISTORY (self), 0);

  g_mutex_lock (&self->mutex);
  pending = self->queue.length;
  g_mutex_unlock (&self->mutex);
  return pending;
}

/**
 * kbd_history_flush:
 * @self: a history
 * @error: return location for a #GError
 *
 * Waits until every event queued so far is on disk, writing them on the
 * calling thread when the writer thread is not already at it. When a
 * write fails meanwhile, returns at once with that error; the events stay
 * queued and are retried.
 *
 * Returns: %TRUE when everything queued is on disk
 */
gboolean
kbd_history_flush (KbdHistory  *self,
                   GError     **error)
{
  guint64 target, failures;
  gboolean ok = TRUE;

  g_return_val_if_fail (KBD_IS_HISTORY (self), FALSE);

  g_mutex_lock (&self->mutex);
  if (self->thread == NULL && self->queue.length > 0)
    {
      g_set_error (error, KBD_ERROR, KBD_ERROR_READ_ONLY,
                   _("%s: the history is read-only"), self->filename);
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }

  target = self->enqueued;
  failures = self->failures;
  while (self->committed < target)
    {
      if (self->failures > failures && self->last_error != NULL)
        {
          g_propagate_error (error, g_error_copy (self->last_error));
          ok = FALSE;
          break;
        }
      /* Writing here rather than waking the writer thread and waiting for
       * it saves two thread hand-offs on every durable step. */
      if (!self->writing && self->queue.length > 0)
        write_head_locked (self, NULL);
      else
        g_cond_wait (&self->cond, &self->mutex);
    }
  g_mutex_unlock (&self->mutex);

  return ok;
}

/**
 * kbd_history_list_sessions:
 * @self: a history
 * @filter: (nullable): which sessions
 * @offset: how many matching sessions to skip
 * @limit: how many to return at most
 * @error: return location for a #GError
 *
 * Lists sessions, newest first.
 *
 * Returns: (transfer container) (element-type KbdSessionRecord): the
 *   sessions, or %NULL with @error set
 */
GPtrArray *
kbd_history_list_sessions (KbdHistory        *self,
                           KbdHistoryFilter  *filter,
                           guint              offset,
                           guint              limit,
                           GError           **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  return self->backend->list (self->reader, filter ? &filter->data : NULL, offset, limit, error);
}

/**
 * kbd_history_count_sessions:
 * @self: a history
 * @filter: (nullable): which sessions
 * @error: return location for a #GError
 *
 * Counts the sessions that match @filter, or all sessions when it is %NULL.
 * This reads the database on the calling thread: events still queued are
 * not counted until they are written, so call [method@Kbd.History.flush]
 * first when that matters.
 *
 * Returns: the number of matching sessions, or -1 with @error set
 */
gint64
kbd_history_count_sessions (KbdHistory        *self,
                            KbdHistoryFilter  *filter,
                            GError           **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), -1);
  return self->backend->count (self->reader, filter ? &filter->data : NULL, error);
}

/**
 * kbd_history_search:
 * @self: a history
 * @text: words to find in notes, answers, article titles, tickets
 * @limit: how many sessions to return at most
 * @error: return location for a #GError
 *
 * Full-text search, best match first; each result carries a snippet
 * ([method@Kbd.SessionRecord.get_snippet]). Every word must match, as a
 * prefix, in one note, answer or session title; case and accents do not
 * count, punctuation is ignored, so no input is a syntax error, and words
 * past the sixteenth different one are not required.
 *
 * Ranking is BM25 over the newest 1,000 matching entries, so the time a
 * search takes does not grow with the history: a word found in every
 * session ranks the most recent ones.
 *
 * Returns: (transfer container) (element-type KbdSessionRecord): the
 *   sessions, or %NULL with @error set
 */
GPtrArray *
kbd_history_search (KbdHistory  *self,
                    const char  *text,
                    guint        limit,
                    GError     **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (text != NULL, NULL);
  return self->backend->search (self->reader, text, limit, error);
}

/**
 * kbd_history_get_session:
 * @self: a history
 * @uuid: a session's UUID
 * @error: return location for a #GError
 *
 * Reads what the history knows about one session. This reads the database
 * on the calling thread, so events still queued are not reflected: call
 * [method@Kbd.History.flush] first for an up-to-date record.
 *
 * Returns: (transfer full): the session's record, or %NULL with
 *   %KBD_ERROR_NOT_FOUND
 */
KbdSessionRecord *
kbd_history_get_session (KbdHistory  *self,
                         const char  *uuid,
                         GError     **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  return self->backend->get_session (self->reader, uuid, error);
}

/**
 * kbd_history_get_events:
 * @self: a history
 * @uuid: a session's UUID
 * @error: return location for a #GError
 *
 * Reads a session's stored events, in the order they were recorded; only
 * start events carry the article, technician, ticket and language. Events
 * still queued are not included: call [method@Kbd.History.flush] first. An
 * unknown @uuid fails with %KBD_ERROR_NOT_FOUND.
 *
 * Returns: (transfer container) (element-type KbdEvent): the session's
 *   events, oldest first, or %NULL with @error set
 */
GPtrArray *
kbd_history_get_events (KbdHistory  *self,
                        const char  *uuid,
                        GError     **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  return self->backend->get_events (self->reader, uuid, error);
}

/**
 * kbd_history_resume:
 * @self: a history
 * @uuid: a session's UUID
 * @article: the article the session walked
 * @warnings: (out) (optional) (array zero-terminated=1) (transfer full):
 *   what could not be restored
 * @error: return location for a #GError
 *
 * Rebuilds a recorded session exactly where it stood, and attaches it, so
 * it goes on being recorded under the same UUID.
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
KbdSession *
kbd_history_resume (KbdHistory   *self,
                    const char   *uuid,
                    KbdArticle   *article,
                    char       ***warnings,
                    GError      **error)
{
  g_autoptr(GPtrArray) events = NULL;
  KbdSession *session;

  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (KBD_IS_ARTICLE (article), NULL);

  events = kbd_history_get_events (self, uuid, error);
  if (events == NULL)
    return NULL;

  session = kbd_session_new_from_events (article, events, warnings, error);
  if (session != NULL && !kbd_history_get_read_only (self))
    kbd_history_attach (self, session);
  return session;
}

/**
 * kbd_history_export:
 * @self: a history
 * @uuid: a session's UUID
 * @format: the transcript's format
 * @error: return location for a #GError
 *
 * Exports a session's transcript: the path taken, each step done, the
 * notes, the outcome, with timestamps, ready to paste into a ticket. All
 * recorded text is escaped for @format.
 *
 * Returns: (transfer full): the transcript, or %NULL with @error set
 */
char *
kbd_history_export (KbdHistory           *self,
                    const char           *uuid,
                    KbdTranscriptFormat   format,
                    GError              **error)
{
  g_autoptr(KbdSessionRecord) record = NULL;
  g_autoptr(GPtrArray) events = NULL;

  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);

  record = kbd_history_get_session (self, uuid, error);
  if (record == NULL)
    return NULL;
  events = kbd_history_get_events (self, uuid, error);
  if (events == NULL)
    return NULL;

  return kbd_transcript_build (record, events, format);
}

/**
 * kbd_history_get_stats:
 * @self: a history
 * @article_id: an article id
 * @error: return location for a #GError
 *
 * Gets statistics for an article as JSON: `sessions`, `outcomes` (counts
 * by result and `unfinished`), `common_paths` (the ten most frequent paths
 * to an outcome, as `node:answer>…`) and `unfinished_stopped_at` (where
 * unfinished sessions stand).
 *
 * Returns: (transfer full): the statistics, or %NULL with @error set
 */
char *
kbd_history_get_stats (KbdHistory  *self,
                       const char  *article_id,
                       GError     **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), NULL);
  g_return_val_if_fail (article_id != NULL, NULL);
  return self->backend->stats (self->reader, article_id, error);
}

/**
 * kbd_history_delete_session:
 * @self: a history
 * @uuid: a session's UUID
 * @error: return location for a #GError
 *
 * Deletes a session and its events for good.
 *
 * Returns: %TRUE on success; %FALSE with %KBD_ERROR_NOT_FOUND when there
 *   is no such session
 */
gboolean
kbd_history_delete_session (KbdHistory  *self,
                            const char  *uuid,
                            GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KBD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  g_mutex_lock (&self->store_lock);
  ok = self->backend->delete_session (self->writer, uuid, error);
  g_mutex_unlock (&self->store_lock);
  return ok;
}

/**
 * kbd_history_delete_before:
 * @self: a history
 * @before: a time in microseconds since 1970
 * @error: return location for a #GError
 *
 * Deletes every session that started before @before.
 *
 * Returns: how many sessions were deleted, or -1 with @error set
 */
gint64
kbd_history_delete_before (KbdHistory  *self,
                           gint64       before,
                           GError     **error)
{
  gint64 deleted;

  g_return_val_if_fail (KBD_IS_HISTORY (self), -1);

  g_mutex_lock (&self->store_lock);
  deleted = self->backend->delete_before (self->writer, before, error);
  g_mutex_unlock (&self->store_lock);
  return deleted;
}

/**
 * kbd_history_backup:
 * @self: a history
 * @destination: (type filename): a file that does not exist yet
 * @error: return location for a #GError
 *
 * Writes a consistent copy of the history to @destination (0600), while
 * sessions go on being recorded.
 *
 * Returns: %TRUE on success
 */
gboolean
kbd_history_backup (KbdHistory  *self,
                    const char  *destination,
                    GError     **error)
{
  g_return_val_if_fail (KBD_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (destination != NULL, FALSE);
  return self->backend->backup (self->reader, destination, error);
}

gboolean kbd_history_sqlite_pragma (KbdHistoryStore  *store,
                                    const char       *sql,
                                    gint64           *out,
                                    GError          **error);

gboolean
kbd_history_get_page_count_for_testing (KbdHistory  *self,
                                        gint64      *pages,
                                        GError     **error)
{
  return kbd_history_sqlite_pragma (self->writer, "PRAGMA page_count", pages, error);
}

gboolean
kbd_history_set_max_page_count_for_testing (KbdHistory  *self,
                                            gint64       pages,
                                            GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);

  return kbd_history_sqlite_pragma (self->writer, sql, NULL, error);
}

gboolean
kbd_history_import_writes (KbdHistory  *self,
                           GPtrArray   *writes,
                           GError     **error)
{
  KbdHistoryStore *store;
  gboolean ok;

  g_return_val_if_fail (KBD_IS_HISTORY (self), FALSE);

  store = self->backend->open (self->filename, KBD_HISTORY_STORE_READ_WRITE, NULL, error);
  if (store == NULL)
    return FALSE;
  ok = self->backend->import (store, (KbdHistoryWrite **) writes->pdata, writes->len, error);
  self->backend->close (store);
  return ok;
}
