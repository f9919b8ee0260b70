#!/bin/sh
# check-tso-ir.sh — the front end marks guest accesses tso exactly in
# parallel mode (-d op): never with -tso off (which still switches to
# parallel mode, for atomics, and retranslates), always with -tso on, and
# with -tso auto only after shared-map's MAP_SHARED writable mmap, when the
# function translated before is translated again, ordered this time.
. "${srcdir:-.}/tests/litmus/common.sh"
prog=$LITMUS_DIR/shared-map
touch_pc=$(nm "$prog" | awk '$3 == "touch" { sub(/^0+/, "", $1); print "0x" $1 }')
[ -n "$touch_pc" ] || { echo "no symbol touch in $prog"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
# translations PC LOG: one line per translation of the block at PC, "tso"
# if all its guest accesses are ordered, "plain" if none, "mixed" else.
translations() {
    awk -v pc="IR $1:" '
        /^IR / { if (on) print state(); on = ($0 == pc); t = p = 0; next }
        on && /guest_(ld|st)/ { if (/tso\]/) t++; else p++ }
        END { if (on) print state() }
        function state() { return t && p ? "mixed" : t ? "tso" : "plain" }' "$2" | tr '\n' ' '
}
for mode in off on auto; do
    if ! $FERRY_CMD -tso $mode -d op -D "$tmp/$mode.log" "$prog"; then
        echo "FAIL: -tso $mode: shared-map did not exit 0"; fails=$((fails + 1)); continue
    fi
    got=$(translations "$touch_pc" "$tmp/$mode.log")
    case $mode in
        off) want="plain plain " ;;    # retranslated (atomics), never ordered
        on) want="tso " ;;
        auto) want="plain tso " ;;
    esac
    any_tso=$(grep -c 'tso\]' "$tmp/$mode.log")
    echo "-tso $mode: translations of touch ($touch_pc): $got; tso accesses in the log: $any_tso"
    if [ "$got" != "$want" ] || { [ $mode = off ] && [ "$any_tso" != 0 ]; }; then
        echo "FAIL: -tso $mode: wanted '$want'"; fails=$((fails + 1))
    fi
done
[ $fails -eq 0 ]
