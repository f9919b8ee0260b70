#!/bin/sh
# tsan-engine.sh — build libjit with the engine's threading tests
# (tests/unit/test-engine, test-engine-threads, test-interp) under clang-16
# -fsanitize=thread and run them. Exits non-zero on a build failure, a
# failed check, or any TSan report; 77 if clang-16 cannot build with TSan.
# Usage: tests/unit/tsan-engine.sh [outdir] (default tests/unit/tsan-engine.d
# under the current directory: make check runs it from the build tree);
# TSAN_HALT=0 keeps going after the first report (to count them).
# liburcu is not instrumented: jit/tsan.h tells TSan the ordering it gives
# (table publication, grace periods), and tsan-engine.supp ignores only
# interceptors called from inside liburcu. Generated code is not
# instrumented either: races through guest memory are the tests' own checks.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$(pwd)/tests/unit/tsan-engine.d}
mkdir -p "$out/obj"
echo 'int main(void){return 0;}' | clang-16 -fsanitize=thread -x c - -o "$out/probe" \
    2>/dev/null || { echo "clang-16 -fsanitize=thread unavailable: skipped"; exit 77; }
pkgs="glib-2.0 liburcu liburcu-cds libffi capstone check"
cflags="-std=gnu11 -g -O1 -fsanitize=thread -Wall -Wextra -Wno-unused-parameter
 -Wno-sign-compare -Wno-missing-field-initializers -Werror -D_GNU_SOURCE
 -DFERRY_DEBUG=1 -I$src -I$out -pthread $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -lm"
# config.h is not needed by these sources beyond its existence.
: > "$out/config.h"
native=""
defs=""
if [ "$(uname -m)" = x86_64 ]; then
    native="$src/backend-x86_64/*.c"
    defs="-DFERRY_TEST_X86_64"
fi
objs=""
# shellcheck disable=SC2086
# An object is rebuilt when its source, any header it may include, or
# this script is newer (a stale object built against an older struct
# layout deadlocked the engine tests).
newest_h=$(ls -t "$src"/jit/*.h "$src"/backend-*/*.h | head -n 1)
for f in "$src"/jit/*.c $native; do
    case "$f" in */ferry-ir.c) continue ;; esac
    o="$out/obj/$(basename "$(dirname "$f")")-$(basename "$f" .c).o"
    if [ ! -e "$o" ] || [ "$f" -nt "$o" ] || [ "$newest_h" -nt "$o" ] || [ "$0" -nt "$o" ]; then
        clang-16 $cflags $defs -c "$f" -o "$o"
    fi
    objs="$objs $o"
done
# An archive, as in the real build: the IR harness's weak exec-layer hooks
# must win when test-interp does not need the engine.
rm -f "$out/libjit.a"
# shellcheck disable=SC2086
ar rcs "$out/libjit.a" $objs
for t in test-engine test-engine-threads; do
    # shellcheck disable=SC2086
    clang-16 $cflags $defs -o "$out/$t" "$src/tests/unit/$t.c" \
        "$src/tests/unit/toy-guest.c" "$out/libjit.a" $libs
done
# shellcheck disable=SC2086
clang-16 $cflags $defs -o "$out/test-interp" "$src/tests/unit/test-interp.c" \
    "$src/tests/ir/harness.c" "$out/libjit.a" $libs
export TSAN_OPTIONS="halt_on_error=${TSAN_HALT:-1} exitcode=66 second_deadlock_stack=1 suppressions=$src/tests/unit/tsan-engine.supp ${TSAN_OPTIONS:-}"
# Check forks each test by default; TSan is happier without fork.
export CK_FORK=no
status=0
for t in test-engine test-engine-threads test-interp; do
    [ -x "$out/$t" ] || continue
    echo "tsan-engine.sh: running $t"
    "$out/$t" || { echo "tsan-engine.sh: $t failed ($?)"; status=1; }
done
[ $status = 0 ] && echo "tsan-engine.sh: no data races reported"
exit $status
