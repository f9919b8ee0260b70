/*
 * thread-annot.h — the system emulator's name for the clang thread-safety
 * annotation macros. The one copy lives in jit/thread-annot.h so that the
 * JIT core can use them without depending on system/.
 */
#ifndef FERRY_SYSTEM_THREAD_ANNOT_H
#define FERRY_SYSTEM_THREAD_ANNOT_H

#include "jit/thread-annot.h"

#endif
