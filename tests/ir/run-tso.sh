#!/bin/sh
# run-tso.sh — the IR conformance suite with every guest load and store
# marked tso (parallel mode, docs/memory-model.md) on every backend of the
# build and on loongarch64 (run-la64: standalone programs under
# qemu-loongarch64, and the x86 snippets of x86-la64 translated in parallel
# mode); in an arm64 cross build under qemu-aarch64 both with
# LRCPC and LSE (QEMU_CPU=max) and without (cortex-a53: the DMB fallback).
fails=0
# Only the cases with guest loads and stores: tso changes nothing else.
files=$(grep -l 'guest_' "${srcdir:-.}"/tests/ir/*.ir)
run() {
    echo "== $*"
    "$@" || fails=$((fails + 1))
}
if ./tests/ir/run-conformance -b interp -c mov_ > /dev/null 2>&1; then
    run ./tests/ir/run-conformance --tso $files
    run ./tests/ir/run-la64 --tso $files
    if [ -x ./tests/ir/x86-la64 ]; then
        run ./tests/ir/x86-la64 --tso
    fi
elif command -v qemu-aarch64-static > /dev/null; then
    for cpu in max cortex-a53; do
        run env QEMU_CPU=$cpu qemu-aarch64-static ./tests/ir/run-conformance --tso $files
    done
else
    echo "SKIP: cannot run tests/ir/run-conformance here"
    exit 77
fi
[ $fails -eq 0 ]
