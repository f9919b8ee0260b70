#!/bin/sh
# run-elf-fuzz.sh — bad input for ferry-x86_64's loader: a small valid
# x86-64 ELF (guest/exit42) truncated at every header boundary, with
# header fields set to bad values, with random bytes in its headers (fixed
# seed), and wrong-architecture, 32-bit and missing-interpreter programs.
# Each run must end with the program's own status, or with a message on
# stderr and status 1, 126 or 127; a signal is accepted only when it is the
# guest's own fault (reported by ferry, or the same signal natively).
set -u
. "$(dirname "$0")/e2e-common.sh"

BASE=$GUEST_DIR/exit42            # 2 PT_LOADs; e_phoff 0x40, 56-byte entries
NATIVE=0
[ "$(uname -m)" = x86_64 ] && NATIVE=1

# put FILE OFFSET WIDTH HEX: write the little-endian WIDTH-byte value HEX.
put() {
    hex=$(printf "%0$(($3 * 2))s" "$4" | tr ' ' 0)
    esc=""
    j=$(($3 * 2))
    while [ $j -gt 0 ]; do
        esc="$esc\\$(printf '%03o' "0x$(echo "$hex" | cut -c$((j - 1))-$j)")"
        j=$((j - 2))
    done
    printf "$esc" | dd of="$1" bs=1 seek="$2" conv=notrunc 2> /dev/null
}

# fresh NAME: a copy of the base program to mutate; prints its path.
fresh() {
    cp "$BASE" "$TMP/$1" && chmod +x "$TMP/$1"
    echo "$TMP/$1"
}

# judge NAME FILE [ARGS]: run FILE under ferry and check the outcome.
judge() {
    name=$1; shift
    runs=$((runs + 1))
    timeout 60 $FERRY_CMD "$@" > /dev/null 2> "$TMP/err" < /dev/null
    st=$?
    if [ $st = 124 ]; then
        fails=$((fails + 1))
        echo "FAIL: $name: still running after 60 s"
    elif [ $st -gt 128 ]; then
        nst=0
        [ $NATIVE = 1 ] && { "$@" > /dev/null 2>&1 < /dev/null; nst=$?; }
        if grep -q "^ferry: guest SIG" "$TMP/err" || [ $nst = $st ]; then
            return
        fi
        fails=$((fails + 1))
        echo "FAIL: $name: ferry died with signal $((st - 128))"
        head -3 "$TMP/err"
    elif [ $st = 1 ] || [ $st = 126 ] || [ $st = 127 ]; then
        if ! grep -q "^ferry: ." "$TMP/err"; then
            fails=$((fails + 1))
            echo "FAIL: $name: status $st without a message"
        fi
    elif [ $st != 42 ]; then
        nst=42
        [ $NATIVE = 1 ] && { "$@" > /dev/null 2>&1 < /dev/null; nst=$?; }
        if [ $nst != $st ]; then
            fails=$((fails + 1))
            echo "FAIL: $name: status $st (native $nst)"
            head -3 "$TMP/err"
        fi
    fi
}

# expect NAME STATUS FILE: ferry must refuse FILE with STATUS and a message.
expect() {
    runs=$((runs + 1))
    timeout 60 $FERRY_CMD "$3" > /dev/null 2> "$TMP/err" < /dev/null
    st=$?
    if [ $st != "$2" ] || ! grep -q "^ferry: ." "$TMP/err"; then
        fails=$((fails + 1))
        echo "FAIL: $1: status $st, expected $2 with a message"
        head -3 "$TMP/err"
    fi
}

size=$(wc -c < "$BASE")
# Truncations: inside e_ident, at each Ehdr field, inside and at the end of
# each program header, inside the code segment, one byte short.
for n in 0 1 4 5 16 18 20 24 32 40 48 52 54 56 58 60 62 63 64 65 \
         72 100 119 120 121 150 175 176 177 4096 4100 $((size - 1)); do
    head -c $n "$BASE" > "$TMP/t$n"; chmod +x "$TMP/t$n"
    if [ $n -lt 4200 ]; then expect "truncated to $n" 1 "$TMP/t$n"; else judge "trunc $n" "$TMP/t$n"; fi
done

# Bad header fields (offset width value), each refused.
while read -r what off w val; do
    f=$(fresh field); put "$f" "$off" "$w" "$val"
    expect "$what" 1 "$f"
