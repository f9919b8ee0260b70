#!/bin/sh
# run-e2e-host.sh — dynamically linked glibc programs under ferry-x86_64
# (the host's true, false, echo, cat, ls, and a C hello world), compared
# with native runs. x86-64 hosts only (exit 77 elsewhere). ld.so's x86-64
# ISA-level check needs a vendor glibc knows (ferry says GenuineIntel) and
# the baseline features (FPU, MMX, SSE2, ...) in CPUID leaf 1.
#
# Environment: FERRY (the binary), GUEST_DIR, QEMU_X86_64 (optional).
set -u
FERRY=${FERRY:-./ferry-x86_64}
GUEST_DIR=${GUEST_DIR:-tests/linux-user/guest}
if [ ! -x "$FERRY" ]; then
    echo "SKIP: $FERRY not built"
    exit 77
fi
# A cross-built ferry runs under the matching qemu-user on the build machine.
RUN=""
if ! "$FERRY" -version > /dev/null 2>&1; then
    for q in qemu-aarch64-static qemu-loongarch64-static; do
        if command -v $q > /dev/null && $q "$FERRY" -version > /dev/null 2>&1; then
            RUN=$(command -v $q)
            break
        fi
    done
fi
FERRY_CMD="$RUN $FERRY"
case "$(uname -m)" in
    x86_64) REF="" ;;
    *) REF=${QEMU_X86_64:-$(command -v qemu-x86_64-static || command -v qemu-x86_64 || true)}
       if [ -z "$REF" ]; then echo "SKIP: no x86-64 reference runner"; exit 77; fi ;;
esac
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0 runs=0

# check NAME CMD...: run CMD natively (or under $REF) and under ferry.
check() {
    name=$1; shift
    runs=$((runs + 1))
    env -i X=1 $REF "$@" > "$TMP/ref.out" 2>/dev/null < /dev/null
    ref=$?
    env -i X=1 $FERRY_CMD "$@" > "$TMP/ferry.out" 2> "$TMP/ferry.err" < /dev/null
    got=$?
    if [ "$ref" != "$got" ] || ! cmp -s "$TMP/ref.out" "$TMP/ferry.out"; then
        fails=$((fails + 1))
        echo "FAIL: $name: status $got (reference $ref)"
        diff "$TMP/ref.out" "$TMP/ferry.out" | head -20
        head -5 "$TMP/ferry.err"
    else
        echo "ok: $name (status $got)"
fi
}

if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the host programs are x86-64 binaries only here"
    exit 77
fi
printf 'line one\nline two\n' > "$TMP/in.txt"
mkdir "$TMP/dir" && touch "$TMP/dir/a" "$TMP/dir/b c"
check "true" /bin/true
check "false" /bin/false
check "echo" /bin/echo hello from echo
check "cat" /bin/cat "$TMP/in.txt"
check "ls" /bin/ls "$TMP/dir"
check "ls -la" /bin/ls -la "$TMP/dir"
cat > "$TMP/hello.c" <<'C'
#include <stdio.h>
int main(int argc, char **argv) { printf("hello from C, argc=%d\n", argc); return 3; }
C
if cc -O1 -o "$TMP/hello-dyn" "$TMP/hello.c" 2>/dev/null; then
    check "C dynamic" "$TMP/hello-dyn" x y
fi

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
