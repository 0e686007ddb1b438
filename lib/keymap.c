#include "keymap.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "buffer.h"
#include "error.h"
#include "output_file.h"

/* Header fields: byte offsets (docs/keymap-format.md). */
#define AT_MAGIC		0
#define AT_VERSION		8
#define AT_KIND			12
#define AT_COUNT		16
#define AT_SLOTS		24
#define AT_LONGEST_PROBE	32
#define AT_STRING_BYTES		40
#define AT_CHECKSUM		48
#define AT_HEADER_CHECKSUM	56

/* Slots: int64 maps (key, UUID); text maps (hash, string offset, UUID). */
#define INT_SLOT_SIZE	24
#define TEXT_SLOT_SIZE	32
#define UUID_SIZE	16

struct keymap {
	const unsigned char *data;	/* the whole file */
	size_t size;
	bool mapped;			/* data is our mmap, to munmap */
	char *name;			/* the path, for messages */
	struct keymap_info info;
	const unsigned char *slots;	/* info.slots slots of slot_size */
	size_t slot_size;
	const unsigned char *strings;	/* the string area (text maps) */
};

static uint64_t
load64(const unsigned char *at)
{
	uint64_t value;

	memcpy(&value, at, sizeof(value));
	return le64toh(value);
}

static uint32_t
load32(const unsigned char *at)
{
	uint32_t value;

	memcpy(&value, at, sizeof(value));
	return le32toh(value);
}

static void
store64(unsigned char *at, uint64_t value)
{
	value = htole64(value);
	memcpy(at, &value, sizeof(value));
}

static void
store32(unsigned char *at, uint32_t value)
{
	value = htole32(value);
	memcpy(at, &value, sizeof(value));
}

static bool
uuid_bytes_nil(const unsigned char *uuid)
{
	return (load64(uuid) | load64(uuid + 8)) == 0;
}

/* The hash of an integer key: XXH3-64 of its 8 little-endian bytes. */
static uint64_t
hash_int(int64_t key)
{
	unsigned char bytes[8];

	store64(bytes, (uint64_t)key);
	return XXH3_64bits(bytes, sizeof(bytes));
}

/* A key's home slot: the hash scaled to [0, slots) (multiply-shift). */
static uint64_t
home_slot(uint64_t hash, uint64_t slots)
{
	return (uint64_t)(((unsigned __int128)hash * slots) >> 64);
}

/* --- reading ------------------------------------------------------- */

static struct keymap *
refuse(char *error, size_t error_size, const char *format, ...)
	__attribute__((format(printf, 3, 4)));

static struct keymap *
refuse(char *error, size_t error_size, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(error, error_size, format, arguments);
	va_end(arguments);
	return NULL;
}

