#!/bin/sh
# run-guests.sh — the front end's guest programs under ferry-x86_64:
# tests/x86/guest/cpu-models under each -cpu model (the guest checks CPUID
# and /proc/cpuinfo against the x86-64-v1/v2 feature lists and ferry's max,
# that glibc works with the code paths it chose, and that instructions the
# model lacks raise #UD), glibc's ld.so verdict on the x86-64-v2 level,
# -cpu help and an unknown model; and int80, whose
# output and exit status must match a native run. Runs from the top of
# the build tree.
. "$(dirname "$0")/../linux-user/e2e-common.sh"
PROG=${CPU_MODELS_PROG:-tests/x86/guest/cpu-models}
# /proc/cpuinfo is checked too once ferry shows the guest's own (its flags
# line then differs from the host's, which has AVX at least on x86 hosts
# that run this; the guest's never does).
CPUINFO=""
if [ "$(env -i $FERRY_CMD /bin/grep -m1 '^flags' /proc/cpuinfo 2> /dev/null)" != \
     "$(grep -m1 '^flags' /proc/cpuinfo)" ]; then
    CPUINFO=cpuinfo
else
    echo "note: ferry shows the host's /proc/cpuinfo: its flags are not checked"
fi

check int80 tests/x86/guest/int80

for model in v1 v2 max; do
    runs=$((runs + 1))
    if env -i $FERRY_CMD -cpu "$model" "$PROG" "$model" $CPUINFO > "$TMP/out" 2> "$TMP/err"; then
        echo "ok: -cpu $model"
    else
        fails=$((fails + 1))
        echo "FAIL: -cpu $model"
        cat "$TMP/out"
    fi
done
# glibc's own verdict on the micro-architecture levels (ld.so --help):
# x86-64-v2 supported under v2 and max (which has no AVX: not v3), not v1.
LDSO=/lib64/ld-linux-x86-64.so.2
if [ -x "$LDSO" ]; then
    for model in v1 v2 max; do
        runs=$((runs + 1))
        levels=$(env -i $FERRY_CMD -cpu "$model" "$LDSO" --help 2>&1 | grep -c 'x86-64-v[0-9] (supported')
        v2=$(env -i $FERRY_CMD -cpu "$model" "$LDSO" --help 2>&1 | grep -c 'x86-64-v2 (supported')
        want=1
        [ "$model" = v1 ] && want=0
        if [ "$levels" = "$want" ] && [ "$v2" = "$want" ]; then
            echo "ok: ld.so levels under -cpu $model"
        else
            fails=$((fails + 1))
            echo "FAIL: ld.so under -cpu $model: $levels levels supported, v2: $v2"
        fi
    done
fi
runs=$((runs + 1))
if $FERRY_CMD -cpu help | grep -q '^  v1 ' && ! $FERRY_CMD -cpu v9 "$PROG" v1 2> /dev/null; then
    echo "ok: -cpu help, unknown model"
else
    fails=$((fails + 1))
    echo "FAIL: -cpu help / unknown model"
fi
# The default model is max.
runs=$((runs + 1))
if env -i $FERRY_CMD "$PROG" max > /dev/null 2>&1; then
    echo "ok: default model"
else
    fails=$((fails + 1))
    echo "FAIL: default model is not max"
fi
echo "$runs runs, $fails failed"
[ "$fails" = 0 ]
