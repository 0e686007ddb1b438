#include "csv_write.h"

#include <errno.h>
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
	unsigned long long bytes;	/* bytes handed over in all */
};

/* Bytes that force quoting: comma, quote, CR, LF. */
static bool
needs_quotes(const char *value, size_t length)
{
	if (length == 0)
		return true;		/* "" is the empty string */
	if (length == 2 && value[0] == '\\' && value[1] == '.')
		return true;		/* COPY's end-of-data marker */
	for (size_t i = 0; i < length; i++) {
		char c = value[i];

		if (c == ',' || c == '"' || c == '\n' || c == '\r')
			return true;
	}
	return false;
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
	for (size_t i = 0; i < length; i++) {
		if (value[i] == '"')
			out->data[out->length++] = '"';
		out->data[out->length++] = value[i];
	}
	out->data[out->length++] = '"';
}

void
csv_append_row(struct buffer *out, const struct csv_field *fields,
    size_t count)
{
	for (size_t i = 0; i < count; i++)
		csv_append_field(out, fields[i].value, fields[i].length, i == 0);
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

	csv_append_field(&writer->pending, value, length, !writer->row_started);
	writer->row_started = true;
	writer->bytes += writer->pending.length - before;
	flush_if_full(writer);
}

void
csv_write_string(struct csv_writer *writer, const char *value)
{
	csv_write_field(writer, value, strlen(value));
}

void
csv_write_end_row(struct csv_writer *writer)
{
	buffer_append_char(&writer->pending, '\n');
	writer->bytes++;
	writer->row_started = false;
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
