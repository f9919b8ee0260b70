/*
 * elf-text.h — find the .text section of an ELF file on disk, for the
 * benchmarks that run over real code (decoder, translator).
 */
#ifndef FERRY_BENCH_ELF_TEXT_H
#define FERRY_BENCH_ELF_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BENCH_DEFAULT_ELF "/usr/lib/x86_64-linux-gnu/libc.so.6"

/* Map path read-only and find its .text; false if it has none. */
bool bench_find_text(const char *path, const uint8_t **text, size_t *size);

/* Process CPU time in seconds (stable on a shared, busy machine). */
double bench_cpu_seconds(void);

#endif
