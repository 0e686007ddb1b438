/*
 * Fuzz target for the CSV reader (lib/csv_read.c) and, through a round
 * trip, the writer (lib/csv_write.c).  The input's first byte picks the
 * size of the chunks the reader is fed (1 to 256 bytes, so that every
 * chunk boundary falls everywhere); the rest is the CSV.  Whatever it
 * holds, the reader must not crash, and every row it returns must keep
 * its contract: the header's field count, NULL apart from "", values
 * NUL-terminated, of their length, valid UTF-8, lines and records in
 * order.  When the input reads without error, the rows written back by
 * csv_append_row and read again must be the same rows.
 *
 * `make fuzz` builds it with libFuzzer; linked with replay/replay.c it is
 * a plain program that runs the files named on its command line once
 * (tests/35-fuzz-corpus.t replays the seed corpus that way).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "buffer.h"
#include "csv_read.h"
#include "csv_write.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int condition, const char *what)
{
	if (!condition) {
		fprintf(stderr, "csv_read fuzz: %s\n", what);
		abort();
	}
}

/* Input in memory, handed out chunk bytes at a time. */
struct feed {
	const uint8_t *data;
	size_t size, offset, chunk;
};

static ssize_t
feed_read(void *context, void *buffer, size_t size)
{
	struct feed *feed = context;
	size_t n = feed->size - feed->offset;

	if (n > feed->chunk)
		n = feed->chunk;
	if (n > size)
		n = size;
	memcpy(buffer, feed->data + feed->offset, n);
	feed->offset += n;
	return (ssize_t)n;
}

/* Appends a row to a canonical record of it: per field, NULL or bytes. */
static void
record_row(struct buffer *record, const struct csv_row *row)
{
	buffer_printf(record, "%zu:", row->count);
	for (size_t i = 0; i < row->count; i++) {
		if (row->fields[i].value == NULL)
			buffer_append_string(record, "N;");
		else {
			buffer_printf(record, "%zu=", row->fields[i].length);
			buffer_append(record, row->fields[i].value,
			    row->fields[i].length);
			buffer_append_char(record, ';');
		}
	}
}

static void
check_row(const struct csv_row *row, size_t columns)
{
	check(row->count == columns, "a row of another field count");
	for (size_t i = 0; i < row->count; i++) {
		const struct csv_field *field = &row->fields[i];

		if (field->value == NULL) {
			check(field->length == 0, "a NULL with a length");
			continue;
		}
		check(field->value[field->length] == '\0', "not NUL-terminated");
		check(strlen(field->value) == field->length, "a NUL inside");
		check(utf8_valid(field->value, field->length), "invalid UTF-8");
	}
}

/*
 * Reads the CSV in chunks of chunk bytes.  Returns 1 when it read to the
 * end without error, with every row recorded in record and written back
 * as CSV into written (when not NULL).
 */
static int
read_all(const uint8_t *data, size_t size, size_t chunk,
    struct buffer *record, struct buffer *written)
{
	struct feed feed = { data, size, 0, chunk };
	struct csv_reader *reader = csv_reader_open_function(feed_read, &feed,
	    "fuzz");
	const struct csv_row *header, *row;
	unsigned long line = 0, record_number = 0;
	int status = -1;

	header = csv_reader_header(reader);
	if (header == NULL) {
		check(csv_reader_error(reader)[0] != '\0', "no header, no error");
		goto out;
	}
	check(header->record == 0 && header->count > 0, "a bad header");
	check_row(header, header->count);
	record_row(record, header);
	if (written != NULL)
		csv_append_row(written, header->fields, header->count);
	line = header->line;
	while ((status = csv_reader_next(reader, &row)) == 1) {
		check(row->record == ++record_number, "records out of order");
		check(row->line > line, "lines out of order");
		line = row->line;
		check_row(row, header->count);
		record_row(record, row);
		if (written != NULL)
			csv_append_row(written, row->fields, row->count);
	}
	if (status < 0) {
		const char *error = csv_reader_error(reader);

		check(strncmp(error, "fuzz:", 5) == 0, "an error not naming the input");
		check(csv_reader_error_status(reader) == 3 ||
		    csv_reader_error_status(reader) == 5, "an odd error status");
		check(csv_reader_next(reader, &row) == -1, "an error that goes away");
	} else {
		check(csv_reader_next(reader, &row) == 0, "an end that goes away");
	}
out:
	csv_reader_close(reader);
	return status == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buffer first = BUFFER_INIT, again = BUFFER_INIT;
	struct buffer written = BUFFER_INIT;
	size_t chunk;

	if (size == 0)
		return 0;
	chunk = (size_t)data[0] + 1;
	data++;
	size--;
	if (read_all(data, size, chunk, &first, &written)) {
		/* What the writer wrote reads back as the same rows, in
		 * chunks of another size. */
		check(read_all((const uint8_t *)written.data, written.length,
		    (chunk * 7) % 4096 + 1, &again, NULL), "the written CSV fails");
		check(first.length == again.length &&
		    memcmp(first.data, again.data, first.length) == 0,
		    "the written CSV reads back as other rows");
	}
	buffer_free(&first);
	buffer_free(&again);
	buffer_free(&written);
	return 0;
}
