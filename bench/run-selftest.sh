#!/bin/sh
# bench/run-selftest.sh — make check's quick test of bench/run: one tiny md5sum run
# must be timed and written out (markdown, CSV, PNG), and a "ferry" that fails
# (/bin/false) must be reported as FAIL with a non-zero exit. Skipped (77) without
# python3, busybox, an x86-64 host or a built ferry-x86_64.
set -u
command -v python3 >/dev/null 2>&1 || exit 77
[ -x /bin/busybox ] && [ -x ./ferry-x86_64 ] || exit 77
[ "$(uname -m)" = x86_64 ] || exit 77
# A cross-built ferry (the arm64 build) cannot run directly here.
./ferry-x86_64 -version >/dev/null 2>&1 || exit 77
srcdir=${srcdir:-.}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
run="python3 $srcdir/bench/run --quick --only md5sum --reps 1 --scale 0.125"

$run --ferry ./ferry-x86_64 --out "$out/ok" >"$out/ok.txt" 2>&1 || { cat "$out/ok.txt"; exit 1; }
grep -q '^md5sum,1048576,ok,ferry,' "$out/ok/results.csv" || { cat "$out/ok/results.csv"; exit 1; }
grep -q '^| md5sum | 1048576 | .* | ok |$' "$out/ok/results.md" || exit 1
[ "$(head -c 8 "$out/ok/ratios.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || exit 1

if $run --ferry /bin/false --out "$out/bad" >"$out/bad.txt" 2>&1; then
    echo "a failing ferry was not reported"; exit 1
fi
grep -q '| FAIL: exit 1 vs 0 |$' "$out/bad/results.md" || { cat "$out/bad.txt"; exit 1; }
echo "bench/run self-test passed"
