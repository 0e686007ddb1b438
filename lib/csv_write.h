/*
 * The one CSV writer, the reader's mirror: a field is quoted only where it
 * must be (a comma, quote, CR or LF in it, the empty string, or a row's
 * only field "\." which COPY would take for end of data), as PostgreSQL's
 * COPY TO quotes; NULL is written as nothing; rows end in "\n".  Output is buffered and every write is checked: a write error
 * (EPIPE, ENOSPC) dies with exit 5 naming the output.
 */
#ifndef FERRY_CSV_WRITE_H
#define FERRY_CSV_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"
#include "csv_read.h"

/* Appends one field (value NULL for SQL NULL), preceded by a comma
 * unless first.  A row of one field "\." must go through csv_append_row. */
void csv_append_field(struct buffer *out, const char *value, size_t length,
    bool first);
/* Appends a whole row and its "\n". */
void csv_append_row(struct buffer *out, const struct csv_field *fields,
    size_t count);

struct csv_writer;

/* Writes to fd (not closed by the writer), named name in messages. */
struct csv_writer *csv_writer_open(int fd, const char *name);

void csv_write_field(struct csv_writer *writer, const char *value,
    size_t length);
/* A field given as a C string (never NULL). */
void csv_write_string(struct csv_writer *writer, const char *value);
void csv_write_end_row(struct csv_writer *writer);
/*
 * Appends fields already encoded as CSV (no line end), as if written one
 * by one: the next field written follows them after a comma.
 */
void csv_write_encoded(struct csv_writer *writer, const char *fields,
    size_t length, size_t field_count);
void csv_write_row(struct csv_writer *writer, const struct csv_field *fields,
    size_t count);

/* Bytes handed to the writer so far (flushed or not). */
unsigned long long csv_writer_bytes(const struct csv_writer *writer);
void csv_writer_flush(struct csv_writer *writer);
/* Flushes and frees; the descriptor stays open. */
void csv_writer_close(struct csv_writer *writer);

/* Writes all of length bytes to fd, dying with exit 5 naming name. */
void write_all(int fd, const char *name, const void *data, size_t length);

#endif
