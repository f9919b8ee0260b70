#!/bin/sh
# check-vdso-image.sh — linux-user/vdso-image.c (checked in) must be what
# scripts/gen-vdso-image makes from linux-user/vdso-x86_64.asm today.
# Skipped (77) without nasm.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v nasm > /dev/null || { echo "SKIP: no nasm"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
sh "$top/scripts/gen-vdso-image" "$top/linux-user/vdso-x86_64.asm" "$tmp" || exit 1
if ! cmp -s "$tmp" "$top/linux-user/vdso-image.c"; then
    echo "FAIL: linux-user/vdso-image.c is stale: run scripts/gen-vdso-image"
    diff "$top/linux-user/vdso-image.c" "$tmp" | head
    exit 1
fi
echo "ok: vdso-image.c matches vdso-x86_64.asm"
