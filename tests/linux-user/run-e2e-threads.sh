#!/bin/sh
# run-e2e-threads.sh — multi-threaded x86-64 programs under ferry-x86_64,
# compared with native runs (stdout and exit status): the thr-*.c programs
# in tests/linux-user/guest (pthreads, LOCK atomics, split atomics, futex
# storms, exit/exit_group, fork, cross-modifying code), built here with
# the build machine's gcc as static binaries; then xz -T2 and python3
# threading when present. The split atomics also run under -jit interp,
# whose fallback runs in an exclusive section on every host.
#
# Environment: FERRY (the binary), QEMU_X86_64 (optional), srcdir.
set -u
. "$(dirname "$0")/e2e-common.sh"

if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the test programs are built with the build machine's x86-64 gcc"
    exit 77
fi
SRC=${srcdir:-.}/tests/linux-user/guest
for t in thr-basic thr-sync thr-exit thr-fork thr-xmc; do
    if ! cc -O1 -static -pthread -o "$TMP/$t" "$SRC/$t.c" 2>"$TMP/cc.err"; then
        echo "SKIP: cannot build static pthread programs"; cat "$TMP/cc.err"; exit 77
    fi
done
check "create/join, TLS, churn, raw clone" "$TMP/thr-basic"
check "lock add, cmpxchg, split lock, storms, ring" "$TMP/thr-sync"
check "exit_group from a thread" "$TMP/thr-exit" group
check "main thread exits first" "$TMP/thr-exit" leader
check "last thread's exit status" "$TMP/thr-exit" leader-raw
check "fork from threads" "$TMP/thr-fork"
check "cross-modifying code" "$TMP/thr-xmc"
FERRY_CMD="$FERRY_CMD -jit interp"
check "interp: lock add, cmpxchg, split lock, storms, ring" "$TMP/thr-sync"
FERRY_CMD="$RUN $FERRY"

# Real programs, on native hosts only (under qemu-user they take too long).
if [ -z "$RUN" ] && command -v xz > /dev/null; then
    XZ=$(command -v xz)
    i=0
    while [ $i -lt 40000 ]; do echo "line $i of some text $((i * 7919 % 1000))"; i=$((i + 1)); done > "$TMP/in.txt"
    runs=$((runs + 1))
    "$XZ" -T2 --block-size=64KiB -3 -c "$TMP/in.txt" > "$TMP/ref.xz"
    $FERRY_CMD "$XZ" -T2 --block-size=64KiB -3 -c "$TMP/in.txt" > "$TMP/ferry.xz"
    $FERRY_CMD "$XZ" -T2 -dc "$TMP/ferry.xz" > "$TMP/back.txt"
    if cmp -s "$TMP/ref.xz" "$TMP/ferry.xz" && cmp -s "$TMP/in.txt" "$TMP/back.txt"; then
        echo "ok: xz -T2 round trip"
    else
        echo "FAIL: xz -T2 round trip"; fails=$((fails + 1))
    fi
fi
PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || true)
if [ -z "$RUN" ] && [ -n "$PY" ] && [ -x "$PY" ]; then
    cat > "$TMP/thr.py" <<'PY'
import threading
total = 0
lock = threading.Lock()
def work(n):
    global total
    s = sum(range(n))
    with lock:
        total += s
ts = [threading.Thread(target=work, args=(10000 * (i + 1),)) for i in range(4)]
for t in ts: t.start()
for t in ts: t.join()
print("python threads total", total)
PY
    check "python3 threading" "$PY" "$TMP/thr.py"
fi

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
