/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "kbd-event-private.h"
#include "kbd-history-store-private.h"
#include "kbd-messages-private.h"
#include "kbd-private.h"
#include "kbd-text.h"
#include "kbd-transcript-private.h"

/* A transcript is built from what history recorded, not from the article:
 * it stays readable when the article changed or is gone. Every recorded
 * string is data and is escaped for the target. */

static char *
format_time (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  if (time == NULL)
    return g_strdup ("?");
  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S UTC");
}

typedef struct
{
  GString *out;
  KbdTranscriptFormat format;
  KbdTextFormat text_format;
  KbdMessages *messages;  /* the session's language, or NULL: the program's */
} Writer;

/* A program message in the session's language. */
#define T(msgid) (writer->messages != NULL ? kbd_messages_lookup (writer->messages, msgid) : _(msgid))

static const char *
outcome_label (Writer           *writer,
               KbdOutcomeResult  result)
{
  switch (result)
    {
    case KBD_OUTCOME_RESOLVED:
      return T (N_("Resolved"));
    case KBD_OUTCOME_ESCALATE:
      return T (N_("Escalated"));
    case KBD_OUTCOME_NOT_APPLICABLE:
      return T (N_("Not applicable"));
    case KBD_OUTCOME_NONE:
    default:
      return T (N_("Unfinished"));
    }
}


/* Article text (labels, titles) keeps its inline marks until here. */
static char *
article_text (Writer     *writer,
              const char *text)
{
  if (text == NULL)
    return g_strdup ("");
  return kbd_text_render (text, writer->text_format);
}

/* Text the technician typed is never interpreted. */
static char *
typed_text (Writer     *writer,
            const char *text)
{
  if (text == NULL)
    return g_strdup ("");
  return kbd_text_escape (text, writer->text_format);
}

static void
describe_event (Writer   *writer,
                KbdEvent *event,
                GString  *line)
{
  g_autofree char *title = article_text (writer, event->node_title != NULL ? event->node_title
                                                                             : event->node_id);

  switch (event->kind)
    {
    case KBD_EVENT_START:
      g_string_append_printf (line, T (N_("Started at: %s")), title);
      break;
    case KBD_EVENT_ANSWER:
      {
        g_autofree char *label = article_text (writer, event->label);
        /* Translators: a question, the answer given, the seconds spent */
        g_string_append_printf (line, T (N_("%s → %s (%.0f s)")), title, label, event->seconds);
      }
      break;
    case KBD_EVENT_ADVANCE:
      g_string_append_printf (line, T (N_("Done: %s (%.0f s)")), title, event->seconds);
      break;
    case KBD_EVENT_BACK:
      g_string_append_printf (line, T (N_("Went back from: %s")), title);
      break;
    case KBD_EVENT_REVISIT:
      g_string_append_printf (line, T (N_("Went back to change the answer to: %s")), title);
      break;
    case KBD_EVENT_STEP:
      {
        g_autofree char *step = article_text (writer, event->label != NULL ? event->label
                                                                           : event->step_id);
        g_string_append_printf (line, event->done ? T (N_("Step done: %s")) : T (N_("Step not done: %s")),
                                step);
      }
      break;
    case KBD_EVENT_NOTE:
      {
        g_autofree char *note = typed_text (writer, event->text);
        g_string_append_printf (line, T (N_("Note: %s")), note);
      }
      break;
    case KBD_EVENT_RESTART:
      g_string_append (line, T (N_("Restarted from the beginning")));
      break;
    case KBD_EVENT_FINISH:
      {
        g_autofree char *outcome = article_text (writer, event->label != NULL ? event->label
                                                                              : event->node_id);
        if (event->text != NULL)
          {
            g_autofree char *contact = article_text (writer, event->text);

            /* Translators: the outcome's title, its result, whom to contact */
            g_string_append_printf (line, T (N_("Outcome: %s (%s); escalate to: %s")),
                                    outcome, outcome_label (writer, event->result), contact);
          }
        else
          g_string_append_printf (line, T (N_("Outcome: %s (%s)")), outcome, outcome_label (writer, event->result));
      }
      break;
    default:
      break;
    }
}

static void
write_field (Writer     *writer,
             const char *name,
             const char *value)
{
  g_autofree char *escaped = NULL;

  if (value == NULL)
    return;
  escaped = typed_text (writer, value);

  switch (writer->format)
    {
    case KBD_TRANSCRIPT_MARKDOWN:
      g_string_append_printf (writer->out, "- **%s** %s\n", name, escaped);
      break;
    case KBD_TRANSCRIPT_HTML:
      g_string_append_printf (writer->out, "<tr><th>%s</th><td>%s</td></tr>\n", name, escaped);
      break;
    case KBD_TRANSCRIPT_TEXT:
    case KBD_TRANSCRIPT_JSON:
    default:
      g_string_append_printf (writer->out, "%s %s\n", name, escaped);
      break;
    }
}