struct keymap *
keymap_open_memory(const void *data, size_t size, const char *name,
    char *error, size_t error_size)
{
	const unsigned char *bytes = data;
	struct keymap_info info;
	struct keymap *map;
	uint64_t slot_size, expected, stored;
	uint32_t kind;

	if (size == 0)
		return refuse(error, error_size,
		    "not a ferry key map: empty file (0 bytes)");
	if (size < KEYMAP_HEADER_SIZE || memcmp(bytes + AT_MAGIC,
	    KEYMAP_MAGIC, 8) != 0)
		return refuse(error, error_size, "not a ferry key map "
		    "(no %s header)", KEYMAP_MAGIC);
	stored = load64(bytes + AT_HEADER_CHECKSUM);
	if (XXH3_64bits(bytes, AT_HEADER_CHECKSUM) != stored)
		return refuse(error, error_size, "corrupted: the header's "
		    "checksum does not match");
	memset(&info, 0, sizeof(info));
	info.version = load32(bytes + AT_VERSION);
	if (info.version != KEYMAP_VERSION)
		return refuse(error, error_size, "format version %u; this "
		    "ferry reads version %d", info.version, KEYMAP_VERSION);
	kind = load32(bytes + AT_KIND);
	if (kind != KEYMAP_INT64 && kind != KEYMAP_TEXT)
		return refuse(error, error_size, "corrupted: unknown key "
		    "kind %u", kind);
	info.kind = (enum keymap_kind)kind;
	info.count = load64(bytes + AT_COUNT);
	info.slots = load64(bytes + AT_SLOTS);
	info.longest_probe = load64(bytes + AT_LONGEST_PROBE);
	info.string_bytes = load64(bytes + AT_STRING_BYTES);
	info.checksum = load64(bytes + AT_CHECKSUM);
	slot_size = kind == KEYMAP_INT64 ? INT_SLOT_SIZE : TEXT_SLOT_SIZE;
	if (info.slots == 0 || info.count >= info.slots ||
	    info.longest_probe >= info.slots)
		return refuse(error, error_size, "corrupted: %llu entries, "
		    "%llu slots, longest probe %llu",
		    (unsigned long long)info.count,
		    (unsigned long long)info.slots,
		    (unsigned long long)info.longest_probe);
	if (kind == KEYMAP_INT64 && info.string_bytes != 0)
		return refuse(error, error_size, "corrupted: an int64 map "
		    "with a string area");
	if (info.slots > (UINT64_MAX - KEYMAP_HEADER_SIZE) / slot_size ||
	    info.string_bytes > UINT64_MAX - KEYMAP_HEADER_SIZE -
	    info.slots * slot_size)
		return refuse(error, error_size, "corrupted: sizes overflow");
	expected = KEYMAP_HEADER_SIZE + info.slots * slot_size +
	    info.string_bytes;
	if (size < expected)
		return refuse(error, error_size, "truncated: %zu bytes, the "
		    "header says %llu", size, (unsigned long long)expected);
	if (size > expected)
		return refuse(error, error_size, "%zu bytes, the header says "
		    "%llu: bytes after the end", size,
		    (unsigned long long)expected);
	info.file_bytes = expected;
	if (XXH3_64bits(bytes + KEYMAP_HEADER_SIZE,
	    size - KEYMAP_HEADER_SIZE) != info.checksum)
		return refuse(error, error_size, "corrupted: the checksum "
		    "does not match the contents");

	map = ferry_malloc(sizeof(*map));
	memset(map, 0, sizeof(*map));
	map->data = bytes;
	map->size = size;
	map->name = ferry_strdup(name);
	map->info = info;
	map->slot_size = (size_t)slot_size;
	map->slots = bytes + KEYMAP_HEADER_SIZE;
	map->strings = map->slots + info.slots * slot_size;

	/* A text slot's key must lie inside the string area. */
	for (uint64_t i = 0; kind == KEYMAP_TEXT && i < info.slots; i++) {
		const unsigned char *slot = map->slots + i * TEXT_SLOT_SIZE;
		uint64_t offset = load64(slot + 8);

		if (uuid_bytes_nil(slot + 16))
			continue;
		if (offset > info.string_bytes ||
		    info.string_bytes - offset < 4 ||
		    info.string_bytes - offset - 4 <
		    load32(map->strings + offset)) {
			keymap_close(map);
			return refuse(error, error_size, "corrupted: slot "
			    "%llu's key lies outside the string area",
			    (unsigned long long)i);
		}
	}
	return map;
}

