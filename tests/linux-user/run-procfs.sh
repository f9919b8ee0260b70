#!/bin/sh
# run-procfs.sh — the guest's /proc views: guest/procself.c, built static
# and dynamic by the build machine's x86-64 cc, checks its own maps, exe,
# cmdline, environ, auxv and cpuinfo and prints what it found; the output
# under ferry-x86_64 must be the native one. Skipped (77) without an
# x86-64 cc.
set -u
. "$(dirname "$0")/e2e-common.sh"
SRC=$(dirname "$0")/guest/procself.c
if [ "$(uname -m)" != x86_64 ] || ! cc -O1 -o "$TMP/procself" "$SRC" 2> "$TMP/cc.err"; then
    echo "SKIP: no x86-64 cc"; cat "$TMP/cc.err"
    exit 77
fi
check "procself dynamic" "$TMP/procself" one "two words"
if cc -O1 -static -o "$TMP/procself-static" "$SRC" 2> /dev/null; then
    check "procself static" "$TMP/procself-static" three
fi
echo "$runs runs, $fails failed"
[ $fails -eq 0 ]
