# common.sh — sourced by the tests/litmus scripts: FERRY_CMD runs
# ferry-x86_64 (under qemu-user for a cross build); skips (77) when there
# is no ferry or the build machine cannot run x86-64 programs natively.
FERRY=${FERRY:-./ferry-x86_64}
LITMUS_DIR=${LITMUS_DIR:-tests/litmus}
if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the litmus programs are x86-64; this machine is $(uname -m)"
    exit 77
fi
if [ ! -x "$FERRY" ]; then
    echo "SKIP: $FERRY not built"
    exit 77
fi
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