struct keymap *
keymap_open(const char *path)
{
	static const unsigned char nothing[1];
	struct keymap *map;
	struct stat status;
	char error[256];
	void *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	if (fstat(fd, &status) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	if (!S_ISREG(status.st_mode))
		ferry_die(FERRY_EXIT_MALFORMED, "%s: not a ferry key map "
		    "(not a regular file)", path);
	if (status.st_size == 0) {
		map = keymap_open_memory(nothing, 0, path, error,
		    sizeof(error));
		ferry_die(FERRY_EXIT_MALFORMED, "%s: %s", path, error);
	}
	/* Verifying reads every byte: populate the mapping at once. */
	data = mmap(NULL, (size_t)status.st_size, PROT_READ,
	    MAP_SHARED | MAP_POPULATE, fd, 0);
	if (data == MAP_FAILED)
		ferry_die_errno(FERRY_EXIT_IO, "%s: mmap", path);
	close(fd);
	map = keymap_open_memory(data, (size_t)status.st_size, path, error,
	    sizeof(error));
	if (map == NULL)
		ferry_die(FERRY_EXIT_MALFORMED, "%s: %s", path, error);
	map->mapped = true;
	/* Look-ups land anywhere: read-ahead would only waste the cache. */
	madvise(data, (size_t)status.st_size, MADV_RANDOM);
	return map;
}

void
keymap_close(struct keymap *map)
{
	if (map == NULL)
		return;
	if (map->mapped)
		munmap((void *)map->data, map->size);
	free(map->name);
	free(map);
}

const char *
keymap_name(const struct keymap *map)
{
	return map->name;
}

enum keymap_kind
keymap_kind(const struct keymap *map)
{
	return map->info.kind;
}

void
keymap_get_info(const struct keymap *map, struct keymap_info *info)
{
	*info = map->info;
}

/*
 * Whether the key being looked up, were it in the table, would lie
 * before the entry probe slots past its home (at position, of hash
 * slot_hash; later: that entry sorts after the key).  Runs are kept in
 * home order, then hash and key order (see place), so that is when that
 * entry sits nearer its own home than the probe has gone, or has the same
 * home and sorts after the key.  The probe can stop there: a miss costs
 * about as few probes as a hit.
 */
static bool
key_would_precede(uint64_t position, uint64_t probe, uint64_t slot_hash,
    uint64_t slots, bool later)
{
	uint64_t home = home_slot(slot_hash, slots);
	uint64_t distance = position >= home ? position - home :
	    position + slots - home;

	return distance < probe || (distance == probe && later);
}

/* keymap_find_int with the key's hash already computed. */
static const unsigned char *
find_int_hashed(const struct keymap *map, int64_t key, uint64_t hash)
{
	uint64_t slots = map->info.slots;
	uint64_t position = home_slot(hash, slots);

	for (uint64_t probe = 0; probe <= map->info.longest_probe; probe++) {
		const unsigned char *slot = map->slots + position * INT_SLOT_SIZE;
		int64_t slot_key = (int64_t)load64(slot);
		uint64_t slot_hash;

		if (uuid_bytes_nil(slot + 8))
			return NULL;
		if (slot_key == key)
			return slot + 8;
		slot_hash = hash_int(slot_key);
		if (key_would_precede(position, probe, slot_hash, slots,
		    slot_hash > hash || (slot_hash == hash && slot_key > key)))
			return NULL;
		if (++position == slots)
			position = 0;
	}
	return NULL;
}

const unsigned char *
keymap_find_int(const struct keymap *map, int64_t key)
{
	return find_int_hashed(map, key, hash_int(key));
}

/* How many keys ahead keymap_find_int_batch fetches slots. */
#define BATCH_AHEAD 16

void
keymap_find_int_batch(const struct keymap *map, const int64_t *keys,
    size_t count, const unsigned char **uuids)
{
	uint64_t hashes[BATCH_AHEAD];
	size_t ahead = count < BATCH_AHEAD ? count : BATCH_AHEAD;

	for (size_t i = 0; i < ahead; i++) {
		hashes[i] = hash_int(keys[i]);
		__builtin_prefetch(map->slots + home_slot(hashes[i],
		    map->info.slots) * INT_SLOT_SIZE);
	}
	for (size_t i = 0; i < count; i++) {
		uint64_t hash = hashes[i % BATCH_AHEAD];

		if (i + BATCH_AHEAD < count) {
			uint64_t next = hash_int(keys[i + BATCH_AHEAD]);

			hashes[i % BATCH_AHEAD] = next;
			__builtin_prefetch(map->slots + home_slot(next,
			    map->info.slots) * INT_SLOT_SIZE);
		}
		uuids[i] = find_int_hashed(map, keys[i], hash);
	}
}

const unsigned char *
keymap_find_text(const struct keymap *map, const char *key, size_t length)
{
	uint64_t slots = map->info.slots;
	uint64_t hash = XXH3_64bits(key, length);
	uint64_t position = home_slot(hash, slots);

	for (uint64_t probe = 0; probe <= map->info.longest_probe; probe++) {
		const unsigned char *slot = map->slots +
		    position * TEXT_SLOT_SIZE;
		uint64_t slot_hash = load64(slot);

		if (uuid_bytes_nil(slot + 16))
			return NULL;
		if (slot_hash == hash) {
			const unsigned char *stored = map->strings +
			    load64(slot + 8);

			if (load32(stored) == length &&
			    memcmp(stored + 4, key, length) == 0)
				return slot + 16;
		}
		if (key_would_precede(position, probe, slot_hash, slots,
		    slot_hash > hash))
			return NULL;
		if (++position == slots)
			position = 0;
	}
	return NULL;
}

enum keymap_result
keymap_find(const struct keymap *map, const char *text, size_t length,
    const unsigned char **uuid)
{
	const unsigned char *found;

	if (map->info.kind == KEYMAP_INT64) {
		int64_t key;

		if (!keymap_parse_int64(text, length, &key))
			return KEYMAP_NOT_INTEGER;
		found = keymap_find_int(map, key);
	} else {
		found = keymap_find_text(map, text, length);
	}
	if (found == NULL)
		return KEYMAP_ABSENT;
	*uuid = found;
	return KEYMAP_FOUND;
}

bool
keymap_entry(const struct keymap *map, uint64_t slot_index,
    struct keymap_entry *entry)
{
	const unsigned char *slot;

	if (slot_index >= map->info.slots)
		return false;
	slot = map->slots + slot_index * map->slot_size;
	memset(entry, 0, sizeof(*entry));
	if (map->info.kind == KEYMAP_INT64) {
		if (uuid_bytes_nil(slot + 8))
			return false;
		entry->int_key = (int64_t)load64(slot);
		entry->uuid = slot + 8;
	} else {
		const unsigned char *stored;

		if (uuid_bytes_nil(slot + 16))
			return false;
		stored = map->strings + load64(slot + 8);
		entry->text_key = (const char *)stored + 4;
		entry->text_length = load32(stored);
		entry->uuid = slot + 16;
	}
	return true;
}

bool
keymap_parse_int64(const char *text, size_t length, int64_t *value)
{
	bool negative = length > 0 && text[0] == '-';
	size_t i = negative ? 1 : 0;
	uint64_t magnitude = 0;
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : INT64_MAX;

	if (i == length || length - i > 19)
		return false;
	for (; i < length; i++) {
		unsigned digit = (unsigned)(unsigned char)text[i] - '0';

		if (digit > 9 || magnitude > (limit - digit) / 10)
			return false;
		magnitude = magnitude * 10 + digit;
	}
	*value = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
	return true;
}

bool
keymap_parse_uuid(const char *text, size_t length, unsigned char uuid[16])
{
	return length == 36 && uuid_parse_range(text, text + length, uuid) == 0;
}

/* --- writing ------------------------------------------------------- */

/* A pair as read, with its input line for messages. */
struct int_pair {
	int64_t key;
	unsigned char uuid[UUID_SIZE];
	uint32_t line;		/* input line, at most UINT32_MAX (messages) */
	uint32_t hash_top;	/* the key's hash >> 32: a cheap first order */
};

struct text_pair {
	uint64_t hash;
	uint64_t offset;	/* of the key in the builder's strings */
	unsigned char uuid[UUID_SIZE];
	unsigned long line;
};

struct keymap_builder {
	enum keymap_kind kind;
	char *input_name;
	struct int_pair *int_pairs;	/* int64 maps */
	struct text_pair *text_pairs;	/* text maps */
	size_t count, capacity;
	struct buffer strings;		/* text keys: 4-byte length, bytes */
};

struct keymap_builder *
keymap_builder_new(enum keymap_kind kind, const char *input_name)
{
	struct keymap_builder *builder = ferry_malloc(sizeof(*builder));

	memset(builder, 0, sizeof(*builder));
	builder->kind = kind;
	builder->input_name = ferry_strdup(input_name);
	return builder;
}

static void
reserve_pair(struct keymap_builder *builder)
{
	size_t size;

	if (builder->count < builder->capacity)
		return;
	builder->capacity = builder->capacity ? builder->capacity * 2 : 1024;
	if (builder->kind == KEYMAP_INT64) {
		size = builder->capacity * sizeof(struct int_pair);
		builder->int_pairs = ferry_realloc(builder->int_pairs, size);
	} else {
		size = builder->capacity * sizeof(struct text_pair);
		builder->text_pairs = ferry_realloc(builder->text_pairs, size);
	}
}

void
keymap_builder_add_int(struct keymap_builder *builder, int64_t key,
    const unsigned char uuid[16], unsigned long line)
{
	struct int_pair *pair;

	reserve_pair(builder);
	pair = &builder->int_pairs[builder->count++];
	pair->key = key;
	memcpy(pair->uuid, uuid, UUID_SIZE);
	pair->line = line < UINT32_MAX ? (uint32_t)line : UINT32_MAX;
	pair->hash_top = (uint32_t)(hash_int(key) >> 32);
}

void
keymap_builder_add_text(struct keymap_builder *builder, const char *key,
    size_t length, const unsigned char uuid[16], unsigned long line)
{
	struct text_pair *pair;
	unsigned char prefix[4];

	if (length > UINT32_MAX)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: a key of %zu bytes "
		    "(at most 4 GiB)", builder->input_name, line, length);
	reserve_pair(builder);
	pair = &builder->text_pairs[builder->count++];
	pair->hash = XXH3_64bits(key, length);
	pair->offset = builder->strings.length;
	memcpy(pair->uuid, uuid, UUID_SIZE);
	pair->line = line;
	store32(prefix, (uint32_t)length);
	buffer_append(&builder->strings, prefix, sizeof(prefix));
	buffer_append(&builder->strings, key, length);
}

