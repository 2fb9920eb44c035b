/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "kbd-json-private.h"
#include "kbd-session.h"

G_BEGIN_DECLS

struct _KbdEvent
{
  gatomicrefcount ref_count;
  KbdEventKind kind;
  gint64 time;
  guint position;
  gboolean done;
  double seconds;
  KbdOutcomeResult result;
  char *uuid;
  char *node_id;
  char *node_title;
  char *answer_id;
  char *label;
  char *step_id;
  char *text;
  char *article_id;
  char *content_hash;
  char *technician;
  char *ticket;
  char *language;
};

/* An empty event of @kind with no UUID and no time, for storage to fill. */
KbdEvent *kbd_event_new_empty (KbdEventKind kind);

const char *kbd_outcome_result_to_string   (KbdOutcomeResult result);
gboolean    kbd_outcome_result_from_string (const char       *text,
                                            KbdOutcomeResult *result);
gboolean    kbd_event_kind_from_string     (const char       *text,
                                            KbdEventKind     *kind);

/* The one JSON form of events, shared by snapshots and transcripts. */
void       kbd_events_to_json   (JsonBuilder         *builder,
                                 GPtrArray           *events);
GPtrArray *kbd_events_from_json (KbdJsonReader       *reader,
                                 const KbdJsonValue  *array,
                                 const KbdJsonPath   *path);

G_END_DECLS
