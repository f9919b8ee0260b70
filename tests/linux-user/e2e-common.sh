# e2e-common.sh — sourced by run-e2e.sh and run-e2e-host.sh: finds ferry
# (under qemu-user for a cross build) and the x86-64 reference runner, and
# defines check NAME CMD..., which runs CMD both ways and compares stdout
# and exit status, counting runs and fails.
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
