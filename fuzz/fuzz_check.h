/* fuzz_check.h — the fuzz targets' invariant check: a violated one traps, so libFuzzer keeps the input as a crash. */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#define CHECK(cond)                                                                                         \
    do {                                                                                                    \
        if (!(cond))                                                                                        \
            __builtin_trap();                                                                               \
    } while (0)

#endif
