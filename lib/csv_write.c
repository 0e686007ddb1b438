#include "csv_write.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

#define FLUSH_AT (64 * 1024)

struct csv_writer {
	int fd;
	char *name;
	struct buffer pending;		/* bytes not yet written */
	bool row_started;		/* a field of this row was written */
	size_t row_fields;		/* fields written in this row */
	size_t row_offset;		/* where this row starts in pending */
	unsigned long long bytes;	/* bytes handed over in all */
};

/* Whether any byte of word is c (the exact "has zero byte" test). */
static uint64_t
has_byte(uint64_t word, unsigned char c)
{
	uint64_t x = word ^ (0x0101010101010101ULL * c);

	return (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;
}

/* Bytes that force quoting: comma, quote, CR, LF (eight at a time). */
static bool
needs_quotes(const char *value, size_t length)
{
	size_t i = 0;

	if (length == 0)
		return true;		/* "" is the empty string */
	for (; i + 8 <= length; i += 8) {
		uint64_t word;

		memcpy(&word, value + i, 8);
		if (has_byte(word, ',') | has_byte(word, '"') |
		    has_byte(word, '\n') | has_byte(word, '\r'))
			return true;
	}
	for (; i < length; i++) {
		char c = value[i];

		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			return true;
	}
	return false;
}

/*
 * A line holding only "\." ends COPY's data, so a row whose one field is
 * "\." quotes it, as PostgreSQL does; elsewhere it needs no quotes.
 */
static bool
is_end_marker(const char *value, size_t length)
{
	return value != NULL && length == 2 && value[0] == '\\' &&
	    value[1] == '.';
}

void
csv_append_field(struct buffer *out, const char *value, size_t length,
    bool first)
{
	if (!first)
		buffer_append_char(out, ',');
	if (value == NULL)
		return;
	if (!needs_quotes(value, length)) {
		buffer_append(out, value, length);
		return;
	}
	buffer_reserve(out, length * 2 + 2);
	out->data[out->length++] = '"';
	while (length > 0) {	/* spans up to and with each quote */
		const char *quote = memchr(value, '"', length);
		size_t span = quote != NULL ? (size_t)(quote - value) + 1 : length;

		memcpy(out->data + out->length, value, span);
		out->length += span;
		if (quote != NULL)
			out->data[out->length++] = '"';	/* doubled */
		value += span;
		length -= span;
	}
	out->data[out->length++] = '"';
}

void
csv_append_row(struct buffer *out, const struct csv_field *fields,
    size_t count)
{
	if (count == 1 && is_end_marker(fields[0].value, fields[0].length))
		buffer_append_string(out, "\"\\.\"");
	else
		for (size_t i = 0; i < count; i++)
			csv_append_field(out, fields[i].value, fields[i].length,
			    i == 0);
	buffer_append_char(out, '\n');
}

void
write_all(int fd, const char *name, const void *data, size_t length)
{
	const char *bytes = data;

	while (length > 0) {
		ssize_t written = write(fd, bytes, length);

		if (written < 0) {
			if (errno == EINTR)
				continue;
			ferry_die_errno(FERRY_EXIT_IO, "%s: write", name);
		}
		bytes += written;
		length -= (size_t)written;
	}
}

struct csv_writer *
csv_writer_open(int fd, const char *name)
{
	struct csv_writer *writer = ferry_malloc(sizeof(*writer));

	memset(writer, 0, sizeof(*writer));
	writer->fd = fd;
	writer->name = ferry_strdup(name);
	buffer_reserve(&writer->pending, FLUSH_AT * 2);
	return writer;
}

static void
flush_if_full(struct csv_writer *writer)
{
	if (writer->pending.length >= FLUSH_AT)
		csv_writer_flush(writer);
}

void
csv_write_field(struct csv_writer *writer, const char *value, size_t length)
{
	size_t before = writer->pending.length;

	if (!writer->row_started)
		writer->row_offset = before;
	csv_append_field(&writer->pending, value, length, !writer->row_started);
	writer->row_started = true;
	writer->row_fields++;
	writer->bytes += writer->pending.length - before;
}

void
csv_write_string(struct csv_writer *writer, const char *value)
{
	csv_write_field(writer, value, strlen(value));
}

void
csv_write_encoded(struct csv_writer *writer, const char *fields,
    size_t length, size_t field_count)
{
	if (writer->row_started)
		buffer_append_char(&writer->pending, ','), writer->bytes++;
	else
		writer->row_offset = writer->pending.length;
	buffer_append(&writer->pending, fields, length);
	writer->bytes += length;
	writer->row_started = true;
	writer->row_fields += field_count;
}

void
csv_write_end_row(struct csv_writer *writer)
{
	struct buffer *pending = &writer->pending;

	if (writer->row_fields == 1 && is_end_marker(pending->data +
	    writer->row_offset, pending->length - writer->row_offset)) {
		pending->length = writer->row_offset;
		buffer_append_string(pending, "\"\\.\"");
		writer->bytes += 2;
	}
	buffer_append_char(pending, '\n');
	writer->bytes++;
	writer->row_started = false;
	writer->row_fields = 0;
	flush_if_full(writer);
}

void
csv_write_row(struct csv_writer *writer, const struct csv_field *fields,
    size_t count)
{
	size_t before = writer->pending.length;

	csv_append_row(&writer->pending, fields, count);
	writer->bytes += writer->pending.length - before;
	writer->row_started = false;
	flush_if_full(writer);
}

unsigned long long
csv_writer_bytes(const struct csv_writer *writer)
{
	return writer->bytes;
}

void
csv_writer_flush(struct csv_writer *writer)
{
	write_all(writer->fd, writer->name, writer->pending.data,
	    writer->pending.length);
	writer->pending.length = 0;
}

void
csv_writer_close(struct csv_writer *writer)
{
	if (writer == NULL)
		return;
	csv_writer_flush(writer);
	buffer_free(&writer->pending);
	free(writer->name);
	free(writer);
}
