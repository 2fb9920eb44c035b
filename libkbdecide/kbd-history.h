/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <gio/gio.h>
#include "kbd-version.h"
#include "kbd-article.h"
#include "kbd-session.h"

G_BEGIN_DECLS

/**
 * KbdTranscriptFormat:
 * @KBD_TRANSCRIPT_MARKDOWN: CommonMark, to paste into a ticket
 * @KBD_TRANSCRIPT_HTML: a complete, escaped HTML document
 * @KBD_TRANSCRIPT_TEXT: plain text
 * @KBD_TRANSCRIPT_JSON: every recorded fact, as JSON
 *
 * Formats of a session transcript.
 */
typedef enum
{
  KBD_TRANSCRIPT_MARKDOWN,
  KBD_TRANSCRIPT_HTML,
  KBD_TRANSCRIPT_TEXT,
  KBD_TRANSCRIPT_JSON,
} KbdTranscriptFormat;

/**
 * KbdHistoryFilterFlags:
 * @KBD_HISTORY_FILTER_NONE: every session
 * @KBD_HISTORY_FILTER_UNFINISHED: only sessions that did not reach an outcome
 *
 * Flags for [method@Kbd.History.list_sessions].
 */
typedef enum /*< flags >*/
{
  KBD_HISTORY_FILTER_NONE = 0,
  KBD_HISTORY_FILTER_UNFINISHED = 1 << 0,
} KbdHistoryFilterFlags;

#define KBD_TYPE_SESSION_RECORD (kbd_session_record_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdSessionRecord, kbd_session_record, KBD, SESSION_RECORD, GObject)

KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_uuid          (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_article_id    (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_article_title (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_article_hash  (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_technician    (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_ticket        (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_language      (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
gint64            kbd_session_record_get_started_at    (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
gint64            kbd_session_record_get_updated_at    (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_current_node  (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
KbdOutcomeResult  kbd_session_record_get_outcome       (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_session_record_get_finished      (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
guint             kbd_session_record_get_n_events      (KbdSessionRecord *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_session_record_get_snippet       (KbdSessionRecord *self);

typedef struct _KbdHistoryFilter KbdHistoryFilter;
#define KBD_TYPE_HISTORY_FILTER (kbd_history_filter_get_type ())

KBD_AVAILABLE_IN_ALL
GType             kbd_history_filter_get_type          (void) G_GNUC_CONST;
KBD_AVAILABLE_IN_ALL
KbdHistoryFilter *kbd_history_filter_new               (void);
KBD_AVAILABLE_IN_ALL
KbdHistoryFilter *kbd_history_filter_ref               (KbdHistoryFilter *self);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_unref             (KbdHistoryFilter *self);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_set_article       (KbdHistoryFilter *self,
                                                        const char       *article_id);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_set_outcome       (KbdHistoryFilter *self,
                                                        KbdOutcomeResult  outcome);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_set_technician    (KbdHistoryFilter *self,
                                                        const char       *technician);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_set_range         (KbdHistoryFilter *self,
                                                        gint64            since,
                                                        gint64            until);
KBD_AVAILABLE_IN_ALL
void              kbd_history_filter_set_flags         (KbdHistoryFilter *self,
                                                        KbdHistoryFilterFlags flags);

#define KBD_TYPE_HISTORY (kbd_history_get_type ())
KBD_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (KbdHistory, kbd_history, KBD, HISTORY, GObject)

KBD_AVAILABLE_IN_ALL
char             *kbd_history_get_default_filename     (void) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdHistory       *kbd_history_new                      (const char       *filename,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
const char       *kbd_history_get_filename             (KbdHistory       *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_history_get_read_only            (KbdHistory       *self);
KBD_AVAILABLE_IN_ALL
const char       *kbd_history_get_notice               (KbdHistory       *self);

KBD_AVAILABLE_IN_ALL
void              kbd_history_attach                   (KbdHistory       *self,
                                                        KbdSession       *session);
KBD_AVAILABLE_IN_ALL
void              kbd_history_detach                   (KbdHistory       *self,
                                                        KbdSession       *session);
KBD_AVAILABLE_IN_ALL
guint             kbd_history_get_pending              (KbdHistory       *self);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_history_flush                    (KbdHistory       *self,
                                                        GError          **error);

KBD_AVAILABLE_IN_ALL
GPtrArray        *kbd_history_list_sessions            (KbdHistory       *self,
                                                        KbdHistoryFilter *filter,
                                                        guint             offset,
                                                        guint             limit,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
gint64            kbd_history_count_sessions           (KbdHistory       *self,
                                                        KbdHistoryFilter *filter,
                                                        GError          **error);
KBD_AVAILABLE_IN_ALL
GPtrArray        *kbd_history_search                   (KbdHistory       *self,
                                                        const char       *text,
                                                        guint             limit,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdSessionRecord *kbd_history_get_session              (KbdHistory       *self,
                                                        const char       *uuid,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
GPtrArray        *kbd_history_get_events               (KbdHistory       *self,
                                                        const char       *uuid,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
KbdSession       *kbd_history_resume                   (KbdHistory       *self,
                                                        const char       *uuid,
                                                        KbdArticle       *article,
                                                        char           ***warnings,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char             *kbd_history_export                   (KbdHistory       *self,
                                                        const char       *uuid,
                                                        KbdTranscriptFormat format,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
char             *kbd_history_get_stats                (KbdHistory       *self,
                                                        const char       *article_id,
                                                        GError          **error) G_GNUC_WARN_UNUSED_RESULT;
KBD_AVAILABLE_IN_ALL
gboolean          kbd_history_delete_session           (KbdHistory       *self,
                                                        const char       *uuid,
                                                        GError          **error);
KBD_AVAILABLE_IN_ALL
gint64            kbd_history_delete_before            (KbdHistory       *self,
                                                        gint64            before,
                                                        GError          **error);
KBD_AVAILABLE_IN_ALL
gboolean          kbd_history_backup                   (KbdHistory       *self,
                                                        const char       *destination,
                                                        GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KbdHistoryFilter, kbd_history_filter_unref)

G_END_DECLS
