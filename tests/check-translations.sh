#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Every language in po/LINGUAS translates every program string of the
# current sources: merged with a fresh template, nothing is untranslated or
# fuzzy, and msgfmt accepts the result. Output is TAP.
#   check-translations.sh PO_DIR TEMPLATE
set -u
po_dir=$1
template=$2
n=0
failed=0
for lang in $(grep -v '^#' "$po_dir/LINGUAS"); do
  n=$((n + 1))
  merged=$(mktemp)
  if ! msgmerge --quiet -o "$merged" "$po_dir/$lang.po" "$template" 2>/dev/null; then
    echo "not ok $n - $lang: msgmerge failed"; failed=1; rm -f "$merged"; continue
  fi
  stats=$(msgfmt --check --statistics -o /dev/null "$merged" 2>&1)
  rm -f "$merged"
  if [[ "$stats" == *fuzzy* || "$stats" == *untranslated* || "$stats" == *error* ]]; then
    echo "not ok $n - $lang: $stats"
    echo "# run: msgmerge --update po/$lang.po po/kbdecide.pot (ninja -C BUILD kbdecide-pot), then translate"
    failed=1
  else
    echo "ok $n - $lang: $stats"
  fi
done
echo "1..$n"
exit $failed
