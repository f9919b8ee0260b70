#!/bin/sh
# run-ferry.sh — the litmus tests under ferry-x86_64 (default -tso auto:
# the second thread switches to parallel mode). A forbidden outcome fails.
# Skips while ferry cannot create guest threads (clone ENOSYS).
# LITMUS_FERRY_ITERATIONS=N for a longer run (default 1000).
. "${srcdir:-.}/tests/litmus/common.sh"
out=$(LITMUS_ITERATIONS=${LITMUS_FERRY_ITERATIONS:-1000} $FERRY_CMD "$LITMUS_DIR/litmus" 2>&1)
rc=$?
echo "$out"
if [ $rc -eq 77 ]; then
    echo "SKIP: ferry-x86_64 has no guest threads yet (pthread_create failed)"
fi
exit $rc
