#include "csv_read.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

#define CHUNK_SIZE (64 * 1024)

/*
 * libcsv is a push parser: one chunk fed to csv_parse yields any number
 * of rows through callbacks.  They are queued here (field bytes copied
 * into the arena) and handed out one by one; the queue is emptied before
 * the next chunk is parsed, so memory stays near the chunk size.
 */
struct pending_field {
	size_t offset;		/* in arena */
	size_t length;
	bool is_null;
};

struct pending_row {
	size_t first_field;	/* index in fields */
	size_t count;
	unsigned long line;
	unsigned long record;
};

struct csv_reader {
	struct csv_parser parser;
	int fd;
	bool owns_fd;
	csv_read_fn *read_function;	/* NULL: read(2) on fd */
	void *read_context;
	char *name;
	unsigned char *chunk;

	struct buffer_arena {
		char *data;
		size_t used, size;
	} arena;
	struct pending_field *fields;
	size_t field_count, field_size;
	struct pending_row *rows;
	size_t row_count, row_size, row_next;

	size_t row_first_field;		/* where the row being parsed starts */
	bool in_row;			/* a field of it has been seen */
	unsigned long row_line;		/* the line it starts on */
	unsigned long lines_done;	/* line ends consumed so far */
	int last_terminator;		/* what ended the previous row */
	unsigned long records;		/* records completed, header included */
	unsigned long long bytes;

	bool have_header;
	struct csv_row header;
	char *header_data;
	struct csv_row current;
	size_t current_size;

	bool at_end;
	bool failed;
	int error_status;
	char error[1024];
};

