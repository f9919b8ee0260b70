#!/bin/sh
# tsan.sh — check the system core with clang-16 -Wthread-safety, then build
# the memory-map threading test with -fsanitize=thread and run it.
# Usage: tests/system/tsan.sh [outdir] (default /tmp/ferry-tsan). The TSan
# build uses $TSAN_CC: clang-16 when its runtime (libclang-rt-16-dev) is
# installed, else gcc (libtsan). Exits non-zero on an analysis warning, a
# build failure, a failed check, or any TSan report. liburcu is not
# instrumented; system/rcu.h tells TSan the ordering RCU provides
# (publication and grace periods).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/ferry-tsan}
mkdir -p "$out"
if [ -z "${TSAN_CC:-}" ]; then
    if echo 'int main(void){return 0;}' | clang-16 -fsanitize=thread -x c - \
        -o "$out/probe" 2>/dev/null; then TSAN_CC=clang-16; else TSAN_CC=gcc; fi
fi
cflags="-std=gnu11 -g -O1 -Wall -Wextra -Wno-unused-parameter
 -Wno-sign-compare -Wno-missing-field-initializers -Werror
 -D_GNU_SOURCE -DFERRY_DEBUG=1 -I$src -pthread
 $(pkg-config --cflags glib-2.0 liburcu check)"
libs="$(pkg-config --libs glib-2.0 liburcu check) -lm"
srcs="$src/system/bql.c $src/system/log.c $src/system/memory.c
 $src/system/irq.c $src/system/clock.c $src/jit/fatal.c"
test="$src/tests/system/test-memory-threads.c"
# The analysis covers every system/hw source and test, not only this one.
# shellcheck disable=SC2086
for f in "$src"/system/*.c "$src"/hw/*.c "$src"/tests/system/*.c; do
    clang-16 $cflags -Wthread-safety -fsyntax-only "$f"
done
echo "tsan.sh: clang-16 -Wthread-safety clean; building with $TSAN_CC"
# shellcheck disable=SC2086
$TSAN_CC $cflags -fsanitize=thread -o "$out/test-memory-threads" $test $srcs \
    $libs
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$src/tests/system/tsan.supp ${TSAN_OPTIONS:-}"
"$out/test-memory-threads"
echo "tsan.sh: no data races reported"