/*
 * The table being laid out, in the mapped output file.  While pairs are
 * placed, a text slot's offset points into the builder's strings; the
 * string area is filled afterwards, in slot order.
 */
struct layout {
	const struct keymap_builder *builder;
	unsigned char *slots;
	size_t slot_size;
	uint64_t slot_count;
	uint64_t count;			/* entries placed */
	uint64_t longest_probe;
	uint64_t string_bytes;		/* string area of the entries placed */
	unsigned char *dropped;		/* the mapping's pages below are given back */
};

/* Pages given back to the page cache at a time while the table is
 * written: a multiple of any page size, counted from the mapping's
 * (page-aligned) start.  place_all looks every DROP_EVERY pairs. */
#define DROP_STEP (1u << 20)
#define DROP_EVERY 4096

/*
 * Gives back the mapping's pages below end, which the writer has passed
 * (place_all goes through the table in slot order): a written page stays
 * in the page cache, to be read again on access and written at msync, so
 * a build's resident memory is its pairs and a window of the table, not
 * the whole file (madvise's failure would only cost memory).
 */
static void
drop_pages_below(struct layout *layout, const unsigned char *end)
{
	size_t steps = end > layout->dropped ?
	    (size_t)(end - layout->dropped) / DROP_STEP : 0;

	if (steps == 0)
		return;
	(void)madvise(layout->dropped, steps * DROP_STEP, MADV_DONTNEED);
	layout->dropped += steps * DROP_STEP;
}

