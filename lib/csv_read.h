/*
 * The one CSV reader: RFC 4180 on libcsv, streaming in fixed chunks, with
 * DESIGN.md's stream contract.  The first record is the header; NULL (an
 * empty unquoted field) stays apart from "" (a quoted empty field); an
 * empty line is a one-column row holding NULL; spaces are data; "\r\n",
 * "\n" and "\r" end lines.  Strict: an unterminated quote, bad quoting, a
 * row whose field count differs from the header's, invalid UTF-8 or a NUL
 * byte is an error naming the input, the line the record starts on and
 * the record number (the header is record 0).
 */
#ifndef FERRY_CSV_READ_H
#define FERRY_CSV_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct csv_field {
	const char *value;	/* NUL-terminated bytes; NULL for SQL NULL */
	size_t length;		/* bytes in value, 0 for NULL */
};

struct csv_row {
	struct csv_field *fields;	/* count fields */
	size_t count;
	unsigned long line;		/* input line the record starts on */
	unsigned long record;		/* 0 for the header, then 1, 2 ... */
};

struct csv_reader;

/*
 * Reads fd, named name in messages ("stdin", a path).  The reader does
 * not close fd.  csv_reader_open_path opens path ("-" is stdin) and dies
 * with exit 5 when it cannot.
 */
struct csv_reader *csv_reader_open(int fd, const char *name);
struct csv_reader *csv_reader_open_path(const char *path);

/*
 * Reads through a function instead of a descriptor: a COPY stream, a
 * file whose bytes are hashed as they pass.  read_function behaves as
 * read(2): bytes placed in buffer, 0 at the end, -1 with errno set.
 */
typedef ssize_t csv_read_fn(void *context, void *buffer, size_t size);
struct csv_reader *csv_reader_open_function(csv_read_fn *read_function,
    void *context, const char *name);

/*
 * The header record, read on first call.  Returns NULL on error
 * (including empty input): see csv_reader_error.
 */
const struct csv_row *csv_reader_header(struct csv_reader *reader);

/*
 * The next data record: 1 with *row set (valid until the next call), 0 at
 * the end of input, -1 on error.  Rows before an error are all returned
 * first; after -1 or 0 every further call returns the same.
 */
int csv_reader_next(struct csv_reader *reader, const struct csv_row **row);

/* After an error: "NAME:LINE: record N: what" and its exit status. */
const char *csv_reader_error(const struct csv_reader *reader);
int csv_reader_error_status(const struct csv_reader *reader);

/* Dies with the reader's message and exit status (after -1 or NULL). */
_Noreturn void csv_reader_die(const struct csv_reader *reader);

const char *csv_reader_name(const struct csv_reader *reader);
/* Input bytes consumed so far, for progress meters. */
unsigned long long csv_reader_bytes(const struct csv_reader *reader);

/* Frees the reader (and closes the file csv_reader_open_path opened). */
void csv_reader_close(struct csv_reader *reader);

/* Index of the column named name in the header, or -1. */
int csv_header_index(const struct csv_row *header, const char *name);

/* Whether length bytes at text are valid UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
bool utf8_valid(const char *text, size_t length);

#endif
