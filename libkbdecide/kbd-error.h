/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(KBDECIDE_INSIDE) && !defined(KBDECIDE_COMPILATION)
# error "Only <kbdecide.h> can be included directly."
#endif

#include <glib.h>
#include "kbd-version.h"

G_BEGIN_DECLS

/**
 * KBD_ERROR:
 *
 * The error domain of libkbdecide. Every error the library reports is in this
 * domain, with a code from [enum@Kbd.Error].
 */
#define KBD_ERROR (kbd_error_quark ())

/**
 * KbdError:
 * @KBD_ERROR_FAILED: an error with no more specific code
 * @KBD_ERROR_IO: a file could not be read or written
 * @KBD_ERROR_NOT_REGULAR_FILE: the path is a directory, FIFO, device or socket
 * @KBD_ERROR_TOO_LARGE: the file is larger than the format allows
 * @KBD_ERROR_EMPTY: the file is empty or only white space
 * @KBD_ERROR_ENCODING: the bytes are not UTF-8, or contain NUL or a byte order mark
 * @KBD_ERROR_SYNTAX: the text is not JSON (truncated, comments, trailing commas…)
 * @KBD_ERROR_INVALID_ESCAPE: a string escape is malformed, `\u0000` or a lone surrogate
 * @KBD_ERROR_DUPLICATE_KEY: a key appears twice in one JSON object
 * @KBD_ERROR_TRAILING_DATA: something follows the top-level value
 * @KBD_ERROR_TOO_DEEP: arrays and objects are nested deeper than allowed
 * @KBD_ERROR_NUMBER_RANGE: a number cannot be represented (integer beyond 64 bits, `1e400`)
 * @KBD_ERROR_WRONG_TYPE: a field has the wrong JSON type
 * @KBD_ERROR_MISSING_FIELD: a required field is missing
 * @KBD_ERROR_UNKNOWN_FIELD: a field the format does not define
 * @KBD_ERROR_INVALID_VALUE: a value of the right type is not allowed (bad id, enum, date, inline syntax)
 * @KBD_ERROR_LIMIT_EXCEEDED: a documented limit (string length, node count…) is exceeded
 * @KBD_ERROR_UNSUPPORTED_VERSION: the article uses a newer format version
 * @KBD_ERROR_INVALID_ARTICLE: the validator found an error in the article's graph
 * @KBD_ERROR_NOT_FOUND: an article, node, answer or step does not exist
 * @KBD_ERROR_INVALID_STATE: the operation does not apply to the session's current state
 * @KBD_ERROR_ARTICLE_MISMATCH: a snapshot or record belongs to another article
 * @KBD_ERROR_DATABASE: the history database failed
 * @KBD_ERROR_DISK_FULL: the disk is full; nothing was lost, the write is retried
 * @KBD_ERROR_BUSY: another program holds the history database for too long
 * @KBD_ERROR_CORRUPT: the history database is damaged
 * @KBD_ERROR_READ_ONLY: the history is read-only (written by a newer version)
 * @KBD_ERROR_UNSAFE_PATH: a path is a symbolic link or leads outside where it may
 *
 * Error codes in the %KBD_ERROR domain. Codes are only ever added, so a
 * caller can rely on a code keeping its meaning.
 */
typedef enum
{
  KBD_ERROR_FAILED,
  KBD_ERROR_IO,
  KBD_ERROR_NOT_REGULAR_FILE,
  KBD_ERROR_TOO_LARGE,
  KBD_ERROR_EMPTY,
  KBD_ERROR_ENCODING,
  KBD_ERROR_SYNTAX,
  KBD_ERROR_INVALID_ESCAPE,
  KBD_ERROR_DUPLICATE_KEY,
  KBD_ERROR_TRAILING_DATA,
  KBD_ERROR_TOO_DEEP,
  KBD_ERROR_NUMBER_RANGE,
  KBD_ERROR_WRONG_TYPE,
  KBD_ERROR_MISSING_FIELD,
  KBD_ERROR_UNKNOWN_FIELD,
  KBD_ERROR_INVALID_VALUE,
  KBD_ERROR_LIMIT_EXCEEDED,
  KBD_ERROR_UNSUPPORTED_VERSION,
  KBD_ERROR_INVALID_ARTICLE,
  KBD_ERROR_NOT_FOUND,
  KBD_ERROR_INVALID_STATE,
  KBD_ERROR_ARTICLE_MISMATCH,
  KBD_ERROR_DATABASE,
  KBD_ERROR_DISK_FULL,
  KBD_ERROR_BUSY,
  KBD_ERROR_CORRUPT,
  KBD_ERROR_READ_ONLY,
  KBD_ERROR_UNSAFE_PATH,
} KbdError;

KBD_AVAILABLE_IN_ALL
GQuark kbd_error_quark (void);

G_END_DECLS
