/*
 * locks.c — the JIT core's process-wide locks, defined in one place with
 * nothing else, so that any part of libjit can use them without pulling in
 * the rest of the engine. Their order is written at the top of engine.h.
 */
#include "jit/engine.h"
#include "jit/excl-link.h"
#include "jit/tsan.h"

JitMutex jit_tb_lock = JIT_MUTEX_INITIALIZER;
JitMutex jit_link_lock = JIT_MUTEX_INITIALIZER;
JitMutex jit_cpu_list_lock = JIT_MUTEX_INITIALIZER;
#ifdef FERRY_TSAN
char jit_tsan_rcu_gp;
#endif
