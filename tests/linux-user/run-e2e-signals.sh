#!/bin/sh
# run-e2e-signals.sh — guest signal delivery under ferry-x86_64 compared
# with native runs: the cases of guest/sigtest.c (handlers, siginfo,
# ucontext, faults, timers, restart, masks, altstack, FP state and its
# XSAVE layout, waiting; -cpu v1's legacy FP frame against its spec),
# deaths by signal (the parent's status), and real programs (bash traps,
# python3's signal module, a shell spinning until timeout kills it).
# x86-64 build machines only (sigtest is built with the host's gcc).
#
# Environment: FERRY (the binary), GUEST_DIR, srcdir.
set -u
. "$(dirname "$0")/e2e-common.sh"

if [ "$(uname -m)" != x86_64 ]; then
    echo "SKIP: the guest programs are x86-64 binaries built here"
    exit 77
fi
SRC=${srcdir:-$(dirname "$0")/../..}/tests/linux-user/guest/sigtest.c
if ! cc -O1 -o "$TMP/sigtest" "$SRC"; then
    echo "FAIL: cannot build $SRC"
    exit 1
fi
# ferry knows whether a fault was a write from an x86-64 host's error code
# or an arm64 kernel's ESR record, which qemu-user does not provide.
# On arm64 the top byte of an address is ignored (TBI), so ferry's
# generated code does not fault on a non-canonical x86 address there.
if [ -n "$RUN" ]; then
    check "sigtest segv" "$TMP/sigtest" segv nowbit
else
    check "sigtest segv" "$TMP/sigtest" segv
    check "sigtest noncanonical" "$TMP/sigtest" noncanonical
fi
for c in raise ucontext segv-addr fpe ill trap alarm restart mask nested altstack \
         fpu xstate wait segv-flags restart-stress bus chld fetch pwait threads term abort null ud2-blocked; do
    check "sigtest $c" "$TMP/sigtest" "$c"
done

# The IR interpreter restores state for faults through its helpers' return
# addresses, not host pcs in generated code.
FERRY_NATIVE_CMD=$FERRY_CMD
FERRY_CMD="$FERRY_NATIVE_CMD -jit interp"
for c in ucontext segv-addr segv-flags fpe alarm fpu xstate fetch; do
    check "sigtest $c (interp)" "$TMP/sigtest" "$c"
done
FERRY_CMD=$FERRY_NATIVE_CMD

# -cpu v1 has no XSAVE, and a kernel on such a CPU writes the legacy frame
# (arch/x86/kernel/fpu/signal.c without use_xsave()): no UC_FP_XSTATE,
# sw bytes magic1, extended_size 516, xstate_size 512, no MAGIC2; and
# sigreturn is FXRSTOR, so the edited legacy region comes back each time.
runs=$((runs + 1))
xs_legacy() {
    for m in 0 1 2; do
        echo "mode $m: fp_xstate 0 aligned 1 magic1 0x46505853 xfeatures_fpsse 1 ext 516 size 512"
        echo "  frame xmm0 1.5 2.5 xmm7 3.5 4.5 xmm15 5.5 6.5 mxcsr 0x3f80"
        echo "  after: xmm0 7.25 8.25 xmm7 3.5 4.5 xmm15 5.5 6.5 mxcsr 0x5f80"
    done
}
xs_legacy > "$TMP/xs.expected"
if env -i X=1 $FERRY_CMD -cpu v1 "$TMP/sigtest" xstate > "$TMP/xs.out" 2>&1 &&
   cmp -s "$TMP/xs.expected" "$TMP/xs.out"; then
    echo "ok: sigtest xstate (-cpu v1, legacy frame)"
else
    fails=$((fails + 1))
    echo "FAIL: sigtest xstate (-cpu v1, legacy frame)"
    diff "$TMP/xs.expected" "$TMP/xs.out" | head -20
fi

check "bash trap" /bin/bash --norc -c 'trap "echo got" USR1; kill -USR1 $$; echo after'
check "bash wait interrupted" /bin/bash --norc -c \
    'trap "echo int" INT; (sleep 0.2; kill -INT $$) & wait; echo done'
# Stop and continue (default actions the host kernel takes for ferry).
check "stop and continue" /bin/bash --norc -c '
(kill -STOP $BASHPID; echo resumed) & pid=$!
st=R; while [ "$st" != T ]; do read -r _ _ st _ < /proc/$pid/stat; done
echo stopped; kill -CONT $pid; wait $pid; echo status $?'
check "sh killed by TERM" /bin/sh -c 'kill -TERM $$; echo not reached'
# A guest spinning in a loop still gets its signal (async delivery at
# block boundaries) and dies of it as the native one does.
# (timeout execs the shell: not under qemu-user, see run-e2e.sh.)
if [ -z "$RUN" ]; then
    check "spinning shell killed by timeout" /usr/bin/timeout -s TERM 0.3 /bin/sh -c 'while :; do :; done'
    if [ -x /usr/bin/busybox ]; then
        check "spinning busybox sh killed by timeout" \
            /usr/bin/timeout -s INT 0.3 /usr/bin/busybox sh -c 'while :; do :; done'
    fi
fi
if [ -x /usr/bin/busybox ]; then
    check "busybox sh traps" /usr/bin/busybox sh -c \
        'trap "echo got USR1" USR1; kill -USR1 $$; echo after; trap "echo int; exit 5" INT; kill -INT $$; echo no'
fi
check "spinning shell traps ALRM" /bin/bash --norc -c \
    'trap "echo alarm; exit 3" ALRM; (sleep 0.2; kill -ALRM $$) & while :; do :; done'
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))' 2>/dev/null)
if [ -n "$PY" ]; then
    check "python3 signal" "$PY" -c '
import os, signal, time
signal.signal(signal.SIGUSR1, lambda s, f: print("handler", s))
os.kill(os.getpid(), signal.SIGUSR1)
fired = []
signal.signal(signal.SIGALRM, lambda s, f: fired.append(s))
signal.setitimer(signal.ITIMER_REAL, 0.05)
while not fired:
    pass
print("alarm", fired)
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.2)
print("slept through alarm", len(fired))
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
os.kill(os.getpid(), signal.SIGUSR2)
print("pending", signal.SIGUSR2 in signal.sigpending())
print("waited", signal.sigwait([signal.SIGUSR2]))
'
fi

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
