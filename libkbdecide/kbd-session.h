/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-article.h"
#include "kbd-text.h"

G_BEGIN_DECLS

/**
 * KbdEventKind:
 * @KBD_EVENT_START: the session began (article, content hash, technician, ticket)
 * @KBD_EVENT_ANSWER: a question was answered
 * @KBD_EVENT_ADVANCE: a procedure was done and the session moved on
 * @KBD_EVENT_BACK: the session went back one node
 * @KBD_EVENT_REVISIT: the session went back to an earlier question to change its answer
 * @KBD_EVENT_STEP: a procedure step was marked done or not done
 * @KBD_EVENT_NOTE: the technician added a note
 * @KBD_EVENT_RESTART: the session started over from the first node
 * @KBD_EVENT_FINISH: the session reached an outcome
 *
 * What a session event records. A session is exactly the replay of its
 * events, which is how snapshots and history restore it.
 */
typedef enum
{
  KBD_EVENT_START,
  KBD_EVENT_ANSWER,
  KBD_EVENT_ADVANCE,
  KBD_EVENT_BACK,
  KBD_EVENT_REVISIT,
  KBD_EVENT_STEP,
  KBD_EVENT_NOTE,
  KBD_EVENT_RESTART,
  KBD_EVENT_FINISH,
} KbdEventKind;

typedef struct _KbdEvent KbdEvent;

#define KBD_TYPE_EVENT (kbd_event_get_type ())

KBD_AVAILABLE_IN_ALL
GType             kbd_event_get_type          (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdEvent         *kbd_event_ref               (KbdEvent *self);
KBD_AVAILABLE_IN_ALL
void              kbd_event_unref             (KbdEvent *self);
KBD_AVAILABLE_IN_ALL
KbdEventKind      kbd_event_get_kind          (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_uuid          (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
gint64            kbd_event_get_time          (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_node_id       (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_node_title    (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_answer_id     (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_label         (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_step_id       (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_event_get_done          (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_text          (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
guint             kbd_event_get_position      (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
double            kbd_event_get_seconds       (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
KbdOutcomeResult  kbd_event_get_result        (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_article_id    (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_content_hash  (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_technician    (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_ticket        (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_get_language      (const KbdEvent *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_event_kind_to_string    (KbdEventKind kind);

#define KBD_TYPE_VISIT (kbd_visit_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdVisit, kbd_visit, KBD, VISIT, GObject)

KBD_AVAILABLE_IN_ALL
KbdNode          *kbd_visit_get_node          (KbdVisit   *self);
KBD_AVAILABLE_IN_ALL
KbdAnswer        *kbd_visit_get_answer        (KbdVisit   *self);
KBD_AVAILABLE_IN_ALL
gint64            kbd_visit_get_entered_at    (KbdVisit   *self);
KBD_AVAILABLE_IN_ALL
guint             kbd_visit_get_position      (KbdVisit   *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_visit_is_step_done      (KbdVisit   *self,
                                               const char *step_id);

#define KBD_TYPE_SESSION (kbd_session_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdSession, kbd_session, KBD, SESSION, GObject)

KBD_AVAILABLE_IN_ALL
KbdSession       *kbd_session_new             (KbdArticle   *article,
                                               const char   *technician,
                                               const char   *ticket) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdSession       *kbd_session_new_from_events (KbdArticle   *article,
                                               GPtrArray    *events,
                                               char       ***warnings,
                                               GError      **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdSession       *kbd_session_new_from_snapshot (KbdArticle *article,
                                               const char   *snapshot,
                                               gssize        length,
                                               char       ***warnings,
                                               GError      **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char             *kbd_session_to_snapshot     (KbdSession   *self) G_GNUC_WARN_UNUSED_RESULT;

KBD_AVAILABLE_IN_ALL
KbdArticle       *kbd_session_get_article     (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_get_uuid        (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_get_technician  (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_get_ticket      (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
gint64            kbd_session_get_started_at  (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
KbdNode          *kbd_session_get_current_node (KbdSession  *self);
KBD_AVAILABLE_IN_ALL
KbdVisit         *kbd_session_get_current_visit (KbdSession *self);
KBD_AVAILABLE_IN_ALL
GListModel       *kbd_session_get_path        (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_get_finished    (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
KbdOutcomeResult  kbd_session_get_outcome     (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_get_can_go_back (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
GPtrArray        *kbd_session_get_events      (KbdSession   *self);

KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_choose          (KbdSession   *self,
                                               const char   *answer_id,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_choose_index    (KbdSession   *self,
                                               guint         index,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_advance         (KbdSession   *self,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_back            (KbdSession   *self,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_revisit         (KbdSession   *self,
                                               guint         position,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
void              kbd_session_restart         (KbdSession   *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_set_step_done   (KbdSession   *self,
                                               const char   *step_id,
                                               gboolean      done,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_is_step_done    (KbdSession   *self,
                                               const char   *step_id);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_add_note        (KbdSession   *self,
                                               const char   *text,
                                               GError      **error);
KBD_AVAILABLE_IN_ALL
char             *kbd_session_build_summary   (KbdSession   *self,
                                               KbdTextFormat format) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdEvent, kbd_event_unref)

G_END_DECLS
