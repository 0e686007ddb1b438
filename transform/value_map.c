/*
 * Value maps for --value-map: a small CSV of (legacy code, new value),
 * read whole into memory, sorted by code and searched by bisection.  A
 * code the map does not hold is the caller's to reject: nothing is
 * guessed here.
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "transform.h"

struct value_entry {
	char *code;		/* NULL for the NULL code */
	size_t code_length;
	char *value;		/* NULL for a NULL value */
	size_t value_length;
	unsigned long line;	/* where the file gives it */
};

struct value_map {
	char *name;		/* the path, for messages */
	struct value_entry *entries;	/* count, sorted by compare_codes */
	size_t count;
};

/* NULL first, then by bytes, a shorter prefix first. */
static int
compare_codes(const char *a, size_t a_length, const char *b, size_t b_length)
{
	int order;

	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	order = memcmp(a, b, a_length < b_length ? a_length : b_length);
	if (order != 0)
		return order;
	return (a_length > b_length) - (a_length < b_length);
}

static int
compare_entries(const void *left, const void *right)
{
	const struct value_entry *a = left, *b = right;
	int order = compare_codes(a->code, a->code_length, b->code,
	    b->code_length);

	if (order != 0)
		return order;
	return (a->line > b->line) - (a->line < b->line);
}

static char *
copy_field(const struct csv_field *field)
{
	char *copy;

	if (field->value == NULL)
		return NULL;
	copy = ferry_malloc(field->length + 1);
	memcpy(copy, field->value, field->length + 1);
	return copy;
}

static bool
same_value(const struct value_entry *a, const struct value_entry *b)
{
	if (a->value == NULL || b->value == NULL)
		return a->value == b->value;
	return a->value_length == b->value_length &&
	    memcmp(a->value, b->value, a->value_length) == 0;
}

/* A value map being read, freed by ferry_die should the file be bad. */
struct reading {
	struct value_map *map;
	struct csv_reader *reader;
};

static void
free_reading(void *argument)
{
	struct reading *reading = argument;

	csv_reader_close(reading->reader);
	value_map_free(reading->map);
}

struct value_map *
value_map_read(const char *path)
{
	struct csv_reader *reader = csv_reader_open_path(path);
	struct value_map *map = ferry_malloc(sizeof(*map));
	struct reading reading = { map, reader };
	const struct csv_row *header, *row;
	size_t capacity = 0, kept = 0;
	int status;

	map->name = ferry_strdup(path);
	map->entries = NULL;
	map->count = 0;
	ferry_on_die(free_reading, &reading);
	header = csv_reader_header(reader);
	if (header == NULL)
		csv_reader_die(reader);
	if (header->count != 2)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: a value map has two "
		    "columns (code, value), not %zu", path, header->line,
		    header->count);
	while ((status = csv_reader_next(reader, &row)) == 1) {
		struct value_entry *entry;

		if (map->count == capacity) {
			capacity = capacity ? capacity * 2 : 64;
			map->entries = ferry_realloc(map->entries,
			    capacity * sizeof(*map->entries));
		}
		entry = &map->entries[map->count++];
		entry->code = copy_field(&row->fields[0]);
		entry->code_length = row->fields[0].length;
		entry->value = copy_field(&row->fields[1]);
		entry->value_length = row->fields[1].length;
		entry->line = row->line;
	}
	if (status < 0)
		csv_reader_die(reader);
	csv_reader_close(reader);
	reading.reader = NULL;

	/* Sorted by code, then line: a repeated code follows its first. */
	if (map->count > 0)
		qsort(map->entries, map->count, sizeof(*map->entries),
		    compare_entries);
	for (size_t i = 0; i < map->count; i++) {
		struct value_entry *entry = &map->entries[i];

		if (kept > 0 && compare_codes(map->entries[kept - 1].code,
		    map->entries[kept - 1].code_length, entry->code,
		    entry->code_length) == 0) {
			struct value_entry *first = &map->entries[kept - 1];
			char shown[128];

			if (!same_value(first, entry))
				ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: code %s "
				    "has two values: on line %lu and here",
				    path, entry->line, entry->code == NULL ?
				    "NULL" : ferry_escape(shown, sizeof(shown),
				    entry->code, entry->code_length),
				    first->line);
			free(entry->code);
			free(entry->value);
			entry->code = entry->value = NULL;
			continue;
		}
		if (entry != &map->entries[kept]) {
			map->entries[kept] = *entry;
			entry->code = entry->value = NULL;	/* moved */
		}
		kept++;
	}
	map->count = kept;
	ferry_forget_on_die(free_reading, &reading);
	return map;
}

bool
value_map_find(const struct value_map *map, const char *code,
    size_t code_length, const char **value, size_t *length)
{
	size_t low = 0, high = map->count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct value_entry *entry = &map->entries[middle];
		int order = compare_codes(code, code_length, entry->code,
		    entry->code_length);

		if (order == 0) {
			*value = entry->value;
			*length = entry->value_length;
			return true;
		}
		if (order < 0)
			high = middle;
		else
			low = middle + 1;
	}
	return false;
}

const char *
value_map_name(const struct value_map *map)
{
	return map->name;
}

void
value_map_free(struct value_map *map)
{
	if (map == NULL)
		return;
	for (size_t i = 0; i < map->count; i++) {
		free(map->entries[i].code);
		free(map->entries[i].value);
	}
	free(map->entries);
	free(map->name);
	free(map);
}