/* A slot's contents: int key or text hash, text offset, UUID. */
struct slot_value {
	uint64_t key_or_hash;
	uint64_t offset;
	unsigned char uuid[UUID_SIZE];
};

static void
read_slot(const struct layout *layout, uint64_t position,
    struct slot_value *value)
{
	const unsigned char *slot = layout->slots + position * layout->slot_size;

	value->key_or_hash = load64(slot);
	if (layout->slot_size == TEXT_SLOT_SIZE) {
		value->offset = load64(slot + 8);
		memcpy(value->uuid, slot + 16, UUID_SIZE);
	} else {
		value->offset = 0;
		memcpy(value->uuid, slot + 8, UUID_SIZE);
	}
}

static void
write_slot(struct layout *layout, uint64_t position,
    const struct slot_value *value)
{
	unsigned char *slot = layout->slots + position * layout->slot_size;

	store64(slot, value->key_or_hash);
	if (layout->slot_size == TEXT_SLOT_SIZE) {
		store64(slot + 8, value->offset);
		memcpy(slot + 16, value->uuid, UUID_SIZE);
	} else {
		memcpy(slot + 8, value->uuid, UUID_SIZE);
	}
}

static uint64_t
value_hash(const struct layout *layout, const struct slot_value *value)
{
	if (layout->slot_size == TEXT_SLOT_SIZE)
		return value->key_or_hash;
	return hash_int((int64_t)value->key_or_hash);
}

/* The text key at offset in the builder's strings. */
static const char *
builder_key(const struct keymap_builder *builder, uint64_t offset,
    size_t *length)
{
	const unsigned char *at = (const unsigned char *)builder->strings.data +
	    offset;

	*length = load32(at);
	return (const char *)at + 4;
}

/*
 * The order of keys within a run of the table: by hash (which orders
 * home slots), then by key.  Returns <0, 0 or >0; 0 means the same key.
 */
static int
compare_keys(const struct layout *layout, const struct slot_value *a,
    uint64_t a_hash, const struct slot_value *b, uint64_t b_hash)
{
	if (a_hash != b_hash)
		return a_hash < b_hash ? -1 : 1;
	if (layout->slot_size == TEXT_SLOT_SIZE) {
		size_t a_length, b_length;
		const char *a_key = builder_key(layout->builder, a->offset,
		    &a_length);
		const char *b_key = builder_key(layout->builder, b->offset,
		    &b_length);
		int order = memcmp(a_key, b_key,
		    a_length < b_length ? a_length : b_length);

		if (order != 0)
			return order;
		return a_length < b_length ? -1 : a_length > b_length;
	}
	if (a->key_or_hash != b->key_or_hash)
		return (int64_t)a->key_or_hash < (int64_t)b->key_or_hash ? -1 : 1;
	return 0;
}

/*
 * Places value by Robin Hood linear probing: within a run, keys stay in
 * compare_keys order, so the table depends only on the set of keys, not
 * on the order they came in.  In a run so ordered, the slot holding the
 * same key (if any) comes before any slot where value would displace
 * another, so a duplicate is always met: its position is returned.
 * Otherwise returns slot_count (placed).
 */
