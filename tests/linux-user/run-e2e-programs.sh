#!/bin/sh
# run-e2e-programs.sh — real programs from the Debian system under
# ferry-x86_64, stdout and exit status compared with their native runs:
# busybox applets, coreutils, bash running a script, python3, perl,
# sqlite3, make, gcc compiling and linking a C program that then runs under
# ferry too, and a Java program (JIT, threads, NullPointerException through
# SIGSEGV). Each program is skipped when it is not installed; the commands
# run through /usr/bin/env with a PATH, so execve under ferry is exercised
# (env, sh and gcc's cc1/as/ld all run translated).
#
# Environment: FERRY (the binary), QEMU_X86_64 (optional), srcdir.
set -u
. "$(dirname "$0")/e2e-common.sh"

if [ "$(uname -m)" != x86_64 ] || [ -n "$RUN" ]; then
    # A cross-built ferry runs under qemu-user here, which cannot execve
    # ferry again (no binfmt_misc); run-e2e-pages.sh runs busybox and
    # coreutils there, and the compilers and JVM under two layers of
    # emulation would take minutes.
    echo "SKIP: real programs run with the native ferry on the x86-64 build machine"
    exit 77
fi
P="/usr/bin/env PATH=/usr/bin:/bin HOME=$TMP LC_ALL=C"
have() { command -v "$1" > /dev/null 2>&1; }

# Inputs: deterministic text and binary data.
awk 'BEGIN { for (i = 0; i < 20000; i++) printf "line %d %s %d\n", i, (i * 7919) % 1000, i % 13 }' \
    > "$TMP/text"
head -c 300000 "$TMP/text" | od -An -tx1 > "$TMP/bin.txt"
mkdir -p "$TMP/tree/a/b"
for i in 1 2 3 4 5; do printf 'file %d\n' $i > "$TMP/tree/a/f$i"; done
cp "$TMP/text" "$TMP/tree/a/b/text"

if [ -x /bin/busybox ]; then
    B=/bin/busybox
    check "busybox sh loop" $B sh -c 'i=0; s=0; while [ $i -lt 3000 ]; do s=$((s + i * i % 7)); i=$((i + 1)); done; echo $s'
    check "busybox awk" $B awk '{ s[$4] += $3 } END { for (k in s) n++; print n, s[0], s[12] }' "$TMP/text"
    check "busybox sed" $B sed -n 's/^line \([0-9]*5\) .*/\1/p' "$TMP/text"
    check "busybox sort" $B sort -k3,3n -k2,2n "$TMP/text"
    check "busybox tar" $B sh -c "cd $TMP/tree && $B tar cf - a | $B tar tvf - | $B awk '{print \$3, \$6}'"
    check "busybox gzip" $B sh -c "$B gzip -9 -c $TMP/text | $B gzip -dc | $B md5sum"
    check "busybox md5sum" $B md5sum "$TMP/text" "$TMP/bin.txt"
fi

check "coreutils sort" $P sort -t' ' -k3,3nr -k2,2 "$TMP/text"
check "coreutils sha256sum" $P sha256sum "$TMP/text" "$TMP/bin.txt"
check "coreutils dd" $P sh -c "dd if=$TMP/text bs=4096 skip=3 count=20 2>/dev/null | sha256sum"
check "coreutils ls" $P ls -lR --time-style=+ "$TMP/tree"

if have bash; then
    cat > "$TMP/script.bash" <<'EOF'
declare -A count
fib() { local n=$1; if (( n < 2 )); then echo $n; else echo $(( $(fib $((n-1))) + $(fib $((n-2))) )); fi; }
while read -r _ n m r; do count[$r]=$(( ${count[$r]:-0} + m )); done < "$1"
for k in $(printf '%s\n' "${!count[@]}" | sort -n); do printf '%s=%s ' "$k" "${count[$k]}"; done; echo
echo "fib $(fib 12)"; arr=(x y z); echo "${#arr[@]} ${arr[*]^^}"
( exit 3 ); echo "subshell $?"; echo "$(echo nested | tr a-z A-Z)"
EOF
    head -2000 "$TMP/text" > "$TMP/text2000"
    check "bash script" $P bash "$TMP/script.bash" "$TMP/text2000"
