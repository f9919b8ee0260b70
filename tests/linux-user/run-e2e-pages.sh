#!/bin/sh
# run-e2e-pages.sh — the arm64 cross build's ferry-x86_64 on hosts with
# 16K and 64K pages (qemu-aarch64-static -p), x86-64 programs keeping
# their 4K pages: nasm guests (brk, faults, self-modifying code), static
# glibc, busybox, dynamically linked host programs (ld.so maps library
# segments at 4K- but not host-page-aligned offsets) and threads, compared with
# reference runs, plus the guest address-space unit test at the real page
# size. Exits 77 (skip) unless ferry runs under qemu-aarch64-static.
#
# Environment: FERRY (the binary), GUEST_DIR, QEMU_X86_64 (optional).
set -u
. "$(dirname "$0")/e2e-common.sh"

case "$RUN" in
    */qemu-aarch64-static) ;;
    *) echo "SKIP: not an arm64 ferry under qemu-aarch64-static"; exit 77 ;;
esac
GUESTMEM_TEST=${GUESTMEM_TEST:-tests/linux-user/test-guestmem}
cat > "$TMP/hello.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    char *p = malloc(1 << 20);                  /* an mmap'd chunk */
    snprintf(p, 1 << 20, "hello from C, argc=%d, %s", argc, argv[argc - 1]);
    p = realloc(p, 3 << 20);                     /* mremap */
    printf("%s, %zu\n", p, strlen(p));
    free(p);
    return 3;
}
C
x86=false
SRC=$(dirname "$0")/guest
if [ "$(uname -m)" = x86_64 ]; then
    x86=true
    cc -O1 -static -o "$TMP/hello-static" "$TMP/hello.c" 2>/dev/null || true
    cc -O1 -o "$TMP/hello-dyn" "$TMP/hello.c" 2>/dev/null || true
    for t in thr-basic thr-xmc; do
        cc -O1 -static -pthread -o "$TMP/$t" "$SRC/$t.c" 2>/dev/null || true
    done
fi
printf 'line two\nline one\n' > "$TMP/in.txt"
mkdir "$TMP/dir" && touch "$TMP/dir/a" "$TMP/dir/b c"

for page in 16384 65536; do
    echo "== host pages of $page bytes"
    FERRY_CMD="$RUN -p $page $FERRY"
    for p in hello hello-pie brk ud2 segv smc; do
        check "$p" "$GUEST_DIR/$p"
    done
    check "sysc" "$GUEST_DIR/sysc" "$TMP/in.txt" "$TMP/dir"
    if $x86; then
        [ -x "$TMP/hello-static" ] && check "C static" "$TMP/hello-static" x
        [ -x "$TMP/hello-dyn" ] && check "C dynamic" "$TMP/hello-dyn" y
        [ -x /bin/busybox ] && check "busybox sh" /bin/busybox sh -c 'for i in 1 2 3; do echo $i; done'
        [ -x /bin/busybox ] && check "busybox sha256sum" /bin/busybox sha256sum "$TMP/in.txt"
        check "ls -la" /bin/ls -la "$TMP/dir"
        check "sort" /usr/bin/sort "$TMP/in.txt"
        # thread stacks with 4K guard pages; code written by another thread
        # (its write protection is per host page)
        [ -x "$TMP/thr-basic" ] && check "threads" "$TMP/thr-basic"
        [ -x "$TMP/thr-xmc" ] && check "cross-modifying code" "$TMP/thr-xmc"
    fi
    runs=$((runs + 1))
    if [ -x "$GUESTMEM_TEST" ] && ! $RUN -p $page "$GUESTMEM_TEST" > "$TMP/gm.out" 2>&1; then
        fails=$((fails + 1))
        echo "FAIL: test-guestmem"; tail -5 "$TMP/gm.out"
    else
        echo "ok: test-guestmem"
    fi
done

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