static uint64_t
place(struct layout *layout, struct slot_value value)
{
	uint64_t slots = layout->slot_count;
	uint64_t hash = value_hash(layout, &value);
	uint64_t position = home_slot(hash, slots);
	uint64_t distance = 0;
	bool carrying_new = true;

	for (;;) {
		struct slot_value here;
		uint64_t here_hash, here_home, here_distance;
		int order;

		read_slot(layout, position, &here);
		if (uuid_bytes_nil(here.uuid)) {
			write_slot(layout, position, &value);
			break;
		}
		here_hash = value_hash(layout, &here);
		order = compare_keys(layout, &value, hash, &here, here_hash);
		if (order == 0 && carrying_new)
			return position;
		here_home = home_slot(here_hash, slots);
		here_distance = position >= here_home ? position - here_home :
		    position + slots - here_home;
		if (here_distance < distance ||
		    (here_distance == distance && order < 0)) {
			write_slot(layout, position, &value);
			if (distance > layout->longest_probe)
				layout->longest_probe = distance;
			value = here;
			hash = here_hash;
			distance = here_distance;
			carrying_new = false;
		}
		if (++position == slots)
			position = 0;
		distance++;
	}
	if (distance > layout->longest_probe)
		layout->longest_probe = distance;
	return slots;
}

/* Dies naming both lines that gave key different UUIDs. */
static _Noreturn void
die_conflict(const struct keymap_builder *builder, size_t later,
    const unsigned char *earlier_uuid)
{
	char key[256], first[37], second[37];
	unsigned long first_line = 0, second_line;

	if (builder->kind == KEYMAP_INT64) {
		const struct int_pair *pair = &builder->int_pairs[later];

		snprintf(key, sizeof(key), "%lld", (long long)pair->key);
		for (size_t i = 0; i < later; i++)
			if (builder->int_pairs[i].key == pair->key &&
			    memcmp(builder->int_pairs[i].uuid, earlier_uuid,
			    UUID_SIZE) == 0) {
				first_line = builder->int_pairs[i].line;
				break;
			}
		uuid_unparse_lower(pair->uuid, second);
		second_line = pair->line;
	} else {
		const struct text_pair *pair = &builder->text_pairs[later];
		size_t length, other_length;
		const char *text = builder_key(builder, pair->offset, &length);
		char shown[200];

		for (size_t i = 0; i < later; i++) {
			const struct text_pair *other = &builder->text_pairs[i];
			const char *other_text = builder_key(builder,
			    other->offset, &other_length);

			if (other->hash == pair->hash && other_length == length &&
			    memcmp(other_text, text, length) == 0 &&
			    memcmp(other->uuid, earlier_uuid, UUID_SIZE) == 0) {
				first_line = other->line;
				break;
			}
		}
		snprintf(key, sizeof(key), "\"%s\"",
		    ferry_escape(shown, sizeof(shown), text, length));
		uuid_unparse_lower(pair->uuid, second);
		second_line = pair->line;
	}
	uuid_unparse_lower(earlier_uuid, first);
	ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: key %s has two UUIDs: %s "
	    "on line %lu, %s on line %lu", builder->input_name, second_line,
	    key, first, first_line, second, second_line);
}

/*
 * The pairs in the table's order (by hash, which orders home slots, then
 * by key: compare_keys), a key's pairs in input order (by line).  Placed
 * in this order, every pair goes at the end of its run, so the table is
 * written front to back, and a key's second pair meets the first.
 */
static int
compare_int_pairs(const void *a_pointer, const void *b_pointer,
    void *unused)
{
	const struct int_pair *a = a_pointer, *b = b_pointer;
	uint64_t a_hash, b_hash;

	(void)unused;
	if (a->hash_top != b->hash_top)
		return a->hash_top < b->hash_top ? -1 : 1;
	a_hash = hash_int(a->key);
	b_hash = hash_int(b->key);
	if (a_hash != b_hash)
		return a_hash < b_hash ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

static int
compare_text_pairs(const void *a_pointer, const void *b_pointer,
    void *builder_pointer)
{
	const struct text_pair *a = a_pointer, *b = b_pointer;
	const struct keymap_builder *builder = builder_pointer;
	size_t a_length, b_length;
	const char *a_key, *b_key;
	int order;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	a_key = builder_key(builder, a->offset, &a_length);
	b_key = builder_key(builder, b->offset, &b_length);
	order = memcmp(a_key, b_key, a_length < b_length ? a_length : b_length);
	if (order != 0)
		return order;
	if (a_length != b_length)
		return a_length < b_length ? -1 : 1;
	return (a->line > b->line) - (a->line < b->line);
}

typedef int pair_order(const void *, const void *, void *);

static void
swap_bytes(unsigned char *a, unsigned char *b, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		unsigned char byte = a[i];

		a[i] = b[i];
		b[i] = byte;
	}
}

