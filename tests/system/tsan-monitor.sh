#!/bin/sh
# tsan-monitor.sh — build the main loop, vCPU, chardev and monitor tests
# and ferry-system-x86_64 with clang-16 -fsanitize=thread (and
# -Wthread-safety, warnings as errors) in a build directory of their own,
# then run them; any data race or lock-order report fails the run.
# Usage: tests/system/tsan-monitor.sh [BUILD_DIR] (default /tmp/b-tsan-monitor)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-/tmp/b-tsan-monitor}
tests="tests/system/test-main-loop tests/system/test-vcpu tests/system/test-qmp"

mkdir -p "$build"
cd "$build"
if [ ! -f Makefile ]; then
    "$src/configure" --enable-debug --enable-werror CC=clang-16 \
        CFLAGS="-fsanitize=thread -Wthread-safety -fno-omit-frame-pointer" \
        LDFLAGS="-fsanitize=thread" >/dev/null
fi
make -j2 system/ferry-system-x86_64 $tests >/dev/null

# halt_on_error: the first report ends the process with exitcode 66, which
# the tests (and the QMP test, for its child) see as a failure. CK_FORK=no
# keeps each test program a single TSan-visible process.
# tsan.supp (hw's) covers liburcu, which is not instrumented.
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$src/tests/system/tsan.supp"
export CK_FORK=no
export FERRY_SYSTEM="$build/system/ferry-system-x86_64"
status=0
for t in $tests; do
    echo "== $t (TSan)"
    if ! ./"$t"; then
        status=1
    fi
done
exit $status
