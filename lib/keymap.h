/*
 * The .map key file, byte by byte in docs/keymap-format.md: legacy keys
 * (64-bit integers or text) to 16-byte UUIDs, in an open-addressing hash
 * table (XXH3-64, linear probing, load at most 2/3) laid out in
 * little-endian for mmap(PROT_READ).
 *
 * Reading: keymap_open maps a file and verifies it whole, once: size
 * against the header, magic, version, both checksums, and (text maps)
 * that every key lies inside the string area.  A truncated, corrupted or
 * foreign file is refused there (exit 3), so a look-up afterwards only
 * touches the slots it probes, never reads outside the file, and ends
 * after at most the file's longest probe.
 *
 * Writing: a keymap_builder collects (key, UUID, input line) pairs in
 * memory (32 bytes a pair), then keymap_builder_write sorts them in place
 * into the table's order, writes the table front to back through a
 * mapping whose pages it gives back behind it, and renames it from a
 * temporary name (output_file.h), so a reader never sees half a file.
 * A build's resident memory is its pairs and a megabyte or two of the
 * table.  The layout depends only on the set of pairs, never on their
 * input order: the same pairs always give the same bytes.
 */
#ifndef FERRY_KEYMAP_H
#define FERRY_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KEYMAP_MAGIC "FERRYMAP"		/* the file's first 8 bytes */
#define KEYMAP_VERSION 1		/* the format this code reads and writes */
#define KEYMAP_HEADER_SIZE 64

enum keymap_kind {
	KEYMAP_INT64 = 1,	/* signed 64-bit integer keys */
	KEYMAP_TEXT = 2,	/* UTF-8 text keys, compared byte for byte */
};

/* What the header of an opened (so verified) map says. */
struct keymap_info {
	enum keymap_kind kind;
	uint32_t version;
	uint64_t count;		/* entries */
	uint64_t slots;		/* slots in the table */
	uint64_t longest_probe;	/* most slots any key sits past its home */
	uint64_t string_bytes;	/* size of the string area (text maps) */
	uint64_t file_bytes;	/* size of the whole file */
	uint64_t checksum;	/* XXH3-64 of everything after the header */
};

/* One entry, as keymap_entry returns it. */
struct keymap_entry {
	int64_t int_key;		/* the key of an int64 map */
	const char *text_key;		/* the key of a text map (not NUL-
					 * terminated), in the mapping */
	size_t text_length;
	const unsigned char *uuid;	/* 16 bytes, in the mapping */
};

/* What keymap_find found. */
enum keymap_result {
	KEYMAP_FOUND,
	KEYMAP_ABSENT,
	KEYMAP_NOT_INTEGER,	/* an int64 map asked for a non-integer */
};

struct keymap;

/*
 * Maps path read-only and verifies it.  Dies with exit 3 ("PATH: why")
 * when it is not an intact map, exit 5 when it cannot be read.
 */
struct keymap *keymap_open(const char *path);

/*
 * Verifies size bytes at data as a map, which must stay valid and
 * unchanged while the map is used (the fuzz target's entry point).
 * Returns NULL with a reason in error (without a file name) when the
 * bytes are not an intact map.  name is what keymap_name returns.
 */
struct keymap *keymap_open_memory(const void *data, size_t size,
    const char *name, char *error, size_t error_size);

/* Unmaps (keymap_open) and frees; pointers into the map die with it. */
void keymap_close(struct keymap *map);

const char *keymap_name(const struct keymap *map);
enum keymap_kind keymap_kind(const struct keymap *map);
void keymap_get_info(const struct keymap *map, struct keymap_info *info);

/* The 16-byte UUID of key, or NULL when the map has no such key.  The
 * kind must match the map's. */
const unsigned char *keymap_find_int(const struct keymap *map, int64_t key);
const unsigned char *keymap_find_text(const struct keymap *map,
    const char *key, size_t length);

/*
 * Looks up count keys of an int64 map at once, uuids[i] set as
 * keymap_find_int would return it.  The slots of keys further on are
 * fetched while earlier ones are probed, so the memory latencies of a
 * large map overlap: several times the rate of one-by-one look-ups.
 */
void keymap_find_int_batch(const struct keymap *map, const int64_t *keys,
    size_t count, const unsigned char **uuids);

/*
 * A key as CSV holds it, text of length bytes: parsed as a decimal
 * integer for an int64 map (keymap_parse_int64), taken as it is for a
 * text map.  Sets *uuid when found.
 */
enum keymap_result keymap_find(const struct keymap *map, const char *text,
    size_t length, const unsigned char **uuid);

/* Slot index (0 to slots - 1): false when empty, else fills entry. */
bool keymap_entry(const struct keymap *map, uint64_t slot,
    struct keymap_entry *entry);

/*
 * The integer keys accept: an optional "-" and 1 to 19 decimal digits
 * (leading zeros allowed) within int64's range; no sign "+", no spaces.
 */
bool keymap_parse_int64(const char *text, size_t length, int64_t *value);

/*
 * A UUID as CSV holds it: the 36-character hyphenated form, either case
 * (libuuid's uuid_parse).  The nil UUID is refused separately by its
 * callers: a map cannot hold it (it marks an empty slot).
 */
bool keymap_parse_uuid(const char *text, size_t length, unsigned char uuid[16]);

struct keymap_builder;

/* input_name names the input in messages ("stdin"). */
struct keymap_builder *keymap_builder_new(enum keymap_kind kind,
    const char *input_name);

/*
 * Adds key -> uuid, read on input line.  uuid must not be nil.  Keys
 * are checked for duplicates when the table is laid out.
 */
void keymap_builder_add_int(struct keymap_builder *builder, int64_t key,
    const unsigned char uuid[16], unsigned long line);
void keymap_builder_add_text(struct keymap_builder *builder, const char *key,
    size_t length, const unsigned char uuid[16], unsigned long line);

/*
 * Lays out the table and writes it to path (temporary name, fsync,
 * rename; mode 0600).  A key added twice with the same UUID is kept
 * once; with two different UUIDs it dies with exit 3, naming both input
 * lines.  Returns the number of entries written.
 */
uint64_t keymap_builder_write(struct keymap_builder *builder,
    const char *path);

void keymap_builder_free(struct keymap_builder *builder);

#endif
