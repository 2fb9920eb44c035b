/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared by the libFuzzer harnesses in fuzz/: invariant checks that abort,
 * so that libFuzzer reports a broken invariant like a crash. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kbdecide.h"

/* A broken invariant: say which, then abort() (libFuzzer saves the input). */
#define FUZZ_CHECK(cond, ...)                                            \
  do {                                                                   \
    if (G_UNLIKELY (!(cond)))                                            \
      {                                                                  \
        fprintf (stderr, "\n*** fuzz invariant broken (%s:%d): %s\n*** ", \
                 __FILE__, __LINE__, #cond);                             \
        fprintf (stderr, __VA_ARGS__);                                   \
        fprintf (stderr, "\n");                                          \
        abort ();                                                        \
      }                                                                  \
  } while (0)

/* GLib criticals and warnings mean a g_return_if_fail() or a g_warning() was
 * reached from untrusted input: that is a bug, so it aborts. Debug and info
 * messages are dropped to keep the fuzzer fast and quiet. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   log_level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    {
      g_log_writer_standard_streams (log_level, fields, n_fields, user_data);
      fprintf (stderr, "\n*** fuzz: GLib critical/warning reached from the input\n");
      abort ();
    }
  return G_LOG_WRITER_HANDLED;
}

static inline void
fuzz_init_glib (void)
{
  /* GSlice reads this on first use: plain malloc, so ASan and LSan see
   * every block (run-fuzzers.sh sets it in the environment as well). */
  g_setenv ("G_SLICE", "always-malloc", FALSE);
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
}

/* The libFuzzer initializer of a harness that needs nothing but GLib set up. */
#define FUZZ_DEFINE_INITIALIZE                                           \
  int LLVMFuzzerInitialize (int *argc, char ***argv);                    \
  int                                                                    \
  LLVMFuzzerInitialize (int    *argc,                                    \
                        char ***argv)                                    \
  {                                                                      \
    fuzz_init_glib ();                                                   \
    return 0;                                                            \
  }

/* The error contract of the whole library: every error is in KBD_ERROR,
 * with a known code and a non-empty UTF-8 message. */
static inline void
fuzz_check_kbd_error (const GError *error,
                      const char   *what)
{
  FUZZ_CHECK (error != NULL, "%s failed without a GError", what);
  FUZZ_CHECK (error->domain == KBD_ERROR, "%s: error in domain %s, not KBD_ERROR: %s",
              what, g_quark_to_string (error->domain), error->message);
  FUZZ_CHECK (error->code >= KBD_ERROR_FAILED && error->code <= KBD_ERROR_UNSAFE_PATH,
              "%s: unknown KbdError code %d", what, error->code);
  FUZZ_CHECK (error->message != NULL && error->message[0] != '\0',
              "%s: empty error message (code %d)", what, error->code);
  FUZZ_CHECK (g_utf8_validate (error->message, -1, NULL),
              "%s: error message is not UTF-8", what);
}

/* Messages are printed on terminals and shown in windows: no control
 * characters (the parser writes them as \uXXXX escapes). */
static inline gboolean
fuzz_has_control_chars (const char *text,
                        gboolean    allow_newline_tab)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (allow_newline_tab && (ch == '\n' || ch == '\t'))
        continue;
      if (ch < 0x20 || (ch >= 0x7f && ch <= 0x9f))
        return TRUE;
    }
  return FALSE;
}

static inline void
fuzz_check_utf8 (const char *text,
                 const char *what)
{
  FUZZ_CHECK (text != NULL, "%s is NULL", what);
  FUZZ_CHECK (g_utf8_validate (text, -1, NULL), "%s is not valid UTF-8", what);
}