static char *
build_document (KbdSessionRecord    *record,
                GPtrArray           *events,
                KbdTranscriptFormat  format)
{
  g_autoptr(KbdMessages) messages = kbd_messages_load (kbd_session_record_get_language (record));
  Writer w = { g_string_new (NULL), format,
               format == KBD_TRANSCRIPT_HTML ? KBD_TEXT_FORMAT_HTML
               : format == KBD_TRANSCRIPT_MARKDOWN ? KBD_TEXT_FORMAT_MARKDOWN
               : KBD_TEXT_FORMAT_PLAIN,
               messages };
  Writer *writer = &w;
  GString *out = w.out;
  g_autofree char *title = typed_text (writer, kbd_session_record_get_article_title (record));
  g_autofree char *started = format_time (kbd_session_record_get_started_at (record));
  g_autofree char *updated = format_time (kbd_session_record_get_updated_at (record));
  g_autofree char *heading = g_strdup_printf ("%s: %s", kbd_session_record_get_article_id (record), title);

  switch (format)
    {
    case KBD_TRANSCRIPT_MARKDOWN:
      g_string_append_printf (out, "# %s\n\n", heading);
      break;
    case KBD_TRANSCRIPT_HTML:
      g_string_append_printf (out,
                              "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
                              "<title>%s</title>\n</head>\n<body>\n<h1>%s</h1>\n<table>\n",
                              kbd_session_record_get_language (record), heading, heading);
      break;
    case KBD_TRANSCRIPT_TEXT:
    case KBD_TRANSCRIPT_JSON:
    default:
      g_string_append_printf (out, "%s\n\n", heading);
      break;
    }

  write_field (writer, T (N_("Session:")), kbd_session_record_get_uuid (record));
  write_field (writer, T (N_("Ticket:")), kbd_session_record_get_ticket (record));
  write_field (writer, T (N_("Technician:")), kbd_session_record_get_technician (record));
  write_field (writer, T (N_("Language:")), kbd_session_record_get_language (record));
  write_field (writer, T (N_("Started:")), started);
  write_field (writer, T (N_("Last activity:")), updated);
  write_field (writer, T (N_("Result:")), outcome_label (writer, kbd_session_record_get_outcome (record)));

  switch (format)
    {
    case KBD_TRANSCRIPT_MARKDOWN:
      g_string_append_printf (out, "\n## %s\n\n", T (N_("What happened")));
      break;
    case KBD_TRANSCRIPT_HTML:
      g_string_append_printf (out, "</table>\n<h2>%s</h2>\n<ol>\n", T (N_("What happened")));
      break;
    case KBD_TRANSCRIPT_TEXT:
    case KBD_TRANSCRIPT_JSON:
    default:
      g_string_append_printf (out, "\n%s\n", T (N_("What happened:")));
      break;
    }

  for (guint i = 0; i < events->len; i++)
    {
      KbdEvent *event = g_ptr_array_index (events, i);
      g_autoptr(GString) line = g_string_new (NULL);
      g_autofree char *time = format_time (event->time);

      describe_event (writer, event, line);
      switch (format)
        {
        case KBD_TRANSCRIPT_MARKDOWN:
          g_string_append_printf (out, "%u. `%s` %s\n", i + 1, time, line->str);
          break;
        case KBD_TRANSCRIPT_HTML:
          g_string_append_printf (out, "<li><time>%s</time> %s</li>\n", time, line->str);
          break;
        case KBD_TRANSCRIPT_TEXT:
        case KBD_TRANSCRIPT_JSON:
        default:
          g_string_append_printf (out, "%3u. %s  %s\n", i + 1, time, line->str);
          break;
        }
    }

  if (format == KBD_TRANSCRIPT_HTML)
    g_string_append (out, "</ol>\n</body>\n</html>\n");

  return g_string_free (out, FALSE);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static char *
build_json (KbdSessionRecord *record,
            GPtrArray        *events)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "kbdecide_transcript");
  json_builder_add_int_value (builder, 1);
  add_string (builder, "session", kbd_session_record_get_uuid (record));
  add_string (builder, "article", kbd_session_record_get_article_id (record));
  add_string (builder, "article_title", kbd_session_record_get_article_title (record));
  add_string (builder, "article_hash", kbd_session_record_get_article_hash (record));
  add_string (builder, "technician", kbd_session_record_get_technician (record));
  add_string (builder, "ticket", kbd_session_record_get_ticket (record));
  add_string (builder, "language", kbd_session_record_get_language (record));
  json_builder_set_member_name (builder, "started_at");
  json_builder_add_int_value (builder, kbd_session_record_get_started_at (record));
  json_builder_set_member_name (builder, "updated_at");
  json_builder_add_int_value (builder, kbd_session_record_get_updated_at (record));
  add_string (builder, "current_node", kbd_session_record_get_current_node (record));
  add_string (builder, "outcome", kbd_outcome_result_to_string (kbd_session_record_get_outcome (record)));
  json_builder_set_member_name (builder, "events");
  kbd_events_to_json (builder, events);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  return json_generator_to_data (generator, NULL);
}

char *
kbd_transcript_build (KbdSessionRecord    *record,
                      GPtrArray           *events,
                      KbdTranscriptFormat  format)
{
  kbd_i18n_init ();

  if (format == KBD_TRANSCRIPT_JSON)
    return build_json (record, events);
  return build_document (record, events, format);
}
