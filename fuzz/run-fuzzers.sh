#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs every libFuzzer harness of fuzz/ for a while on fresh seed corpora.
#
#   fuzz/run-fuzzers.sh [SECONDS_PER_TARGET] [BUILD_DIR]
#
# SECONDS_PER_TARGET defaults to 60, BUILD_DIR to _build-fuzz (relative to the
# source root, or absolute). Build first (fuzz/README.md):
#
#   CC=clang meson setup _build-fuzz -Dfuzzing=true -Dgui=disabled \
#     -Db_sanitize=address,undefined -Db_lundef=false
#   ninja -C _build-fuzz
#
# Environment:
#   FUZZ_ARTIFACTS_DIR  where crash/leak/timeout reproducers and the logs go
#                       (default: fuzz/artifacts/ in the source tree)
#   FUZZ_TARGETS        the harnesses to run (default: all five)
#   KBD_KB_SAMPLE       the classic KB sample whose files seed fuzz-reference
#                       (default: ../shared/kbarchive-sample beside the
#                       checkout, when it is there)
#
# Exits 0 when no harness found anything, 1 when one did (it says which and
# where the reproducer is), 2 on a usage or setup error.
set -u

seconds=${1:-60}
build_arg=${2:-_build-fuzz}

here=$(cd "$(dirname "$0")" && pwd)
srcroot=$(cd "$here/.." && pwd)

case $seconds in
  ''|*[!0-9]*) echo "usage: $0 [SECONDS_PER_TARGET] [BUILD_DIR]" >&2; exit 2 ;;
esac

case $build_arg in
  /*) builddir=$build_arg ;;
  *) builddir=$srcroot/$build_arg ;;
esac

targets=${FUZZ_TARGETS:-"fuzz-json fuzz-text fuzz-article fuzz-session fuzz-reference"}

for t in $targets fuzz-seeds; do
  if [ ! -x "$builddir/fuzz/$t" ]; then
    echo "$0: $builddir/fuzz/$t is missing; build the harnesses first:" >&2
    echo "  cd $srcroot && CC=clang meson setup _build-fuzz -Dfuzzing=true -Dgui=disabled -Db_sanitize=address,undefined -Db_lundef=false && ninja -C _build-fuzz" >&2
    exit 2
  fi
done

artifacts=${FUZZ_ARTIFACTS_DIR:-$srcroot/fuzz/artifacts}
mkdir -p "$artifacts" || exit 2
artifacts=$(cd "$artifacts" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/kbd-fuzz.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM

# Seeds ---------------------------------------------------------------------
# Built at every run from the articles and the conformance files, so they
# follow the format; the session seeds come from the library itself.
mkdir -p "$work/seeds/article" "$work/seeds/json" "$work/seeds/text" "$work/seeds/session" \
  "$work/seeds/reference"

articles=$( (ls "$srcroot"/kb/*.json; find "$srcroot/tests/kb" -name '*.json' -type f) 2>/dev/null | sort)
for f in $articles; do
  # Names keep the conformance file's name: a crash on a seed says which.
  cp "$f" "$work/seeds/article/$(basename "$f")"
  cp "$f" "$work/seeds/json/$(basename "$f")"
done

# $articles is split on purpose: one argument per file (no spaces in them).
# shellcheck disable=SC2086
KBD_SOURCE_ROOT=$srcroot "$builddir/fuzz/fuzz-seeds" \
  --session "$work/seeds/session" --json "$work/seeds/json" --text "$work/seeds/text" \
  $articles > "$work/seeds.log" 2>&1 || { cat "$work/seeds.log" >&2; exit 2; }
cp "$srcroot"/fuzz/corpus/text/* "$work/seeds/text/" 2>/dev/null

# Classic KB articles: the hand-made ones of fuzz/corpus/reference/ (each
# encoding, headings of both levels, mentions) and the 200 smallest files of
# the KB sample, small files being the fastest to mutate.
cp "$srcroot"/fuzz/corpus/reference/* "$work/seeds/reference/" 2>/dev/null
sample=${KBD_KB_SAMPLE:-$srcroot/../shared/kbarchive-sample}
if [ -d "$sample" ]; then
  find "$sample" -maxdepth 1 -type f -iname 'Q*.txt' -size -6k | sort | head -n 200 |
    while read -r f; do cp "$f" "$work/seeds/reference/"; done
fi

# Sanitizers: UB is a crash, leaks are checked, GLib allocates with malloc.
export G_SLICE=always-malloc
export G_DEBUG=gc-friendly
export KBD_SOURCE_ROOT="$srcroot"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$srcroot/fuzz/lsan.supp:print_suppressions=0"

status=0
summary=""

list_reproducers ()
{
  find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o \
    -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort
}

for t in $targets; do
  case $t in
    fuzz-json) seeds=json; dict=json.dict ;;
    fuzz-article) seeds=article; dict=json.dict ;;
    fuzz-session) seeds=session; dict=json.dict ;;
    fuzz-text) seeds=text; dict=inline.dict ;;
    fuzz-reference) seeds=reference; dict=reference.dict ;;
    *) echo "$0: unknown harness $t" >&2; exit 2 ;;
  esac

  corpus="$work/corpus-$t"
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp "$work/seeds/$seeds"/* "$corpus/"
  log="$artifacts/$t.log"
  # Reproducers are named crash-<sha1>, leak-…, timeout-…, oom-… in $artifacts/.
  list_reproducers > "$work/before"

  echo "== $t: ${seconds}s, $(find "$corpus" -type f | wc -l) seeds, dictionary fuzz/dict/$dict, log $log"
  "$builddir/fuzz/$t" \
    -max_total_time="$seconds" \
    -timeout=10 \
    -rss_limit_mb=2048 \
    -detect_leaks=1 \
    -print_final_stats=1 \
    -dict="$srcroot/fuzz/dict/$dict" \
    -artifact_prefix="$artifacts/" \
    "$corpus" > "$log" 2>&1
  rc=$?

  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  [ -n "$execs" ] || execs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  list_reproducers > "$work/after"
  new=$(comm -13 "$work/before" "$work/after")

  if [ $rc -ne 0 ] || [ -n "$new" ]; then
    status=1
    kind=$(grep -m1 -oE 'fuzz invariant broken|ERROR: LeakSanitizer|ERROR: AddressSanitizer: [a-z-]+|runtime error|ERROR: libFuzzer: (timeout|out-of-memory|deadly signal)|GLib critical/warning' "$log")
    written=$(sed -n "s/.*Test unit written to \(.*\)/\1/p" "$log" | tail -n 1)
    echo "!! $t FOUND A PROBLEM (${kind:-exit code $rc})"
    [ -n "$written" ] && echo "   reproducer: $written" && echo "   reproduce:  $builddir/fuzz/$t $written"
    for a in $new; do
      [ "$a" = "$written" ] || echo "   reproducer: $a"
    done
    echo "   log: $log"
    result="FOUND ${kind:-exit code $rc}"
  else
    result="ok"
  fi
  line=$(printf '%-13s execs %-9s cov %-6s ft %-7s %s' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result")
  echo "   $line"
  summary="$summary$line
"
done

echo
echo "Summary (${seconds}s per target; reproducers and logs in $artifacts/):"
printf '%s' "$summary"
exit $status
