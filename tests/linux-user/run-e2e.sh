#!/bin/sh
# run-e2e.sh — run x86-64 programs under ferry-x86_64 and compare stdout and
# exit status with a reference run: the program itself on an x86-64 host,
# else qemu-x86_64. The nasm programs are built by make (GUEST_DIR); on an
# glibc programs are in run-e2e-host.sh. Exits 77 (skip) when
# ferry-x86_64 is not built.
#
# Environment: FERRY (the binary), GUEST_DIR, QEMU_X86_64 (optional).
set -u
. "$(dirname "$0")/e2e-common.sh"

for p in hello hello-pie exit42 loop arith brk ud2 segv smc; do
    check "$p" "$GUEST_DIR/$p"
done
check "args" "$GUEST_DIR/args" one "two words" 3
printf 'line one\nline two\n' > "$TMP/in.txt"
mkdir "$TMP/dir" && touch "$TMP/dir/a" "$TMP/dir/b c"
check "sysc" "$GUEST_DIR/sysc" "$TMP/in.txt" "$TMP/dir"
# "#!" scripts, one nested in another, the interpreter with one argument.
printf '#!%s  one arg  \n' "$(cd "$GUEST_DIR" && pwd)/args" > "$TMP/script"
printf '#!%s\n' "$TMP/script" > "$TMP/script2"
chmod +x "$TMP/script" "$TMP/script2"
check "script" "$TMP/script" a b
check "nested script" "$TMP/script2" c
# Statically linked glibc (no ld.so, so no ISA-level check), on x86-64
# build machines with a static libc.
cat > "$TMP/hello.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
int main(int argc, char **argv)
{
    char *p = malloc(100000);
    snprintf(p, 100000, "hello from C, argc=%d, %s", argc, argv[argc - 1]);
    printf("%s, %zu\n", p, strlen(p));
    free(p);
    return 3;
}
C
if [ "$(uname -m)" = x86_64 ] && cc -O1 -static -o "$TMP/hello-static" "$TMP/hello.c" 2>/dev/null; then
    check "C static" "$TMP/hello-static" x
    if cc -O1 -static-pie -o "$TMP/hello-spie" "$TMP/hello.c" 2>/dev/null; then
        check "C static-pie" "$TMP/hello-spie" y z
    fi
fi
# execve re-runs ferry itself: not possible for a cross-built ferry under
# qemu-user without binfmt_misc.
if [ -z "$RUN" ]; then
    check "forkexec" "$GUEST_DIR/forkexec" "$GUEST_DIR/args"
fi

# Errors reported like a shell: not found 127, not executable 126.
$FERRY_CMD "$TMP/does-not-exist" 2>/dev/null; st=$?
runs=$((runs + 1))
if [ $st -ne 127 ]; then echo "FAIL: missing program gave $st, not 127"; fails=$((fails + 1)); fi
$FERRY_CMD "$TMP" 2>/dev/null; st=$?
runs=$((runs + 1))
if [ $st -ne 126 ]; then echo "FAIL: directory gave $st, not 126"; fails=$((fails + 1)); fi
$FERRY_CMD -no-such-option /bin/true 2>/dev/null; st=$?
runs=$((runs + 1))
if [ $st -ne 1 ]; then echo "FAIL: unknown option gave $st, not 1"; fails=$((fails + 1)); fi

# Options and their FERRY_* variables (expected output written here).
expect() {
    name=$1 want=$2 got=$3
    runs=$((runs + 1))
    if [ "$want" != "$got" ]; then
        echo "FAIL: $name: got '$got', want '$want'"; fails=$((fails + 1))
    else
        echo "ok: $name"
    fi
}
expect "-0 -U -E" "$(printf '2\nzero\na\nY=2')" \
    "$(env -i X=1 $FERRY_CMD -0 zero -U X -E Y=2 "$GUEST_DIR/args" a)"
expect "FERRY_ARGV0 FERRY_SET_ENV" "$(printf '1\nzero\nY=2')" \
    "$(env -i FERRY_ARGV0=zero FERRY_SET_ENV=Y=2 FERRY_UNSET_ENV=FERRY_ARGV0,FERRY_SET_ENV,FERRY_UNSET_ENV $FERRY_CMD "$GUEST_DIR/args")"
expect "-strace" "1" \
    "$($FERRY_CMD -strace "$GUEST_DIR/hello" 2>&1 >/dev/null | grep -c '^[0-9]* write(1,0x[0-9a-f]*,13) = 13$')"
expect "FERRY_STRACE" "1" \
    "$(FERRY_STRACE=1 $FERRY_CMD "$GUEST_DIR/hello" 2>&1 >/dev/null | grep -c 'exit_group(0)')"
expect "-version" "ferry-x86_64" "$($FERRY_CMD -version | cut -d' ' -f1)"
expect "-B" "Hello, world" "$($FERRY_CMD -B 0x100000000000 "$GUEST_DIR/hello")"
expect "-one-insn-per-tb" "5000050000" "$($FERRY_CMD -one-insn-per-tb "$GUEST_DIR/loop")"
expect "-stats" "1" \
    "$($FERRY_CMD -stats "$GUEST_DIR/loop" 2>&1 >/dev/null | grep -c '^tbs_translated: [1-9][0-9]*$')"
# One instruction per TB: as many TBs as guest instructions translated.
expect "FERRY_STATS one-insn" "equal" \
    "$(FERRY_STATS=1 $FERRY_CMD -one-insn-per-tb "$GUEST_DIR/loop" 2>&1 >/dev/null |
       awk -F': ' '/^tbs_translated:/ { t = $2 } /^guest_insns_translated:/ { g = $2 }
                   END { print (t > 0 && t == g) ? "equal" : t " vs " g }')"

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
