#!/bin/sh
# run-e2e-host.sh — dynamically linked glibc programs under ferry-x86_64
# (the host's true, false, echo, cat, ls, and a C hello world), compared
# with native runs. x86-64 hosts only (exit 77 elsewhere). ld.so's x86-64
# ISA-level check needs a vendor glibc knows (ferry says GenuineIntel) and
# the baseline features (FPU, MMX, SSE2, ...) in CPUID leaf 1.
#
# Environment: FERRY (the binary), GUEST_DIR, QEMU_X86_64 (optional).
set -u
. "$(dirname "$0")/e2e-common.sh"

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
