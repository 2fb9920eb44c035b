#!/usr/bin/env bash
# Validate the GUI's packaging data; prints TAP.
#
# Usage: check-packaging.sh DESKTOP_FILE METAINFO_FILE SCHEMA_DIR
#
# DESKTOP_FILE and METAINFO_FILE are the merged (built) files.
# A missing tool is reported as a skipped test, not a failure.

set -u

if [ "$#" -ne 3 ]; then
    echo "usage: $0 DESKTOP_FILE METAINFO_FILE SCHEMA_DIR" >&2
    exit 2
fi

desktop_file=$1
metainfo_file=$2
schema_dir=$3

failed=0
n=0

# Print the captured output as TAP comment lines.
diag() {
    local line
    while IFS= read -r line; do
        printf '# %s\n' "$line"
    done <<<"$1"
}

# run_check NAME TOOL CHECK_WARNINGS COMMAND...
run_check() {
    local name=$1 tool=$2 check_warnings=$3
    shift 3
    n=$((n + 1))

    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "ok $n - $name # SKIP tool not installed"
        return
    fi

    local out rc
    out=$("$@" 2>&1)
    rc=$?

    if [ "$rc" -eq 0 ] && [ "$check_warnings" = yes ] &&
       [[ $'\n'$out == *$'\n'W:* ]]; then
        rc=1
    fi

    if [ "$rc" -eq 0 ]; then
        echo "ok $n - $name"
    else
        echo "not ok $n - $name"
        failed=1
    fi
    if [ -n "$out" ]; then
        diag "$out"
    fi
}

# Every language of po/LINGUAS is merged into the desktop file and the
# metainfo (i18n.merge_file).
check_translations() {
    local linguas lang missing=""
    linguas="$(dirname "$schema_dir")/../po/LINGUAS"
    for lang in $(grep -v '^#' "$linguas"); do
        grep -q "^Comment\[$lang\]=" "$desktop_file" || missing="$missing desktop:$lang"
        grep -q "xml:lang=\"$lang\"" "$metainfo_file" || missing="$missing metainfo:$lang"
    done
    if [ -z "$missing" ]; then
        echo "ok 4 - translations merged into the desktop file and metainfo"
    else
        echo "not ok 4 - translations merged into the desktop file and metainfo"
        diag "missing:$missing"
        failed=1
    fi
}

echo "1..4"
run_check desktop-file-validate desktop-file-validate no \
    desktop-file-validate "$desktop_file"
run_check "appstreamcli validate" appstreamcli yes \
    appstreamcli validate --no-net --explain "$metainfo_file"
run_check "glib-compile-schemas" glib-compile-schemas no \
    glib-compile-schemas --strict --dry-run "$schema_dir"
check_translations

exit "$failed"
