/*
 * The order-independent row digest of docs/digest-format.md (format 1):
 * the number of rows and the sum, modulo 2^128, of each row's XXH3
 * 128-bit hash over the row's canonical encoding.  The same rows in any
 * order give the same digest; the header is not part of it.
 *
 * Format 1 is frozen: an archive digested today must verify with any
 * later ferry.  A change of encoding is a new format number, and the old
 * one stays computable.
 */
#ifndef FERRY_DIGEST_H
#define FERRY_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buffer.h"
#include "csv_read.h"

#define DIGEST_FORMAT 1

/* "0123...": 32 lowercase hex digits and a NUL. */
#define DIGEST_HEX_SIZE 33

struct digest {
	unsigned long long rows;	/* rows added */
	uint64_t high;			/* the sum of the rows' hashes, */
	uint64_t low;			/* modulo 2^128, in two halves */
};

#define DIGEST_INIT { 0, 0, 0 }

/* A row's 128-bit hash, as the two halves of one number. */
struct row_hash {
	uint64_t high;
	uint64_t low;
};

/*
 * Appends the canonical encoding of a row to out: the field count, then
 * each field as its length and bytes, a NULL as a length of all ones.
 * columns picks and orders the fields (count indexes into fields); NULL
 * takes the first count fields in order.
 */
void digest_encode_row(struct buffer *out, const struct csv_field *fields,
    const size_t *columns, size_t count);

/* The hash of one row (scratch is reused between calls). */
struct row_hash digest_hash_row(struct buffer *scratch,
    const struct csv_field *fields, const size_t *columns, size_t count);

/* Adds a row to digest. */
void digest_add_row(struct digest *digest, struct buffer *scratch,
    const struct csv_field *fields, const size_t *columns, size_t count);
void digest_add_hash(struct digest *digest, struct row_hash hash);

/* Adds the rows of part (a digest of other rows) to digest. */
void digest_merge(struct digest *digest, const struct digest *part);

bool digest_equal(const struct digest *a, const struct digest *b);

/* The sum as 32 hex digits, high half first.  Returns out. */
char *digest_hex(const struct digest *digest, char out[DIGEST_HEX_SIZE]);

/* Reads 32 hex digits (either case) into the sum; false if malformed. */
bool digest_parse_hex(const char *hex, struct digest *digest);

/*
 * Digests every data row of reader (header read if it was not yet) over
 * columns, count of them (NULL: every column of the header).  Returns
 * 0, or -1 when the reader failed (csv_reader_error says why).
 */
int digest_csv(struct csv_reader *reader, const size_t *columns,
    size_t count, struct digest *digest);

#endif
