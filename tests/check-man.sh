#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Check the manual pages of kbdecide against the program.
#
# Usage: check-man.sh MAN_DIR KBDECIDE
#
#   MAN_DIR   the folder of the page sources (cli/man)
#   KBDECIDE  the kbdecide program to check them against
#
# 1. Every page renders with groff without a single warning.
# 2. Every command that "kbdecide --help" lists has a page, kbdecide-COMMAND.1,
#    with the usual sections, and every option that "kbdecide COMMAND --help"
#    prints appears in it; for "history", every option of
#    "kbdecide history SUBCOMMAND --help" appears in the subsection
#    ".SS SUBCOMMAND" of kbdecide-history.1.
# 3. Every page is installed by MAN_DIR/meson.build.
#
# Options are looked for in the page source, after font changes and
# escapes such as \- and \& are taken out, so that hyphenation or line
# breaks in the rendered page cannot hide them.
#
# Exit status: 0 all good, 1 a check failed, 2 bad usage, 77 (skipped)
# groff is not installed.

set -u

if [ "$#" -ne 2 ]; then
    echo "usage: $0 MAN_DIR KBDECIDE" >&2
    exit 2
fi

man_dir=$1
kbdecide=$2

if [ ! -d "$man_dir" ]; then
    echo "check-man: $man_dir is not a folder" >&2
    exit 2
fi
if [ ! -x "$kbdecide" ]; then
    echo "check-man: $kbdecide is not an executable program" >&2
    exit 2
fi
if ! command -v groff >/dev/null 2>&1; then
    echo "check-man: groff is not installed (apt-get install groff-base); skipped"
    exit 77
fi

# The help is parsed, so it must be the untranslated one.
unset LANGUAGE
export LC_ALL=C.UTF-8

failures=0
pages_checked=0
options_checked=0

fail() {
    echo "check-man: FAIL: $*" >&2
    failures=$((failures + 1))
}

# The text of a page source with comments, font changes and the escapes
# that only affect formatting taken out, and \- made a plain hyphen.
page_text() {
    sed -e '/^[.'\'']\\"/d' \
        -e 's/\\".*$//' \
        -e 's/\\f\[[^]]*\]//g' \
        -e 's/\\f([A-Za-z0-9][A-Za-z0-9]//g' \
        -e 's/\\f[A-Za-z0-9]//g' \
        -e 's/\\[&%:c]//g' \
        -e 's/\\-/-/g' \
        -e 's/\\(hy/-/g' \
        -e 's/\\e/\\/g' \
        "$1"
}

