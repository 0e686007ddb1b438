#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "verify.h"

void
column_list_parse(struct column_list *list, const char *text,
    const char *option)
{
	const char *start = text;

	list->names = NULL;
	list->count = 0;
	for (;;) {
		size_t length = strcspn(start, ",");

		if (length == 0) {
			ferry_warn("%s: an empty column name in \"%s\"", option,
			    text);
			usage(NULL);
		}
		list->names = ferry_realloc(list->names,
		    (list->count + 1) * sizeof(*list->names));
		list->names[list->count] = ferry_malloc(length + 1);
		memcpy(list->names[list->count], start, length);
		list->names[list->count][length] = '\0';
		list->count++;
		if (start[length] == '\0')
			break;
		start += length + 1;
	}
	for (size_t i = 0; i < list->count; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(list->names[i], list->names[j]) == 0) {
				ferry_warn("%s: column %s named twice", option,
				    list->names[i]);
				usage(NULL);
			}
}

bool
column_list_has(const struct column_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->names[i], name) == 0)
			return true;
	return false;
}

void
column_list_free(struct column_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

size_t
header_column(const struct csv_row *header, const char *name,
    const char *input)
{
	int index = csv_header_index(header, name);

	if (index < 0) {
		char shown[256];

		ferry_die(FERRY_EXIT_USAGE, "%s: no column \"%s\" in the header",
		    input, ferry_escape(shown, sizeof(shown), name,
		    strlen(name)));
	}
	return (size_t)index;
}

void
projection_make(struct projection *projection, const struct csv_row *header,
    const struct column_list *columns, const struct column_list *exclude,
    const char *input)
{
	projection->columns = ferry_malloc((header->count + 1) *
	    sizeof(size_t));
	projection->count = 0;
	if (columns != NULL && columns->count > 0) {
		for (size_t i = 0; i < columns->count; i++)
			projection->columns[projection->count++] =
			    header_column(header, columns->names[i], input);
		return;
	}
	if (exclude != NULL)
		for (size_t i = 0; i < exclude->count; i++)
			(void)header_column(header, exclude->names[i], input);
	for (size_t i = 0; i < header->count; i++)
		if (exclude == NULL ||
		    !column_list_has(exclude, header->fields[i].value))
			projection->columns[projection->count++] = i;
}

void
projection_free(struct projection *projection)
{
	free(projection->columns);
	projection->columns = NULL;
	projection->count = 0;
}

static bool
is_plain(const char *value, size_t length)
{
	if (length == 0 || (length == 4 && memcmp(value, "NULL", 4) == 0))
		return false;
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)value[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c >= 0x80 ||
		    strchr("-_.:@/+", c) != NULL))
			return false;
	}
	return true;
}

void
show_value(struct buffer *out, const char *value, size_t length)
{
	static const char hex[] = "0123456789abcdef";

	if (value == NULL) {
		buffer_append_string(out, "NULL");
		return;
	}
	if (is_plain(value, length)) {
		buffer_append(out, value, length);
		return;
	}
	buffer_append_char(out, '"');
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)value[i];

		if (c == '"' || c == '\\') {
			buffer_append_char(out, '\\');
			buffer_append_char(out, (char)c);
		} else if (c == '\n') {
			buffer_append_string(out, "\\n");
		} else if (c == '\r') {
			buffer_append_string(out, "\\r");
		} else if (c == '\t') {
			buffer_append_string(out, "\\t");
		} else if (c < 0x20 || c == 0x7f) {
			buffer_append_string(out, "\\x");
			buffer_append_char(out, hex[c >> 4]);
			buffer_append_char(out, hex[c & 15]);
		} else {
			buffer_append_char(out, (char)c);
		}
	}
	buffer_append_char(out, '"');
}

unsigned long long
parse_count(const char *text, const char *option)
{
	char *end;
	unsigned long long value;

	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-') {
		ferry_warn("%s: not a count: %s", option, text);
		usage(NULL);
	}
	return value;
}

size_t
parse_size(const char *text, const char *option)
{
	char *end;
	unsigned long long value;

	errno = 0;
	value = strtoull(text, &end, 10);
	if (*end == 'K' || *end == 'k')
		value <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		value <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		value <<= 30, end++;
	if (errno != 0 || end == text || *end != '\0' || text[0] == '-' ||
	    value < 4096 || value > SIZE_MAX / 2) {
		ferry_warn("%s: not a size of at least 4K: %s", option, text);
		usage(NULL);
	}
	return (size_t)value;
}

const char *
format_line_error(const char *line, const char *magic, int format,
    const char *noun, const char *kind)
{
	static char what[256];
	size_t length = strlen(magic);
	int found = 0;
	char extra;

	if (strncmp(line, magic, length) != 0 ||
	    sscanf(line + length, " %d%c", &found, &extra) != 1) {
		snprintf(what, sizeof(what), "not a ferry %s (no \"%s %d\" "
		    "line)", noun, magic, format);
		return what;
	}
	if (found != format) {
		snprintf(what, sizeof(what), "%s format %d: this ferry reads "
		    "format %d", kind, found, format);
		return what;
	}
	return NULL;
}
