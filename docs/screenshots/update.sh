#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Renders the app's main screens into docs/screenshots/*.png on a virtual
# display, in the light and the dark style, by driving the app with its own
# keyboard shortcuts. Needs xvfb, xdotool and imagemagick.
#   docs/screenshots/update.sh [BUILD_DIR]      (default: _build)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "${1:-$top/_build}" && pwd)
out="$top/docs/screenshots"

if [ -z "${KBD_SHOTS_INNER:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x900x24" env KBD_SHOTS_INNER=1 "$0" "$build"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GSETTINGS_SCHEMA_DIR="$build/gui" GSETTINGS_BACKEND=memory GSK_RENDERER=cairo \
       KBDECIDE_KB_PATH="$top/kb" GTK_A11Y=none LANGUAGE=C

shoot() {      # shoot NAME: the app's window, without the desktop around it
  sleep 0.8
  import -window "$window" "$out/$1.png"
}

for style in light dark; do
  export KBDECIDE_HISTORY="$tmp/$style.db"
  suffix=""
  if [ "$style" = dark ]; then
    export ADW_DEBUG_COLOR_SCHEME=prefer-dark
    suffix="-dark"
  fi

  "$build/gui/kbdecide-gtk" "$top/kb/KB312395.json" &
  app=$!
  window=$(xdotool search --sync --onlyvisible --name "KB Decide" | head -1)
  xdotool windowsize "$window" 1120 760 windowmove "$window" 0 0
  shoot "start$suffix"

  xdotool key --window "$window" ctrl+Return
  xdotool key --window "$window" 1
  xdotool key --window "$window" 2
  shoot "question$suffix"

  xdotool key --window "$window" 2
  xdotool key --window "$window" space
  shoot "procedure$suffix"

  xdotool key --window "$window" ctrl+Return
  xdotool key --window "$window" 1
  shoot "escalation$suffix"

  xdotool key --window "$window" ctrl+h
  shoot "history$suffix"

  kill "$app"
  wait "$app" 2>/dev/null || true
done

# The reader, on a classic reference article of the KB sample found by a
# search (light style only; skipped when the sample is not beside the
# checkout).
sample=${KBD_KB_SAMPLE:-$top/../shared/kbarchive-sample}
if [ -d "$sample" ]; then
  unset ADW_DEBUG_COLOR_SCHEME
  export KBDECIDE_HISTORY="$tmp/reader.db" KBDECIDE_INDEX="$tmp/index.db"
  export KBDECIDE_KB_PATH="$top/kb:$(cd "$sample" && pwd)"
  "$build/gui/kbdecide-gtk" &
  app=$!
  window=$(xdotool search --sync --onlyvisible --name "KB Decide" | head -1)
  xdotool windowsize "$window" 1120 760 windowmove "$window" 0 0
  sleep 8        # the first index of the sample
  xdotool key --window "$window" ctrl+f
  xdotool type --window "$window" --delay 40 "devshl"
  sleep 1
  xdotool key --window "$window" Return
  shoot reader
  kill "$app"
  wait "$app" 2>/dev/null || true
fi
echo "Screenshots written to $out"
