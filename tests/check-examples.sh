#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The examples against the *installed* library: install the build into a
# temporary folder, then build the C plug-in with pkg-config alone, run it,
# and run the Python and JavaScript plug-ins through the installed typelib.
# Output is TAP.
#
#   check-examples.sh BUILD_DIR SOURCE_DIR SANITIZE
set -uo pipefail

build=$1
source=$2
sanitize=${3:-none}
examples=$source/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=1; echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
# Prints the output of a failed step as TAP comments.
show() { sed 's/^/# /' "$1"; }

# 1. Install into a temporary root.
if meson install -C "$build" --destdir "$work/root" --no-rebuild --quiet >"$work/install.log" 2>&1; then
  ok "meson install into a temporary root"
else
  show "$work/install.log"; not_ok "meson install into a temporary root"
  echo "1..$n"; exit 1
fi

pc=$(find "$work/root" -name libkbdecide-1.pc | head -n 1)
prefix=$(sed -n 's/^prefix=//p' "$pc")
libdir=$(dirname "$(dirname "$pc")")
mkdir -p "$work/pkgconfig"
# The .pc file names the real prefix; point it into the temporary root.
sed "s|^prefix=.*|prefix=$work/root$prefix|" "$pc" > "$work/pkgconfig/libkbdecide-1.pc"
export PKG_CONFIG_PATH=$work/pkgconfig
export KBDECIDE_KB_PATH=$work/root$prefix/share/kbdecide/kb
export XDG_DATA_HOME=$work/data
unset LD_LIBRARY_PATH GI_TYPELIB_PATH

for f in "include/libkbdecide-1/kbdecide.h" "share/gir-1.0/Kbd-1.0.gir" "share/kbdecide/kb/KB312395.json"; do
  if [ -e "$work/root$prefix/$f" ]; then ok "installed $f"; else not_ok "installed $f"; fi
done
if [ -e "$libdir/libkbdecide-1.so.0" ]; then ok "installed libkbdecide-1.so.0 (soname)"; else not_ok "installed libkbdecide-1.so.0 (soname)"; fi

# 2. Only the umbrella header may be included.
echo '#include <kbd-article.h>' > "$work/direct.c"
if ! cc -c $(pkg-config --cflags libkbdecide-1) "$work/direct.c" -o "$work/direct.o" 2>"$work/direct.log" &&
   grep -q "Only <kbdecide.h> can be included directly" "$work/direct.log"; then
  ok "including a single header directly is refused"
else
  show "$work/direct.log"; not_ok "including a single header directly is refused"
fi

# 3. The C plug-in, built with pkg-config only.
sanitize_flags=()
if [ "$sanitize" != "none" ]; then sanitize_flags=("-fsanitize=$sanitize"); fi
if cc -Wall -Werror "${sanitize_flags[@]}" -o "$work/ticket-plugin" "$examples/c/ticket-plugin.c" \
      $(pkg-config --cflags --libs libkbdecide-1 json-glib-1.0) -Wl,-rpath,"$libdir" >"$work/cc.log" 2>&1; then
  ok "C plug-in builds against the installed library with pkg-config"
else
  show "$work/cc.log"; not_ok "C plug-in builds against the installed library with pkg-config"
fi
# (ldd's output is kept first: with pipefail, grep -q stopping early would
# make ldd die of SIGPIPE and the check fail at random.)
linked=$(ldd "$work/ticket-plugin" 2>/dev/null || true)
if [[ "$linked" == *"libkbdecide-1.so.0 => $libdir/"* ]]; then
  ok "C plug-in loads the installed libkbdecide-1.so.0"
else
  not_ok "C plug-in loads the installed libkbdecide-1.so.0"
fi
if ASAN_OPTIONS=detect_leaks=0 "$work/ticket-plugin" "$examples/ticket.json" "$work/c.db" >"$work/c.out" 2>&1 &&
   grep -q '^- \*\*Ticket:\*\* INC-4711$' "$work/c.out" &&
   grep -q '^- \*\*Result:\*\* Resolved$' "$work/c.out" &&
   grep -q 'Customer restored Metabase.bin' "$work/c.out"; then
  ok "C plug-in walks KB312395 to its outcome and prints the transcript"
else
  show "$work/c.out"; not_ok "C plug-in walks KB312395 to its outcome and prints the transcript"
fi

# 4. Python and JavaScript, through the installed typelib. A sanitized
# library cannot be loaded into an uninstrumented interpreter.
export GI_TYPELIB_PATH=$libdir/girepository-1.0
export LD_LIBRARY_PATH=$libdir
if [ "$sanitize" != "none" ]; then
  skip "Python plug-in" "sanitized build"
  skip "JavaScript plug-in" "sanitized build"
else
  if ! [ -e "$GI_TYPELIB_PATH/Kbd-1.0.typelib" ]; then
    not_ok "Python plug-in (no installed typelib)"
  elif /usr/bin/python3 -c 'import gi' 2>/dev/null; then
    if /usr/bin/python3 "$examples/python/ticket_plugin.py" "$examples/ticket.json" "$work/py.db" >"$work/py.out" 2>&1 &&
       grep -qx 'outcome: resolved' "$work/py.out" && grep -q 'INC-4711' "$work/py.out"; then
      ok "Python plug-in walks KB312395 and reads the session back from history"
    else
      show "$work/py.out"; not_ok "Python plug-in walks KB312395 and reads the session back from history"
    fi
  else
    skip "Python plug-in" "PyGObject (python3-gi) is not installed"
  fi
  if command -v gjs >/dev/null; then
    if gjs "$examples/gjs/ticket-plugin.js" "$examples/ticket.json" "$work/js.db" >"$work/js.out" 2>&1 &&
       grep -qx 'outcome: resolved' "$work/js.out"; then
      ok "JavaScript plug-in walks KB312395 and reads the session back from history"
    else
      show "$work/js.out"; not_ok "JavaScript plug-in walks KB312395 and reads the session back from history"
    fi
  else
    skip "JavaScript plug-in" "gjs is not installed"
  fi
fi

echo "1..$n"
exit $failed
