/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "kbdecide.h"

G_BEGIN_DECLS

/* Exit codes, documented in --help and the README. */
enum {
  KBD_CLI_EXIT_OK = 0,
  KBD_CLI_EXIT_FAILED = 1,      /* errors in an article, or an operation failed */
  KBD_CLI_EXIT_USAGE = 2,       /* bad command line */
  KBD_CLI_EXIT_NOT_LOADED = 3,  /* the article or session could not be found or loaded */
  KBD_CLI_EXIT_UNFINISHED = 4,  /* run: the session ended before an outcome */
};

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"
#define YELLOW "\033[33m"
#define RED "\033[31m"
#define GREEN "\033[32m"

typedef struct
{
  gboolean color;
  guint width;          /* 0: do not wrap */
  char **kb_dirs;
  char *language;       /* --lang; NULL: the user's languages, "C": the original */
} KbdCli;

void            kbd_cli_print_error      (const char          *message);
gboolean        kbd_cli_use_color        (void);
char           *kbd_cli_render           (KbdCli              *cli,
                                          const char          *text);
const char     *kbd_cli_style            (KbdCli              *cli,
                                          const char          *code);
KbdCatalog     *kbd_cli_make_catalog     (KbdCli              *cli);
KbdArticle     *kbd_cli_open_article     (KbdCli              *cli,
                                          const char          *arg,
                                          int                 *exit_code);
GOptionContext *kbd_cli_command_context  (const char          *parameters,
                                          const char          *summary,
                                          const GOptionEntry  *entries);
gboolean        kbd_cli_parse_options    (GOptionContext      *context,
                                          int                 *argc,
                                          char              ***argv,
                                          int                 *exit_code);
void            kbd_cli_print_json       (JsonBuilder         *builder);
guint           kbd_cli_terminal_width   (void);
void            kbd_cli_print_wrapped    (KbdCli              *cli,
                                          const char          *first_prefix,
                                          const char          *rest_prefix,
                                          const char          *text);
const char     *kbd_cli_outcome_name     (KbdOutcomeResult     result);

int             kbd_cli_run_interactive  (KbdCli              *cli,
                                          KbdSession          *session);
int             kbd_cli_command_run      (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_command_history  (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_command_i18n     (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_command_search   (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_command_import   (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_command_index    (KbdCli              *cli,
                                          int                  argc,
                                          char               **argv);
int             kbd_cli_show_reference   (KbdCli              *cli,
                                          const char          *arg,
                                          const char          *index_file);

/* The --lang option of the commands that show an article. */
extern const char kbd_cli_language_help[];
extern const char kbd_cli_language_arg[];
#define KBD_CLI_LANGUAGE_ENTRY(cli) \
  { "lang", 0, 0, G_OPTION_ARG_STRING, &(cli)->language, kbd_cli_language_help, kbd_cli_language_arg }

/* The --kb-dir option of the commands that read the search path. */
extern const char kbd_cli_kb_dir_help[];
extern const char kbd_cli_kb_dir_arg[];
#define KBD_CLI_KB_DIR_ENTRY(variable) \
  { "kb-dir", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(variable), kbd_cli_kb_dir_help, kbd_cli_kb_dir_arg }

/* The --index option of the commands that use the search index. */
extern const char kbd_cli_index_help[];
extern const char kbd_cli_index_arg[];
#define KBD_CLI_INDEX_ENTRY(variable) \
  { "index", 0, 0, G_OPTION_ARG_FILENAME, &(variable), kbd_cli_index_help, kbd_cli_index_arg }

G_END_DECLS
