/*
 * bench/keymap's helper, compiled by that script against build/libferry.a:
 *
 *   keymap_helper pairs N            CSV "id,uuid" for keys 1..N, in a
 *                                    scrambled order, UUIDs from XXH3-128
 *   keymap_helper lookups FILE N     N look-ups of uniformly random keys
 *                                    in 1..2*count (half of them misses),
 *                                    one by one (keymap_find_int) and
 *                                    batched (keymap_find_int_batch);
 *                                    prints look-ups per second of each
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>
#include <xxhash.h>

#include "error.h"
#include "keymap.h"

static double
now(void)
{
	struct timespec clock;

	clock_gettime(CLOCK_MONOTONIC, &clock);
	return (double)clock.tv_sec + (double)clock.tv_nsec / 1e9;
}

/* A UUID (version 4 bits) made from key, the same on every run. */
static void
uuid_of(uint64_t key, unsigned char uuid[16])
{
	XXH128_hash_t hash = XXH3_128bits(&key, sizeof(key));

	memcpy(uuid, &hash.low64, 8);
	memcpy(uuid + 8, &hash.high64, 8);
	uuid[6] = (unsigned char)((uuid[6] & 0x0f) | 0x40);
	uuid[8] = (unsigned char)((uuid[8] & 0x3f) | 0x80);
}

static int
pairs(uint64_t count)
{
	/* Keys in the order i * step mod count (step odd and prime to
	 * count), so the input is not sorted. */
	uint64_t step = 2654435761u % count;
	uint64_t gcd_a, gcd_b, t;

	if (step == 0)
		step = 1;
	for (;;) {
		gcd_a = step;
		gcd_b = count;
		while (gcd_b != 0) {
			t = gcd_a % gcd_b;
			gcd_a = gcd_b;
			gcd_b = t;
		}
		if (gcd_a == 1)
			break;
		step++;
	}
	printf("id,uuid\n");
	for (uint64_t i = 0, key = 0; i < count; i++) {
		unsigned char uuid[16];
		char text[37];

		key = (key + step) % count;
		uuid_of(key + 1, uuid);
		uuid_unparse_lower(uuid, text);
		printf("%" PRIu64 ",%s\n", key + 1, text);
	}
	return ferror(stdout) || fflush(stdout) != 0;
}

static int
lookups(const char *path, uint64_t count)
{
	struct keymap *map = keymap_open(path);
	struct keymap_info info;
	uint64_t *keys, hits = 0, state = 12345;
	double started, seconds;

	keymap_get_info(map, &info);
	keys = ferry_malloc(count * sizeof(*keys));
	for (uint64_t i = 0; i < count; i++) {
		/* xorshift64*: uniform enough for keys, and cheap. */
		state ^= state >> 12;
		state ^= state << 25;
		state ^= state >> 27;
		keys[i] = (state * 2685821657736338717ULL) % (2 * info.count) + 1;
	}
	started = now();
	for (uint64_t i = 0; i < count; i++)
		hits += keymap_find_int(map, (int64_t)keys[i]) != NULL;
	seconds = now() - started;
	printf("one by one: lookups=%" PRIu64 " hits=%" PRIu64 " seconds=%.3f "
	    "per_second=%.0f\n", count, hits, seconds,
	    (double)count / seconds);

	/* The same keys through keymap_find_int_batch, 4096 at a time. */
	hits = 0;
	started = now();
	for (uint64_t i = 0; i < count; i += 4096) {
		const unsigned char *found[4096];
		size_t batch = count - i < 4096 ? (size_t)(count - i) : 4096;

		keymap_find_int_batch(map, (const int64_t *)keys + i, batch,
		    found);
		for (size_t j = 0; j < batch; j++)
			hits += found[j] != NULL;
	}
	seconds = now() - started;
	printf("batched:    lookups=%" PRIu64 " hits=%" PRIu64 " seconds=%.3f "
	    "per_second=%.0f\n", count, hits, seconds,
	    (double)count / seconds);
	free(keys);
	keymap_close(map);
	return 0;
}

int
main(int argc, char **argv)
{
	ferry_init("keymap_helper");
	if (argc == 3 && strcmp(argv[1], "pairs") == 0)
		return pairs(strtoull(argv[2], NULL, 10));
	if (argc == 4 && strcmp(argv[1], "lookups") == 0)
		return lookups(argv[2], strtoull(argv[3], NULL, 10));
	fprintf(stderr, "usage: keymap_helper pairs N | lookups FILE N\n");
	return 2;
}