# The lines of a page's subsection ".SS NAME" (up to the next .SS or .SH),
# or nothing when the page has no such subsection.
subsection_text() {
    page_text "$1" | awk -v name="$2" '
        /^\.S[HS]([ \t]|$)/ {
            if (inside)
                exit
            if ($1 == ".SS") {
                title = $0
                sub(/^\.SS[ \t]+/, "", title)
                gsub(/"/, "", title)
                sub(/[ \t]+$/, "", title)
                n = split(title, words, /[ \t]+/)
                if (n > 0 && words[n] == name)
                    inside = 1
            }
            next
        }
        inside { print }
    '
}

# The commands listed under "Commands:" in a help text, one per line.
help_commands() {
    awk '
        /^Commands:/ { inside = 1; next }
        inside && /^[ \t]*$/ { exit }
        inside { print $1 }
    '
}

# The long and short options in a help text, one per line, without
# repeats: --json, -q, ...
help_options() {
    local help=$1
    {
        grep -oE -- '--[A-Za-z0-9][A-Za-z0-9-]*' <<<"$help"
        grep -oE -- '^[[:space:]]+-[A-Za-z0-9],' <<<"$help" | tr -d ' \t,'
    } | sort -u
}

# contains_option TEXT OPTION: whether OPTION appears in TEXT as a whole word.
contains_option() {
    grep -qE -- "(^|[^A-Za-z0-9-])$2([^A-Za-z0-9-]|\$)" <<<"$1"
}

# check_options WHAT PAGE TEXT HELP: every option of HELP appears in TEXT.
check_options() {
    local what=$1 page=$2 text=$3 help=$4 option
    local options
    options=$(help_options "$help")
    if [ -z "$options" ]; then
        return
    fi
    while IFS= read -r option; do
        options_checked=$((options_checked + 1))
        if ! contains_option "$text" "$option"; then
            fail "$page: option $option (from \"$what --help\") is not documented"
        fi
    done <<<"$options"
}

# 1. Rendering -------------------------------------------------------------

shopt -s nullglob
pages=("$man_dir"/*.1)
shopt -u nullglob

if [ "${#pages[@]}" -eq 0 ]; then
    fail "no manual pages (*.1) in $man_dir"
fi

for page in "${pages[@]}"; do
    name=$(basename "$page")
    pages_checked=$((pages_checked + 1))

    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' groff -man -Tutf8 -ww -z "$page" 2>&1 >/dev/null)
    status=$?
    if [ "$status" -ne 0 ] || [ -n "$warnings" ]; then
        fail "$name: groff reports (exit status $status):"
        printf '    %s\n' "$warnings" >&2
    fi

    # The title line names the page: kbdecide-run.1 is KBDECIDE-RUN 1.
    expected_title=$(basename "$name" .1 | tr '[:lower:]' '[:upper:]')
    if ! grep -qE "^\.TH \"?$expected_title\"? 1 " "$page"; then
        fail "$name: the .TH line does not name the page $expected_title in section 1"
    fi
done

# 2. Pages against the help --------------------------------------------------

if ! top_help=$("$kbdecide" --help 2>&1); then
    fail "\"$kbdecide --help\" failed"
fi
commands=$(help_commands <<<"$top_help")
if [ -z "$commands" ]; then
    fail "no commands found under \"Commands:\" in \"kbdecide --help\""
fi

if [ ! -f "$man_dir/kbdecide.1" ]; then
    fail "kbdecide.1 is missing from $man_dir"
else
    overview=$(page_text "$man_dir/kbdecide.1")
    check_options "kbdecide" kbdecide.1 "$overview" "$top_help"
fi

required_sections=("NAME" "SYNOPSIS" "DESCRIPTION" "OPTIONS" "EXIT STATUS" "EXAMPLES" "SEE ALSO")

while IFS= read -r command; do
    [ -n "$command" ] || continue
    name="kbdecide-$command.1"
    page="$man_dir/$name"

    if [ -f "$man_dir/kbdecide.1" ] && ! contains_option "$overview" "kbdecide-$command"; then
        fail "kbdecide.1 does not refer to the page of the command \"$command\" (kbdecide-$command)"
    fi

    if [ ! -f "$page" ]; then
        fail "the command \"$command\" (in \"kbdecide --help\") has no page: $name is missing from $man_dir"
        continue
    fi

    for section in "${required_sections[@]}"; do
        if ! grep -qE "^\.SH \"?$section\"?[[:space:]]*$" "$page"; then
            fail "$name: the section $section is missing"
        fi
    done

    if ! help=$("$kbdecide" "$command" --help 2>&1); then
        fail "\"kbdecide $command --help\" failed"
        continue
    fi
    text=$(page_text "$page")
    check_options "kbdecide $command" "$name" "$text" "$help"

    # A command with commands of its own: each has a subsection of the page.
    subcommands=$(help_commands <<<"$help")
    while IFS= read -r subcommand; do
        [ -n "$subcommand" ] || continue
        section=$(subsection_text "$page" "$subcommand")
        if [ -z "$section" ]; then
            fail "$name: \"$command $subcommand\" has no subsection (.SS $subcommand)"
            continue
        fi
        if ! sub_help=$("$kbdecide" "$command" "$subcommand" --help 2>&1); then
            fail "\"kbdecide $command $subcommand --help\" failed"
            continue
        fi
        # --help itself is documented once for all subcommands.
        sub_help=$(grep -vE -- '^[[:space:]]+-h, --help[[:space:]]' <<<"$sub_help")
        check_options "kbdecide $command $subcommand" "$name (.SS $subcommand)" "$section" "$sub_help"
    done <<<"$subcommands"
done <<<"$commands"

# 3. Installation ------------------------------------------------------------

if [ ! -f "$man_dir/meson.build" ]; then
    fail "$man_dir/meson.build is missing"
else
    for page in "${pages[@]}"; do
        name=$(basename "$page")
        if ! grep -qF "'$name'" "$man_dir/meson.build"; then
            fail "$name is not installed by $man_dir/meson.build"
        fi
    done
fi

if [ "$failures" -gt 0 ]; then
    echo "check-man: $failures problem(s) in $pages_checked page(s)" >&2
    exit 1
fi
echo "check-man: $pages_checked pages render cleanly and document all $options_checked options"
exit 0