done <<'EOF'
ELFCLASS32 4 1 1
big-endian 5 1 2
EI_VERSION-0 6 1 0
ET_REL 16 2 1
ET_CORE 16 2 4
EM_ARM 18 2 28
EM_AARCH64 18 2 b7
EM_386 18 2 3
e_version-0 20 4 0
e_phoff-huge 32 8 7fffffffffffffff
e_phoff-at-end 32 8 1240
e_phoff-all-ones 32 8 ffffffffffffffff
e_ehsize-0 52 2 0
e_phentsize-0 54 2 0
e_phentsize-32 54 2 20
e_phentsize-57 54 2 39
e_phentsize-ffff 54 2 ffff
e_phnum-0 56 2 0
e_phnum-ffff 56 2 ffff
e_phnum-past-end 56 2 100
entry-outside 24 8 500000
p_filesz-huge 152 8 7fffffffffffffff
p_filesz-ones 152 8 ffffffffffffffff
p_offset-huge 128 8 7ffffffffffff000
p_offset-at-end 128 8 2000
p_memsz-small 160 8 1
p_vaddr-kernel 136 8 ffff800000401000
p_vaddr-2^47 136 8 7ffffffff000
p_memsz-huge 160 8 7fff00000000
p_vaddr-overlap 136 8 400000
p_vaddr-below 136 8 3ff000
p_align-3 168 8 3
p_vaddr-offset-skew 136 8 401800
EOF

# Fields that are legal but unusual: the program still runs.
while read -r what off w val; do
    f=$(fresh field); put "$f" "$off" "$w" "$val"
    judge "$what" "$f"
done <<'EOF'
p_align-0 168 8 0
p_align-1 168 8 1
p_align-1G 168 8 40000000
p_align-2^40 168 8 10000000000
e_shoff-junk 40 8 123456789
e_shnum-junk 60 2 ffff
e_flags-junk 48 4 ffffffff
p_type-unknown 64 4 6fffffff
EOF

# PT_INTERP: the first PT_LOAD becomes one, its string at 0x200, its
# p_filesz the string's length + 1 (the NUL) unless given. A missing or
# inaccessible interpreter gives bash's statuses for the kernel's errors.
interp() {
    f=$(fresh interp)
    printf '%s' "$3" | dd of="$f" bs=1 seek=512 conv=notrunc 2> /dev/null
    len=$(printf '%x' $(($(printf '%s' "$3" | wc -c) + 1)))
    put "$f" 64 4 3; put "$f" 72 8 200; put "$f" 96 8 "${4:-$len}"
    expect "PT_INTERP $1" "$2" "$f"
}
interp "missing" 127 "/nonexistent/ld.so"
interp "without NUL" 1 "/nonexistent/ld.soXXXX" 12
interp "size 1" 1 "" 1
interp "huge" 1 "/x" 7fffffff
interp "a directory" 126 "/"
interp "not an ELF" 1 "$(cd "$(dirname "$0")" && pwd)/e2e-common.sh"
interp "over the program" 1 "$(cd "$(dirname "$BASE")" && pwd)/exit42"

# A script whose interpreter does not exist: 127, as a shell.
printf '#!/nonexistent/interp\n' > "$TMP/script"; chmod +x "$TMP/script"
expect "script without interpreter" 127 "$TMP/script"
printf '#!\n' > "$TMP/script"
expect "script with an empty #! line" 1 "$TMP/script"
# Real foreign programs, when the tools to make them are here.
printf 'global _start\n_start: mov eax, 1\nint 0x80\n' > "$TMP/p32.asm"
if command -v nasm > /dev/null && nasm -f elf32 -o "$TMP/p32.o" "$TMP/p32.asm" 2> /dev/null &&
   ld -m elf_i386 -o "$TMP/p32" "$TMP/p32.o" 2> /dev/null; then
    expect "i386 program" 1 "$TMP/p32"
fi
if command -v aarch64-linux-gnu-gcc > /dev/null &&
   echo 'int main(void){return 0;}' | aarch64-linux-gnu-gcc -x c -o "$TMP/a64" - 2> /dev/null; then
    expect "aarch64 program" 1 "$TMP/a64"
fi

# Random bytes in the ELF and program headers (deterministic LCG).
seed=12345
rnd() { seed=$(((seed * 1103515245 + 12345) % 2147483648)); r=$((seed / 65536)); }
# Fewer under qemu-user (the cross build), where each run costs ~0.2 s and
# a huge fixed-address reservation several seconds.
nrand=120
[ -n "$RUN" ] && nrand=30
for i in $(seq 1 $nrand); do
    f=$(fresh rand)
    rnd; k=$((r % 4 + 1))
    while [ $k -gt 0 ]; do
        rnd; off=$((r % 176)); rnd; put "$f" $off 1 "$(printf '%02x' $((r % 256)))"
        k=$((k - 1))
    done
    judge "random $i" "$f"
done

echo "$runs runs, $fails failed"
[ $fails -eq 0 ]
