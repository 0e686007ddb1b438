/*
 * ferry-transform's parts: transform.c reads the options, plans the
 * output columns from the input header and streams the rows;
 * value_map.c holds the small code -> value tables of --value-map;
 * json_column.c renders the --json object columns.
 */
#ifndef FERRY_TRANSFORM_H
#define FERRY_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"
#include "csv_read.h"

/* --- value maps (value_map.c) -------------------------------------- */

struct value_map;

/*
 * Reads a two-column CSV (header, then code and value per row) from
 * path.  A NULL code maps NULL input; a NULL value maps to NULL.  A code
 * given twice with two different values dies with exit 3 naming both
 * lines; with the same value it is kept once.
 */
struct value_map *value_map_read(const char *path);

/*
 * Looks code up (value NULL: the NULL code).  Returns false when the map
 * has no such code; else sets *value (NULL for a NULL value) and *length.
 */
bool value_map_find(const struct value_map *map, const char *code,
    size_t code_length, const char **value, size_t *length);

const char *value_map_name(const struct value_map *map);
void value_map_free(struct value_map *map);

/* --- JSON object columns (json_column.c) -----------------------  */

/* How a member's value is written. */
enum json_type {
	JSON_STRING,	/* a JSON string (the default) */
	JSON_NUMBER,	/* the text as it is, which must be a JSON number */
	JSON_BOOLEAN,	/* t, true -> true; f, false -> false */
};

struct json_member {
	char *key;		/* the member's name in the object */
	char *source;		/* the input column it comes from */
	size_t input;		/* that column's index, once the header is read */
	enum json_type type;
	char *rendered_key;	/* "key": with the key escaped */
};

/*
 * Parses "[KEY=]SRC[:TYPE],..." into *members (count in *count).
 * Returns NULL on success, else a message for the usage error.
 */
const char *json_parse_members(const char *spec, struct json_member **members,
    size_t *count);

/*
 * Renders the object of count members from row into out (reset first).
 * Returns NULL on success; else the member whose value does not fit its
 * declared type (out then holds the reason, without the column name).
 */
const struct json_member *json_render(struct buffer *out,
    const struct json_member *members, size_t count,
    const struct csv_row *row);

/* Whether length bytes of text are a number by JSON's grammar. */
bool json_is_number(const char *text, size_t length);

void json_free_members(struct json_member *members, size_t count);

#endif