fi

if have python3; then
    check "python3 json zlib hashlib re" $P python3 -c '
import json, zlib, hashlib, re, collections
d = {"k%d" % i: [i, i * i, str(i)] for i in range(2000)}
s = json.dumps(d, sort_keys=True)
z = zlib.compress(s.encode(), 9)
assert zlib.decompress(z).decode() == s
c = collections.Counter(re.findall(r"\d\d", s))
print(len(s), len(z), hashlib.sha256(z).hexdigest(), c.most_common(3))
print(sum(x * x for x in range(200000)), 2 ** 200 % 1000007, 1.0 / 3)'
fi

if have perl; then
    check "perl regex and sort" $P perl -ne '
$h{$3} += $2 if /^line (\d+) (\d+) (\d+)$/;
END { printf "%s:%d\n", $_, $h{$_} for sort { $a <=> $b } keys %h; printf "%.6f\n", atan2(1, 1) * 4 }' \
        "$TMP/text"
fi

if have sqlite3; then
    check "sqlite3" $P sqlite3 :memory: '
create table t(a integer, b text);
with recursive c(x) as (select 1 union all select x + 1 from c where x < 20000)
insert into t select x, printf("v%05d", x * 7 % 1000) from c;
create index ib on t(b);
select count(*), sum(a), min(b), max(b) from t;
select b, count(*) from t group by b order by count(*) desc, b limit 3;'
fi

if have make; then
    mkdir -p "$TMP/mk"
    printf 'all: out.txt\n\t@cat out.txt\nout.txt: in.txt\n\t@sort -r in.txt > out.txt\nin.txt:\n\t@printf "b\\na\\nc\\n" > in.txt\n' \
        > "$TMP/mk/Makefile"
    check "make" $P sh -c "cd $TMP/mk && rm -f in.txt out.txt && make -s && make -s -q; echo q=\$?"
fi

if have gcc; then
    cat > "$TMP/prog.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int main(void)
{
    int v[1000]; double s = 0;
    for (int i = 0; i < 1000; i++) v[i] = (i * 7919) % 1009;
    qsort(v, 1000, sizeof(int), cmp);
    for (int i = 0; i < 1000; i++) s += v[i] / 3.0;
    char buf[64]; snprintf(buf, sizeof(buf), "%d %d %.3f", v[0], v[999], s);
    puts(buf); return (int)strlen(buf) % 7;
}
EOF
    # The compiler (cc1, as, ld) runs under ferry; so does its output.
    check "gcc -O2 compile, link and run" $P sh -c \
        "gcc -O2 -o $TMP/prog.out $TMP/prog.c && $TMP/prog.out; echo status=\$?"
fi

if have javac && have java; then
    cat > "$TMP/Jv.java" <<'EOF'
import java.util.*;
import java.util.concurrent.*;
public class Jv {
    public static void main(String[] a) throws Exception {
        long s = 0;
        for (int i = 0; i < 3000000; i++) s += i % 7;
        Map<String, Integer> m = new TreeMap<>();
        for (int i = 0; i < 20000; i++) m.merge("k" + (i % 100), 1, Integer::sum);
        ExecutorService ex = Executors.newFixedThreadPool(3);
        List<Future<Long>> fs = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            final int tt = t;
            fs.add(ex.submit(() -> { long x = 0; for (int i = 0; i < 500000; i++) x += (i ^ tt) % 3; return x; }));
        }
        long tot = 0;
        for (Future<Long> f : fs) tot += f.get();
        ex.shutdown();
        try { Object o = null; o.hashCode(); } catch (NullPointerException e) { System.out.println("npe caught"); }
        try { int[] arr = new int[3]; arr[a.length + 5] = 1; } catch (ArrayIndexOutOfBoundsException e) { System.out.println("bounds caught"); }
        System.out.println(s + " " + m.size() + " " + m.get("k7") + " " + tot);
    }
}
EOF
    if (cd "$TMP" && javac Jv.java) > /dev/null 2>&1; then
        check "java (JIT, threads, NPE by SIGSEGV)" $P java -Xshare:off -cp "$TMP" Jv
    fi
fi

echo "$runs runs, $fails failures"
[ $fails -eq 0 ]