/* Moves the element at root down the heap of count elements. */
static void
sift_down(unsigned char *base, size_t root, size_t count, size_t size,
    pair_order *order, void *context)
{
	for (;;) {
		size_t child = 2 * root + 1;

		if (child >= count)
			return;
		if (child + 1 < count && order(base + child * size,
		    base + (child + 1) * size, context) < 0)
			child++;
		if (order(base + root * size, base + child * size, context) >= 0)
			return;
		swap_bytes(base + root * size, base + child * size, size);
		root = child;
	}
}

static void
heapsort_in_place(unsigned char *base, size_t count, size_t size,
    pair_order *order, void *context)
{
	for (size_t root = count / 2; root-- > 0; )
		sift_down(base, root, count, size, order, context);
	for (size_t end = count; end-- > 1; ) {
		swap_bytes(base, base + end * size, size);
		sift_down(base, 0, end, size, order, context);
	}
}

/* The buckets of sort_in_place: the hash's top 12 bits, which the pairs'
 * order agrees with. */
#define BUCKET_BITS 12
#define BUCKETS (1u << BUCKET_BITS)
typedef unsigned pair_bucket(const void *);

/*
 * Sorts in place: glibc's qsort takes a second array as large as the
 * pairs for its merge sort, which would double a build's memory.  The
 * pairs are first moved into BUCKETS buckets by their hash's top bits (in
 * place, element by element to its bucket's next free place), then each
 * bucket, small enough for the cache, is heapsorted.
 */
static void
sort_in_place(void *pointer, size_t count, size_t size, pair_bucket *bucket,
    pair_order *order, void *context)
{
	unsigned char *base = pointer;
	size_t *start = ferry_malloc((2 * BUCKETS + 1) * sizeof(*start));
	size_t *next = start + BUCKETS + 1;

	memset(start, 0, (BUCKETS + 1) * sizeof(*start));
	for (size_t i = 0; i < count; i++)
		start[bucket(base + i * size) + 1]++;
	for (unsigned b = 0; b < BUCKETS; b++) {
		start[b + 1] += start[b];
		next[b] = start[b];
	}
	for (unsigned b = 0; b < BUCKETS; b++)
		while (next[b] < start[b + 1]) {
			unsigned other = bucket(base + next[b] * size);

			if (other == b)
				next[b]++;
			else
				swap_bytes(base + next[b] * size,
				    base + next[other]++ * size, size);
		}
	for (unsigned b = 0; b < BUCKETS; b++)
		heapsort_in_place(base + start[b] * size, start[b + 1] - start[b],
		    size, order, context);
	free(start);
}

static unsigned
int_pair_bucket(const void *pair)
{
	return ((const struct int_pair *)pair)->hash_top >> (32 - BUCKET_BITS);
}

static unsigned
text_pair_bucket(const void *pair)
{
	return (unsigned)(((const struct text_pair *)pair)->hash >>
	    (64 - BUCKET_BITS));
}

/* Places every pair; the map's entries end up in layout. */
static void
place_all(struct keymap_builder *builder, struct layout *layout)
{
	if (builder->kind == KEYMAP_INT64)
		sort_in_place(builder->int_pairs, builder->count,
		    sizeof(*builder->int_pairs), int_pair_bucket,
		    compare_int_pairs, NULL);
	else
		sort_in_place(builder->text_pairs, builder->count,
		    sizeof(*builder->text_pairs), text_pair_bucket,
		    compare_text_pairs, builder);
	for (size_t i = 0; i < builder->count; i++) {
		struct slot_value value;
		uint64_t found;

		memset(&value, 0, sizeof(value));
		if (builder->kind == KEYMAP_INT64) {
			value.key_or_hash = (uint64_t)builder->int_pairs[i].key;
			memcpy(value.uuid, builder->int_pairs[i].uuid, UUID_SIZE);
		} else {
			value.key_or_hash = builder->text_pairs[i].hash;
			value.offset = builder->text_pairs[i].offset;
			memcpy(value.uuid, builder->text_pairs[i].uuid, UUID_SIZE);
		}
		found = place(layout, value);
		if (i % DROP_EVERY == 0)
			drop_pages_below(layout, layout->slots + home_slot(
			    value_hash(layout, &value), layout->slot_count) *
			    layout->slot_size);
		if (found != layout->slot_count) {
			struct slot_value there;

			read_slot(layout, found, &there);
			if (memcmp(there.uuid, value.uuid, UUID_SIZE) != 0)
				die_conflict(builder, i, there.uuid);
			continue;	/* the same pair again: kept once */
		}
		layout->count++;
		if (builder->kind == KEYMAP_TEXT) {
			size_t length;

			builder_key(builder, value.offset, &length);
			layout->string_bytes += 4 + length;
		}
	}
}

