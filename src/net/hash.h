/* hash.h — splitmix64's finaliser, the one 64-bit mixer behind the tree's hash tables, seeded picks and generators. */
#ifndef NET_HASH_H
#define NET_HASH_H

#include <stdint.h>

/* Every input bit reaches every output bit (Stafford's variant 13, as in
 * splitmix64), so the low bits can index a power-of-two table. */
static inline uint64_t hash_mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

#endif