bool
utf8_valid(const char *text, size_t length)
{
	const unsigned char *s = (const unsigned char *)text;
	const unsigned char *end = s + length;

	while (s < end) {
		if (end - s >= 8) {
			uint64_t word;

			memcpy(&word, s, 8);
			if ((word & 0x8080808080808080ULL) == 0) {
				s += 8;
				continue;
			}
		}
		if (*s < 0x80) {
			s++;
		} else if (*s >= 0xc2 && *s <= 0xdf) {
			if (end - s < 2 || (s[1] & 0xc0) != 0x80)
				return false;
			s += 2;
		} else if (*s >= 0xe0 && *s <= 0xef) {
			if (end - s < 3 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80)
				return false;
			if (*s == 0xe0 && s[1] < 0xa0)
				return false;	/* overlong */
			if (*s == 0xed && s[1] >= 0xa0)
				return false;	/* surrogate */
			s += 3;
		} else if (*s >= 0xf0 && *s <= 0xf4) {
			if (end - s < 4 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
				return false;
			if (*s == 0xf0 && s[1] < 0x90)
				return false;	/* overlong */
			if (*s == 0xf4 && s[1] >= 0x90)
				return false;	/* above U+10FFFF */
			s += 4;
		} else {
			return false;
		}
	}
	return true;
}

static void
fail(struct csv_reader *reader, int status, unsigned long line,
    unsigned long record, const char *what)
{
	if (reader->failed)
		return;
	reader->failed = true;
	reader->error_status = status;
	snprintf(reader->error, sizeof(reader->error),
	    "%s:%lu: record %lu: %s", reader->name, line, record, what);
}

static int
never_space(unsigned char c)
{
	(void)c;
	return 0;
}

static void
on_field(void *bytes, size_t length, void *data)
{
	struct csv_reader *reader = data;
	struct pending_field *field;
	const char *text = bytes;

	if (reader->failed)
		return;
	if (!reader->in_row) {
		reader->in_row = true;
		reader->row_line = reader->lines_done + 1;
	}
	if (text != NULL) {
		const char *newline = memchr(text, '\n', length);

		while (newline != NULL) {
			reader->lines_done++;
			newline = memchr(newline + 1, '\n',
			    length - (size_t)(newline + 1 - text));
		}
		if (memchr(text, '\0', length) != NULL) {
			fail(reader, FERRY_EXIT_MALFORMED, reader->row_line,
			    reader->records, "NUL byte in a field");
			return;
		}
		if (!utf8_valid(text, length)) {
			fail(reader, FERRY_EXIT_MALFORMED, reader->row_line,
			    reader->records, "invalid UTF-8 in a field");
			return;
		}
	}
	if (reader->field_count == reader->field_size) {
		reader->field_size = reader->field_size ? reader->field_size * 2 : 256;
		reader->fields = ferry_realloc(reader->fields,
		    reader->field_size * sizeof(*reader->fields));
	}
	if (reader->arena.used + length + 1 > reader->arena.size) {
		size_t size = reader->arena.size ? reader->arena.size : CHUNK_SIZE;

		while (size < reader->arena.used + length + 1)
			size *= 2;
		reader->arena.data = ferry_realloc(reader->arena.data, size);
		reader->arena.size = size;
	}
	field = &reader->fields[reader->field_count++];
	field->offset = reader->arena.used;
	field->length = text != NULL ? length : 0;
	field->is_null = text == NULL;
	if (text != NULL)
		memcpy(reader->arena.data + reader->arena.used, text, length);
	reader->arena.data[reader->arena.used + field->length] = '\0';
	reader->arena.used += field->length + 1;
}

static void
finish_header(struct csv_reader *reader, struct pending_row *row)
{
	for (size_t i = 0; i < row->count; i++) {
		struct pending_field *field = &reader->fields[row->first_field + i];
		const char *name = reader->arena.data + field->offset;

		if (field->is_null || field->length == 0) {
			char what[64];

			snprintf(what, sizeof(what),
			    "header: column %zu has no name", i + 1);
			fail(reader, FERRY_EXIT_MALFORMED, row->line, 0, what);
			return;
		}
		for (size_t j = 0; j < i; j++) {
			struct pending_field *other =
			    &reader->fields[row->first_field + j];

			if (strcmp(name, reader->arena.data + other->offset) == 0) {
				char what[512], shown[256];

				snprintf(what, sizeof(what),
				    "header: column \"%s\" named twice",
				    ferry_escape(shown, sizeof(shown), name,
				    field->length));
				fail(reader, FERRY_EXIT_MALFORMED, row->line, 0,
				    what);
				return;
			}
		}
	}
	reader->have_header = true;
	reader->header.count = row->count;
}

static void
on_row(int terminator, void *data)
{
	struct csv_reader *reader = data;
	struct pending_row *row;
	bool empty = reader->field_count == reader->row_first_field;

	if (reader->failed)
		return;
	if (empty && terminator == '\n' && reader->last_terminator == '\r') {
		/* The LF of a CRLF: libcsv reports it as a row of its own. */
		reader->last_terminator = '\n';
		return;
	}
	if (!reader->in_row)
		reader->row_line = reader->lines_done + 1;
	if (empty)
		on_field(NULL, 0, reader);	/* an empty line: one NULL */
	if (reader->failed)
		return;
	if (terminator == '\n' || terminator == '\r')
		reader->lines_done++;
	reader->last_terminator = terminator;
	reader->in_row = false;

	if (reader->row_count == reader->row_size) {
		reader->row_size = reader->row_size ? reader->row_size * 2 : 64;
		reader->rows = ferry_realloc(reader->rows,
		    reader->row_size * sizeof(*reader->rows));
	}
	row = &reader->rows[reader->row_count];
	row->first_field = reader->row_first_field;
	row->count = reader->field_count - reader->row_first_field;
	row->line = reader->row_line;
	row->record = reader->records;
	reader->row_first_field = reader->field_count;

	if (!reader->have_header && reader->records == 0) {
		finish_header(reader, row);
		if (reader->failed)
			return;
	} else if (row->count != reader->header.count) {
		char what[128];

		snprintf(what, sizeof(what),
		    "%zu fields, the header has %zu", row->count,
		    reader->header.count);
		fail(reader, FERRY_EXIT_MALFORMED, row->line, row->record, what);
		return;
	}
	reader->records++;
	reader->row_count++;
}

struct csv_reader *
csv_reader_open(int fd, const char *name)
{
	struct csv_reader *reader = ferry_malloc(sizeof(*reader));

	memset(reader, 0, sizeof(*reader));
	if (csv_init(&reader->parser, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_REPALL_NL | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		ferry_die(FERRY_EXIT_IO, "out of memory");
	csv_set_space_func(&reader->parser, never_space);
	reader->fd = fd;
	reader->name = ferry_strdup(name);
	reader->chunk = ferry_malloc(CHUNK_SIZE);
	return reader;
}

struct csv_reader *
csv_reader_open_path(const char *path)
{
	struct csv_reader *reader;
	int fd;

	if (strcmp(path, "-") == 0)
		return csv_reader_open(STDIN_FILENO, "stdin");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	reader = csv_reader_open(fd, path);
	reader->owns_fd = true;
	return reader;
}

struct csv_reader *
csv_reader_open_function(csv_read_fn *read_function, void *context,
    const char *name)
{
	struct csv_reader *reader = csv_reader_open(-1, name);

	reader->read_function = read_function;
	reader->read_context = context;
	return reader;
}

/* Parses the next chunk; false when nothing more can be queued. */
static bool
parse_chunk(struct csv_reader *reader)
{
	ssize_t got;
	size_t parsed;

	if (reader->at_end || reader->failed)
		return false;
	do
		got = reader->read_function != NULL ?
		    reader->read_function(reader->read_context, reader->chunk,
		    CHUNK_SIZE) : read(reader->fd, reader->chunk, CHUNK_SIZE);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		char what[256];

		snprintf(what, sizeof(what), "read: %s", strerror(errno));
		fail(reader, FERRY_EXIT_IO, reader->lines_done + 1,
		    reader->records, what);
		return false;
	}
	if (got == 0) {
		reader->at_end = true;
		if (csv_fini(&reader->parser, on_field, on_row, reader) != 0) {
			fail(reader, FERRY_EXIT_MALFORMED, reader->in_row ?
			    reader->row_line : reader->lines_done + 1,
			    reader->records,
			    "unterminated quoted field at end of input");
		}
		if (!reader->have_header && !reader->failed)
			fail(reader, FERRY_EXIT_MALFORMED, 1, 0,
			    "empty input: no header line");
		return reader->row_count > 0;
	}
	parsed = csv_parse(&reader->parser, reader->chunk, (size_t)got,
	    on_field, on_row, reader);
	if (parsed != (size_t)got && !reader->failed) {
		char what[128];
		int code = csv_error(&reader->parser);

		if (code == CSV_EPARSE)
			snprintf(what, sizeof(what), "malformed quoting "
			    "(a quote inside an unquoted field, or text after "
			    "a closing quote) at byte %llu",
			    reader->bytes + parsed + 1);
		else
			snprintf(what, sizeof(what), "%s",
			    csv_strerror(code));
		fail(reader, code == CSV_EPARSE ? FERRY_EXIT_MALFORMED :
		    FERRY_EXIT_IO, reader->in_row ? reader->row_line :
		    reader->lines_done + 1, reader->records, what);
	}
	reader->bytes += (size_t)got;
	return true;
}

/* Points reader->current at queued row i. */
static const struct csv_row *
make_row(struct csv_reader *reader, const struct pending_row *pending)
{
	if (pending->count > reader->current_size) {
		reader->current_size = pending->count;
		reader->current.fields = ferry_realloc(reader->current.fields,
		    reader->current_size * sizeof(struct csv_field));
	}
	for (size_t i = 0; i < pending->count; i++) {
		const struct pending_field *field =
		    &reader->fields[pending->first_field + i];

		reader->current.fields[i].value = field->is_null ? NULL :
		    reader->arena.data + field->offset;
		reader->current.fields[i].length = field->length;
	}
	reader->current.count = pending->count;
	reader->current.line = pending->line;
	reader->current.record = pending->record;
	return &reader->current;
}

/*
 * Takes the next queued row, parsing chunks as needed.  The queue is
 * compacted (fields and arena reset) only when it is empty and no row is
 * half-parsed, which is the state between two csv_parse calls whose
 * chunk ended on a row end; otherwise the partial row's fields move down.
 */
static const struct pending_row *
take_row(struct csv_reader *reader)
{
	while (reader->row_next == reader->row_count) {
		size_t keep_from = reader->row_first_field;
		size_t keep = reader->field_count - keep_from;

		if (reader->row_count > 0 || keep_from > 0) {
			size_t arena_from = keep > 0 ?
			    reader->fields[keep_from].offset : reader->arena.used;

			memmove(reader->arena.data, reader->arena.data +
			    arena_from, reader->arena.used - arena_from);
			reader->arena.used -= arena_from;
			for (size_t i = 0; i < keep; i++) {
				reader->fields[i] = reader->fields[keep_from + i];
				reader->fields[i].offset -= arena_from;
			}
			reader->field_count = keep;
			reader->row_first_field = 0;
			reader->row_count = reader->row_next = 0;
		}
		if (!parse_chunk(reader))
			return NULL;
	}
	return &reader->rows[reader->row_next++];
}

const struct csv_row *
csv_reader_header(struct csv_reader *reader)
{
	const struct pending_row *pending;

	if (reader->header_data != NULL)
		return &reader->header;
	if (reader->failed)
		return NULL;
	pending = take_row(reader);
	if (pending == NULL || !reader->have_header)
		return NULL;
	/* The header outlives the queue: copy it. */
	{
		const struct csv_row *row = make_row(reader, pending);
		size_t total = 0, offset = 0;

		for (size_t i = 0; i < row->count; i++)
			total += row->fields[i].length + 1;
		reader->header_data = ferry_malloc(total);
		reader->header.fields = ferry_malloc(row->count *
		    sizeof(struct csv_field));
		for (size_t i = 0; i < row->count; i++) {
			memcpy(reader->header_data + offset,
			    row->fields[i].value, row->fields[i].length + 1);
			reader->header.fields[i].value = reader->header_data + offset;
			reader->header.fields[i].length = row->fields[i].length;
			offset += row->fields[i].length + 1;
		}
		reader->header.count = row->count;
		reader->header.line = row->line;
		reader->header.record = 0;
	}
	return &reader->header;
}

int
csv_reader_next(struct csv_reader *reader, const struct csv_row **row)
{
	const struct pending_row *pending;

	if (reader->header_data == NULL && csv_reader_header(reader) == NULL)
		return -1;
	pending = take_row(reader);
	if (pending == NULL)
		return reader->failed ? -1 : 0;
	*row = make_row(reader, pending);
	return 1;
}

const char *
csv_reader_error(const struct csv_reader *reader)
{
	return reader->error;
}

int
csv_reader_error_status(const struct csv_reader *reader)
{
	return reader->error_status;
}

void
csv_reader_die(const struct csv_reader *reader)
{
	ferry_die((enum ferry_exit)reader->error_status, "%s", reader->error);
}

const char *
csv_reader_name(const struct csv_reader *reader)
{
	return reader->name;
}

unsigned long long
csv_reader_bytes(const struct csv_reader *reader)
{
	return reader->bytes;
}

void
csv_reader_close(struct csv_reader *reader)
{
	if (reader == NULL)
		return;
	csv_free(&reader->parser);
	if (reader->owns_fd)
		close(reader->fd);
	free(reader->name);
	free(reader->chunk);
	free(reader->arena.data);
	free(reader->fields);
	free(reader->rows);
	free(reader->header.fields);
	free(reader->header_data);
	free(reader->current.fields);
	free(reader);
}

int
csv_header_index(const struct csv_row *header, const char *name)
{
	for (size_t i = 0; i < header->count; i++)
		if (strcmp(header->fields[i].value, name) == 0)
			return (int)i;
	return -1;
}
