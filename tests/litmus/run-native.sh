#!/bin/sh
# run-native.sh — the litmus tests on the build machine's own x86-64 CPU:
# checks the harness (tests/litmus/litmus.c) against real x86-TSO. A
# forbidden outcome fails. LITMUS_ITERATIONS=N for a longer run.
. "${srcdir:-.}/tests/litmus/common.sh"
exec "$LITMUS_DIR/litmus"
