/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "kbd-history.h"
#include "kbd-session.h"

G_BEGIN_DECLS

/* The one boundary between session history and its storage. KbdHistory
 * speaks only to a KbdHistoryBackend; SQLite (kbd-history-sqlite.c) is the
 * one there is today. A shared server database is another backend with the
 * same functions, and no change to the public API. */

typedef struct _KbdHistoryStore KbdHistoryStore;

/* One event to store, with the state of its session after it. */
typedef struct
{
  KbdEvent *event;
  char *session_uuid;
  char *article_id;
  char *article_hash;
  char *article_title;
  char *technician;
  char *ticket;
  char *language;
  gint64 started_at;
  char *current_node;
  char *path;               /* "node:answer>node:answer>…>node" */
  KbdOutcomeResult outcome;
} KbdHistoryWrite;

typedef struct
{
  KbdArticle *article;       /* nullable */
  char *article_id;
  KbdOutcomeResult outcome;  /* KBD_OUTCOME_NONE: any */
  gboolean outcome_set;
  char *technician;
  gint64 since;              /* 0: no bound */
  gint64 until;              /* 0: no bound */
  KbdHistoryFilterFlags flags;
} KbdHistoryFilterData;

typedef enum
{
  KBD_HISTORY_STORE_READ_WRITE,
  KBD_HISTORY_STORE_READ_ONLY,
} KbdHistoryStoreMode;

typedef struct
{
  const char *name;
  KbdHistoryStore *(*open)          (const char          *filename,
                                     KbdHistoryStoreMode  mode,
                                     char               **notice,
                                     GError             **error);
  void             (*close)         (KbdHistoryStore     *store);
  gboolean         (*is_read_only)  (KbdHistoryStore     *store);
  gboolean         (*write)         (KbdHistoryStore     *store,
                                     KbdHistoryWrite    **writes,
                                     guint                n_writes,
                                     GError             **error);
  /* Like write, for many events at once: the search index is built
   * after the inserts. */
  gboolean         (*import)        (KbdHistoryStore     *store,
                                     KbdHistoryWrite    **writes,
                                     guint                n_writes,
                                     GError             **error);
  GPtrArray       *(*list)          (KbdHistoryStore     *store,
                                     const KbdHistoryFilterData *filter,
                                     guint                offset,
                                     guint                limit,
                                     GError             **error);
  gint64           (*count)         (KbdHistoryStore     *store,
                                     const KbdHistoryFilterData *filter,
                                     GError             **error);
  GPtrArray       *(*search)        (KbdHistoryStore     *store,
                                     const char          *text,
                                     guint                limit,
                                     GError             **error);
  KbdSessionRecord *(*get_session)  (KbdHistoryStore     *store,
                                     const char          *uuid,
                                     GError             **error);
  GPtrArray       *(*get_events)    (KbdHistoryStore     *store,
                                     const char          *uuid,
                                     GError             **error);
  char            *(*stats)         (KbdHistoryStore     *store,
                                     const char          *article_id,
                                     GError             **error);
  gboolean         (*delete_session) (KbdHistoryStore    *store,
                                      const char         *uuid,
                                      GError            **error);
  gint64           (*delete_before) (KbdHistoryStore     *store,
                                     gint64               before,
                                     GError             **error);
  gboolean         (*backup)        (KbdHistoryStore     *store,
                                     const char          *destination,
                                     GError             **error);
} KbdHistoryBackend;

extern const KbdHistoryBackend kbd_history_sqlite_backend;

void              kbd_history_write_free     (KbdHistoryWrite *write);

/* Building records and events from storage. */
KbdSessionRecord *kbd_session_record_new     (void);
void              kbd_session_record_set     (KbdSessionRecord *self,
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
                                              const char       *snippet);

G_END_DECLS
