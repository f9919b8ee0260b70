#!/bin/sh
# run-binfmt.sh — scripts/ferry-binfmt with the real kernel: registers a
# rule whose magic is an x86-64 ELF header with a marker of this run in the
# e_ident padding (so no other program on the machine is affected), runs a
# marked copy of guest/args directly as ./prog with each of the P, O, C and
# F flags, and unregisters (also on failure: trap). Also: the refusal on an
# x86-64 host, and the systemd-binfmt and update-binfmts files.
# Skipped (77) unless root with binfmt_misc mountable and ferry-x86_64
# running natively (not the cross build's).
set -u
FERRY=${FERRY:-./ferry-x86_64}
GUEST_DIR=${GUEST_DIR:-tests/linux-user/guest}
SCRIPT=$(cd "$(dirname "$0")/../.." && pwd)/scripts/ferry-binfmt
BM=/proc/sys/fs/binfmt_misc
skip() { echo "SKIP: $*"; exit 77; }
[ -x "$FERRY" ] && "$FERRY" -version > /dev/null 2>&1 || skip "no native ferry-x86_64"
[ "$(id -u)" = 0 ] || skip "not root"
command -v bash > /dev/null || skip "no bash (for exec -a)"
FERRY=$(cd "$(dirname "$FERRY")" && pwd)/$(basename "$FERRY")
mounted=0
if [ ! -e $BM/register ]; then
    mount -t binfmt_misc binfmt_misc $BM 2> /dev/null || skip "cannot mount binfmt_misc"
    mounted=1
fi
[ -w $BM/register ] || skip "binfmt_misc is not writable"

TMP=$(mktemp -d)
chmod 755 "$TMP"
mark=$(printf '%06x' $(( ($$ * 7919 + $(date +%s)) % 16777216 )))
name=ferry-test-$$-$mark
cleanup() {
    [ -e $BM/$name ] && echo -1 > $BM/$name
    # Unmount only when no one else's rule appeared meanwhile.
    [ $mounted = 1 ] && [ "$(ls $BM | wc -l)" -le 2 ] && umount $BM
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# e_ident: ELF64, LSB, version 1, SysV ABI 0, then 'F' and the 6 marker
# characters in the padding bytes 9..15.
cp "$GUEST_DIR/args" "$TMP/prog"
printf 'F%s' "$mark" | dd of="$TMP/prog" bs=1 seek=9 conv=notrunc 2> /dev/null
magic='\x7fELF\x02\x01\x01\x00\x00'$(printf 'F%s' "$mark" | od -An -v -tx1 | sed 's/ /\\x/g' | tr -d '\n')
mask=$(printf '%.0s\\xff' $(seq 16))
fails=0 runs=0
fail() { fails=$((fails + 1)); echo "FAIL: $*"; }

reg() { sh "$SCRIPT" --force --ferry "$FERRY" --name "$name" --magic "$magic" --mask "$mask" \
        --flags "$1" register; }
unreg() { sh "$SCRIPT" --name "$name" unregister; [ ! -e $BM/$name ] || fail "$name still registered"; }

# run FLAGS WANT-ARGV0 [USER]: ./prog x y started as argv0 "zero", through
# ferry (FERRY_STRACE shows it) with argv[0] WANT-ARGV0.
run() {
    runs=$((runs + 1))
    as=""
    [ -n "${3:-}" ] && as="setpriv --reuid=$3 --regid=$3 --clear-groups"
    (cd "$TMP" && env -i FERRY_STRACE=1 $as bash -c 'exec -a zero ./prog x y') \
        > "$TMP/out" 2> "$TMP/err"
    st=$?
    want=$(printf '3\n%s\nx\ny\nFERRY_STRACE=1' "$2")
    if [ $st != 0 ] || [ "$(cat "$TMP/out")" != "$want" ] || ! grep -q 'write(1' "$TMP/err"; then
        fail "flags '$1'${3:+ as uid $3}: status $st"
        head -5 "$TMP/out" "$TMP/err"
    else
        echo "ok: flags '$1'${3:+ as uid $3}: argv[0] $2, ran under ferry"
    fi
}

for flags in "" P F PF C; do
    reg "$flags" || { fail "register '$flags'"; continue; }
    grep -q "^interpreter $FERRY" $BM/$name || fail "status does not name ferry"
    # Without P the kernel gives the path it executed (absolute here).
    case $flags in *P*) want=zero ;; *) want=$TMP/prog ;; esac
    run "$flags" $want
    unreg
done

# O: a program that only root could read runs for another user, because
# the kernel opens it (AT_EXECFD); without O ferry cannot read it.
nobody=65534
if command -v setpriv > /dev/null &&
   setpriv --reuid=$nobody --regid=$nobody --clear-groups test -x "$FERRY"; then
    chmod 711 "$TMP/prog"
    if reg PO; then
        run PO zero $nobody
        unreg
    fi
    if reg P; then
        runs=$((runs + 1))
        (cd "$TMP" && setpriv --reuid=$nobody --regid=$nobody --clear-groups ./prog) \
            > /dev/null 2> "$TMP/err"
        st=$?
        if [ $st != 126 ] || ! grep -q "Permission denied" "$TMP/err"; then
            fail "unreadable program without O: status $st"; cat "$TMP/err"
        else
            echo "ok: without O an unreadable program is refused (126)"
        fi
        unreg
    fi
fi

# Refusal on an x86-64 host; the files for systemd-binfmt and update-binfmts.
runs=$((runs + 3))
if [ "$(uname -m)" = x86_64 ]; then
    if sh "$SCRIPT" --ferry "$FERRY" --name "$name" register 2> "$TMP/err" ||
       [ -e $BM/$name ] || ! grep -q "use --force" "$TMP/err"; then
        fail "registered on an x86-64 host without --force"
    fi
fi
sh "$SCRIPT" --force --ferry "$FERRY" --name "$name" --flags PF --systemd "$TMP" register > /dev/null
# qemu-binfmt-conf.sh's x86_64 magic and mask.
want=':NAME:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00:\xff\xff\xff\xff\xff\xfe\xfe\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:FERRY:PF'
[ "$(cat "$TMP/$name.conf")" = "$(printf '%s\n' "$want" | sed "s|NAME|$name|; s|FERRY|$FERRY|")" ] ||
    fail "systemd file: $(cat "$TMP/$name.conf")"
sh "$SCRIPT" --force --ferry "$FERRY" --name "$name" --flags PC --debian "$TMP" register > /dev/null
grep -qx "interpreter $FERRY" "$TMP/$name" && grep -qx "preserve yes" "$TMP/$name" &&
    grep -qx "credentials yes" "$TMP/$name" && ! grep -q fix_binary "$TMP/$name" ||
    fail "update-binfmts file: $(cat "$TMP/$name")"
[ -e $BM/$name ] && fail "writing files registered a rule"

echo "$runs runs, $fails failed"
[ $fails -eq 0 ]