/* XXH3-64 of the written bytes, read front to back, their pages given
 * back behind the reading (the same value as one XXH3_64bits call). */
static uint64_t
checksum_dropping(struct layout *layout, const unsigned char *bytes,
    uint64_t size)
{
	XXH3_state_t *state = XXH3_createState();
	uint64_t done = 0, checksum;

	if (state == NULL || XXH3_64bits_reset(state) == XXH_ERROR)
		ferry_die(FERRY_EXIT_IO, "out of memory");
	layout->dropped = (unsigned char *)bytes - KEYMAP_HEADER_SIZE;
	while (done < size) {
		uint64_t chunk = size - done < DROP_STEP ? size - done : DROP_STEP;

		XXH3_64bits_update(state, bytes + done, (size_t)chunk);
		done += chunk;
		drop_pages_below(layout, bytes + done);
	}
	checksum = XXH3_64bits_digest(state);
	XXH3_freeState(state);
	return checksum;
}

uint64_t
keymap_builder_write(struct keymap_builder *builder, const char *path)
{
	struct output_file output;
	struct layout layout;
	unsigned char *file;
	uint64_t most_bytes, file_bytes;
	int error;

	memset(&layout, 0, sizeof(layout));
	layout.builder = builder;
	layout.slot_size = builder->kind == KEYMAP_INT64 ? INT_SLOT_SIZE :
	    TEXT_SLOT_SIZE;
	/* Load at most 2/3, and always one empty slot to end a probe. */
	layout.slot_count = (uint64_t)builder->count + builder->count / 2 + 1;
	most_bytes = KEYMAP_HEADER_SIZE + layout.slot_count * layout.slot_size +
	    builder->strings.length;

	output_file_open(&output, path);
	/* Blocks are reserved first: a full disk is an error here, never a
	 * SIGBUS while writing through the mapping. */
	error = posix_fallocate(output.fd, 0, (off_t)most_bytes);
	if (error != 0) {
		errno = error;
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	}
	file = mmap(NULL, most_bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
	    output.fd, 0);
	if (file == MAP_FAILED)
		ferry_die_errno(FERRY_EXIT_IO, "%s: mmap", path);
	layout.slots = file + KEYMAP_HEADER_SIZE;
	layout.dropped = file;
	place_all(builder, &layout);
	layout.dropped = file;

	/* The string area, in slot order; offsets now point into it. */
	if (builder->kind == KEYMAP_TEXT) {
		unsigned char *strings = layout.slots +
		    layout.slot_count * TEXT_SLOT_SIZE;
		uint64_t used = 0;

		for (uint64_t i = 0; i < layout.slot_count; i++) {
			unsigned char *slot = layout.slots + i * TEXT_SLOT_SIZE;
			size_t length;

			drop_pages_below(&layout, slot);
			if (uuid_bytes_nil(slot + 16))
				continue;
			builder_key(builder, load64(slot + 8), &length);
			memcpy(strings + used, builder->strings.data +
			    load64(slot + 8), 4 + length);
			store64(slot + 8, used);
			used += 4 + length;
		}
	}

	file_bytes = KEYMAP_HEADER_SIZE + layout.slot_count * layout.slot_size +
	    layout.string_bytes;
	memcpy(file + AT_MAGIC, KEYMAP_MAGIC, 8);
	store32(file + AT_VERSION, KEYMAP_VERSION);
	store32(file + AT_KIND, (uint32_t)builder->kind);
	store64(file + AT_COUNT, layout.count);
	store64(file + AT_SLOTS, layout.slot_count);
	store64(file + AT_LONGEST_PROBE, layout.longest_probe);
	store64(file + AT_STRING_BYTES, layout.string_bytes);
	store64(file + AT_CHECKSUM, checksum_dropping(&layout,
	    file + KEYMAP_HEADER_SIZE, file_bytes - KEYMAP_HEADER_SIZE));
	store64(file + AT_HEADER_CHECKSUM, XXH3_64bits(file,
	    AT_HEADER_CHECKSUM));

	if (msync(file, most_bytes, MS_SYNC) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: msync", path);
	munmap(file, most_bytes);
	if (file_bytes < most_bytes && ftruncate(output.fd,
	    (off_t)file_bytes) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: ftruncate", path);
	output_file_commit(&output);
	return layout.count;
}

void
keymap_builder_free(struct keymap_builder *builder)
{
	if (builder == NULL)
		return;
	free(builder->input_name);
	free(builder->int_pairs);
	free(builder->text_pairs);
	buffer_free(&builder->strings);
	free(builder);
}

