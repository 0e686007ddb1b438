/*
 * PostgreSQL's binary COPY format, encoded from ferry's CSV values, so
 * that the server parses no text on the way in.  Values must round-trip
 * exactly: an encoder takes only the canonical text of its type, as the
 * server prints it in ferry's session (DateStyle ISO, TimeZone UTC,
 * extra_float_digits 3), and refuses anything else instead of guessing:
 * such a row goes as CSV, and the server's own input function decides
 * (with its own error for a bad value).
 *
 * The stream: copy_binary_header, one copy_binary_row per row,
 * copy_binary_trailer.  Each tuple is an int16 field count, then per field
 * an int32 length (-1 for NULL) and that many bytes, in network byte
 * order.
 */
#ifndef FERRY_COPY_BINARY_H
#define FERRY_COPY_BINARY_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "buffer.h"
#include "csv_read.h"

/* How a column's values are encoded: one per base type. */
enum copy_encoding {
	ENCODE_BOOL,		/* 't' or 'f' */
	ENCODE_INT2,		/* [+-]digits, in range */
	ENCODE_INT4,
	ENCODE_INT8,
	ENCODE_FLOAT4,		/* [-]digits[.digits][e[+-]digits], finite */
	ENCODE_FLOAT8,
	ENCODE_NUMERIC,		/* [-]digits[.digits] */
	ENCODE_UUID,		/* 8-4-4-4-12 hex digits, either case */
	ENCODE_TEXT,		/* the bytes: text, varchar, bpchar, json, enums */
	ENCODE_NAME,		/* the bytes, under 64 of them */
	ENCODE_JSONB,		/* version 1, then the text */
	ENCODE_DATE,		/* YYYY-MM-DD, years 1 to 9999 */
	ENCODE_TIMESTAMP,	/* YYYY-MM-DD HH:MM:SS[.ffffff] */
	ENCODE_TIMESTAMPTZ,	/* the same, then +HH[:MM[:SS]] (or -) */
};

/*
 * Looks up the type of each header column in table (quoted as
 * ferry_quote_table quotes it; every header column is one of its
 * columns), domains resolved to their base type, and fills encodings
 * (header->count of them).  False when some column's type has no encoder,
 * with the reason in reason ("column \"x\" is inet, which ..."); dies
 * (exit 4) on a server error.
 */
bool copy_binary_encodings(PGconn *conn, const char *table,
    const struct csv_row *header, enum copy_encoding *encodings,
    char *reason, size_t reason_size);

/* The signature, flags 0 and no header extension. */
void copy_binary_header(struct buffer *out);
/* The end of the data: a field count of -1. */
void copy_binary_trailer(struct buffer *out);

/*
 * Appends one tuple of count fields, encoded by encodings, and returns
 * true; or returns false, leaving out as it was, when a value is not in
 * the canonical form its encoder takes.
 */
bool copy_binary_row(struct buffer *out, const enum copy_encoding *encodings,
    const struct csv_field *fields, size_t count);

#endif
