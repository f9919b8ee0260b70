#!/bin/sh
# tsan.sh — the system emulator's threads under ThreadSanitizer, as a
# `make check` test. Builds every system/ and hw/ source with clang-16
# -fsanitize=thread -Wthread-safety -Werror into a private directory
# (no configure), links ferry-system-x86_64 and the threaded tests
# (memory map, main loop and chardevs, vCPU lifecycle, QMP driving the
# whole machine as a child) and runs them; any data race or lock-order
# report fails. The other tests/system sources get the analysis only.
# Usage: tests/system/tsan.sh [outdir] (default: a temporary directory,
# removed afterwards), from a build directory (for its config.h) or not.
# Exits 77 (skipped) without clang-16's TSan runtime or in a cross build
# (the native build runs it).
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
if [ -f Makefile ] && grep -q '^TEST_WRAPPER = .' Makefile; then
    echo "tsan.sh: cross build: skipped (the native build runs it)"
    exit 77
fi
if [ $# -ge 1 ]; then
    out=$1
    mkdir -p "$out"
else
    out=$(mktemp -d /tmp/ferry-tsan.XXXXXX)
    trap 'rm -rf "$out"' EXIT
fi
if ! echo 'int main(void){return 0;}' | clang-16 -fsanitize=thread -x c - \
    -o "$out/probe" 2>/dev/null; then
    echo "tsan.sh: clang-16 with the TSan runtime (libclang-rt-16-dev) is" \
        "not installed: skipped"
    exit 77
fi
if [ -f config.h ]; then
    cp config.h "$out/config.h"
else
    echo '#define PACKAGE_VERSION "tsan"' > "$out/config.h"
fi
case $(uname -m) in
x86_64) kvm=accel-kvm.c ;;
*) kvm=accel-kvm-none.c ;;
esac

cflags="-std=gnu11 -g -O1 -fsanitize=thread -fno-omit-frame-pointer
 -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare
 -Wno-missing-field-initializers -Wthread-safety -Werror
 -D_GNU_SOURCE -DFERRY_DEBUG=1 -DFERRY_TEST_WRAPPER=\"\" -I$out -I$src
 -pthread $(pkg-config --cflags glib-2.0 liburcu check)"
libs="$(pkg-config --libs glib-2.0 liburcu check) -lm"
export cflags out

# Objects: all of system/ and hw/ (one accelerator file), jit/fatal.c.
objs=
for f in "$src"/system/*.c "$src"/hw/*.c "$src"/jit/fatal.c; do
    case ${f##*/} in
    accel-kvm*.c) [ "${f##*/}" = "$kvm" ] || continue ;;
    esac
    echo "$f"
done > "$out/sources"
# shellcheck disable=SC2016
xargs -P 2 -I{} sh -c 'f={}; o=$(echo "$f" | tr / _).o;
    exec clang-16 $cflags -c "$f" -o "$out/$o"' < "$out/sources"
for f in $(cat "$out/sources"); do
    o=$(echo "$f" | tr / _).o
    case $f in */system/main.c) main=$out/$o ;; *) objs="$objs $out/$o" ;; esac
done

run_tests="test-memory-threads test-main-loop test-vcpu test-qmp"
# shellcheck disable=SC2086
for t in "$src"/tests/system/*.c; do
    name=$(basename "$t" .c)
    case " $run_tests " in
    *" $name "*) echo "$t" ;;
    *) clang-16 $cflags -fsyntax-only "$t" ;;
    esac
done > "$out/tests"
# shellcheck disable=SC2086
xargs -P 2 -I{} sh -c 't={}; n=$(basename "$t" .c);
    exec clang-16 $cflags -c "$t" -o "$out/$n.o"' < "$out/tests"
# shellcheck disable=SC2086
clang-16 -fsanitize=thread -o "$out/ferry-system-x86_64" "$main" $objs $libs
for t in $run_tests; do
    # shellcheck disable=SC2086
    clang-16 -fsanitize=thread -o "$out/$t" "$out/$t.o" $objs $libs
done
echo "tsan.sh: built with clang-16 -fsanitize=thread, -Wthread-safety clean"

# halt_on_error: the first report ends the process with exitcode 66, which
# the tests (and test-qmp, for its child) see as a failure. CK_FORK=no
# keeps each test program one TSan-visible process. tsan.supp covers
# liburcu, which is not instrumented.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$src/tests/system/tsan.supp ${TSAN_OPTIONS:-}"
export CK_FORK=no
export FERRY_SYSTEM="$out/ferry-system-x86_64"
status=0
for t in $run_tests; do
    if "$out/$t" > "$out/$t.log" 2>&1; then
        echo "PASS $t (TSan)"
    else
        echo "FAIL $t (TSan):"
        cat "$out/$t.log"
        status=1
    fi
done
exit $status
