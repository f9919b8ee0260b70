#!/bin/sh
# asan.sh — build the tree with AddressSanitizer and UndefinedBehaviorSanitizer
# (undefined behaviour is fatal) in a separate directory and run the system/hw
# tests there. Usage: tests/system/asan.sh [builddir] (default
# /tmp/ferry-asan). Exits non-zero if the build or any test fails.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-/tmp/ferry-asan}
mkdir -p "$out"
cd "$out"
if [ ! -f Makefile ]; then
    "$src/configure" --enable-debug --enable-werror \
        CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g" \
        LDFLAGS="-fsanitize=address,undefined" > configure.log
fi
tests=$(cd "$src" && ls tests/system/test-*.c | sed 's/\.c$//' | tr '\n' ' ')
make -j2 check TESTS="$tests"
