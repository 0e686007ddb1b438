/*
 * Fuzz target for the .map reader (lib/keymap.c): no input, however
 * truncated, corrupted or forged, may crash it, read outside it or loop.
 * Each input is opened twice: as it is (nearly always refused by a
 * checksum), then with both checksums made valid, so that the checks
 * behind them (sizes, counts, probe lengths, string offsets) and the
 * look-ups of whatever opens run on hostile contents.
 *
 * `make fuzz` builds it with libFuzzer; linked with replay/replay.c it is
 * a plain program that runs the files named on its command line once
 * (tests/35-fuzz-corpus.t replays the seed corpus that way).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "keymap_open fuzz: %s\n", what);
		abort();
	}
}

/* Opens size bytes at data and, when they are a map, reads all of it. */
static void
exercise(const uint8_t *data, size_t size)
{
	struct keymap_info info;
	struct keymap *map;
	char error[256];
	uint64_t sum = 0;

	error[0] = '\0';
	map = keymap_open_memory(data, size, "fuzz", error, sizeof(error));
	if (map == NULL) {
		check(error[0] != '\0', "refused without a reason");
		return;
	}
	keymap_get_info(map, &info);
	check(info.file_bytes == size, "opened with the wrong size");
	check(info.count < info.slots, "more entries than slots");
	for (uint64_t slot = 0; slot < info.slots; slot++) {
		struct keymap_entry entry;
		const unsigned char *uuid;

		if (!keymap_entry(map, slot, &entry))
			continue;
		sum += entry.uuid[0] + entry.uuid[15];
		if (info.kind == KEYMAP_TEXT) {
			for (size_t i = 0; i < entry.text_length; i++)
				sum += (unsigned char)entry.text_key[i];
			(void)keymap_find_text(map, entry.text_key,
			    entry.text_length);
		} else {
			(void)keymap_find_int(map, entry.int_key);
		}
		(void)keymap_find(map, "42", 2, &uuid);
	}
	/* Look-ups of keys taken from the input itself. */
	for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
		const unsigned char *uuid;
		int64_t key;

		memcpy(&key, data + i, 8);
		(void)keymap_find_int(map, key);
		(void)keymap_find(map, (const char *)data + i, 8, &uuid);
	}
	{
		int64_t keys[5] = { 0, 1, -1, INT64_MAX, INT64_MIN };
		const unsigned char *found[5];

		if (info.kind == KEYMAP_INT64)
			keymap_find_int_batch(map, keys, 5, found);
	}
	keymap_close(map);
	(void)sum;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	exercise(data, size);
	if (size >= KEYMAP_HEADER_SIZE) {
		uint8_t *copy = malloc(size);
		uint64_t hash;

		memcpy(copy, data, size);
		hash = XXH3_64bits(copy + KEYMAP_HEADER_SIZE,
		    size - KEYMAP_HEADER_SIZE);
		memcpy(copy + 48, &hash, 8);	/* little-endian hosts */
		hash = XXH3_64bits(copy, 56);
		memcpy(copy + 56, &hash, 8);
		exercise(copy, size);
		free(copy);
	}
	return 0;
}
