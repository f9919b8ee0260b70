#!/bin/sh
# run-procfs.sh — the guest's /proc views: guest/procself.c, built static
# and dynamic by the build machine's x86-64 cc, checks its own maps, exe,
# cmdline, environ, auxv and cpuinfo and prints what it found; the output
# under ferry-x86_64 must be the native one. guest/vdso.c does the same
# for the vDSO. Skipped (77) without an x86-64 cc.
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
# The vDSO: the same lines as natively, except that under ferry the vDSO
# can always be patched, which shows glibc calling through it.
VSRC=$(dirname "$0")/guest/vdso.c
for link in "" -static; do
    cc -O1 $link -o "$TMP/vdso" "$VSRC" 2> /dev/null || continue
    runs=$((runs + 1))
    env -i "$TMP/vdso" > "$TMP/ref.out"; ref=$?
    env -i $FERRY_CMD "$TMP/vdso" > "$TMP/ferry.out" 2> "$TMP/ferry.err"; got=$?
    want="glibc clock_gettime through the vDSO: 1, time through the vDSO: 1"
    if [ $ref != 0 ] || [ $got != 0 ] ||
       [ "$(grep -v '^glibc' "$TMP/ref.out")" != "$(grep -v '^glibc' "$TMP/ferry.out")" ] ||
       [ "$(grep '^glibc' "$TMP/ferry.out")" != "$want" ]; then
        fails=$((fails + 1))
        echo "FAIL: vdso$link: status $got (reference $ref)"
        diff "$TMP/ref.out" "$TMP/ferry.out"; head -5 "$TMP/ferry.err"
    else
        echo "ok: vdso$link"
    fi
done
echo "$runs runs, $fails failed"
[ $fails -eq 0 ]
