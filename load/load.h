/*
 * ferry-load's pieces: main.c reads options, the header and the rows and
 * reports; batch.c sends a batch of rows through COPY, isolates the rows
 * the server refuses and commits the rest.
 */
#ifndef FERRY_LOAD_H
#define FERRY_LOAD_H

#include <stdbool.h>
#include <stdio.h>
#include <libpq-fe.h>

#include "buffer.h"
#include "copy_binary.h"
#include "csv_read.h"

enum load_mode {
	MODE_COPY,	/* COPY straight into the table */
	MODE_SKIP,	/* COPY into a temporary table, INSERT ... DO NOTHING */
	MODE_UPSERT,	/* the same, DO UPDATE where a row changed */
};

/* --format: how the first attempt of each batch is sent. */
enum load_format {
	FORMAT_AUTO,	/* binary when every column has an encoder, else CSV */
	FORMAT_CSV,
	FORMAT_BINARY,
};

/* The counts of DESIGN.md, for one run. */
struct load_counts {
	unsigned long long read;	/* data rows read from the input */
	unsigned long long inserted;	/* rows new in the table */
	unsigned long long skipped;	/* rows whose key was there already */
	unsigned long long updated;	/* upsert: rows that changed */
	unsigned long long rejected;	/* refused rows */
};

/* A rejected row of the batch in flight, kept until the batch commits. */
struct reject {
	size_t row;		/* index in the batch */
	char *reason;		/* the server's message, malloced */
	char *kind;		/* its class for counting: "unique violation
				 * (t_code_key)", malloced */
};

/*
 * One batch: its rows are encoded as CSV into the spool file (0600,
 * unlinked) as they are sent, so that a refused batch can be re-sent in
 * pieces without being held in memory.  The first attempt sends them in
 * binary where it can (batch.c).
 */
struct batch {
	PGconn *conn;
	enum load_mode mode;
	char *csv_sql;		/* COPY ... FROM STDIN (FORMAT csv) */
	char *binary_sql;	/* the same (FORMAT binary), or NULL */
	const enum copy_encoding *encodings;	/* one per column; NULL: CSV */
	const char *insert_sql;	/* skip/upsert: temp table -> table, or NULL */
	int spool_fd;
	size_t limit;		/* --batch-rows */
	size_t count;		/* rows in the batch */
	off_t *offsets;		/* count + 1 row starts in the spool */
	unsigned long *lines;	/* each row's input line */
	unsigned long *records;	/* each row's record number */
	struct buffer pending;	/* CSV rows not yet spooled (nor sent) */
	struct buffer binary;	/* binary tuples not yet sent */
	enum {
		SEND_CSV,	/* the first attempt's COPY is CSV */
		SEND_BINARY,	/* it is binary */
		SEND_NOTHING,	/* it was refused: rows are only spooled */
	} sending;
	size_t binary_rows;	/* rows [0, binary_rows) went in binary */
	PGresult *refused;	/* the binary COPY, refused when it ended
				 * before the batch did, or NULL */
	struct reject *rejects;
	size_t reject_count;
	struct load_counts batch_counts;	/* of the batch in flight */
	bool in_transaction;	/* between batch_begin and commit/abort */
	bool in_copy;		/* a COPY FROM STDIN is open */
	bool row_index;		/* ferry_batch has an index on ferry_row */
};

/*
 * copy_sql is COPY ... FROM STDIN without options: the batch adds the
 * format.  encodings (header order, kept by the caller) make the first
 * attempts binary; NULL keeps them CSV.
 */
void batch_init(struct batch *batch, PGconn *conn, enum load_mode mode,
    const char *copy_sql, const char *insert_sql,
    const enum copy_encoding *encodings, size_t limit);
/* Opens the batch's transaction and its COPY. */
void batch_begin(struct batch *batch);
/* Adds a row: spooled and sent. */
void batch_add(struct batch *batch, const struct csv_row *row);
/*
 * Ends the COPY and, where the server refused anything, isolates the
 * refused rows into batch->rejects and applies the rest.  The transaction
 * stays open: the caller commits or rolls back.
 */
void batch_finish(struct batch *batch);
/* Aborts the COPY in flight with message and rolls the batch back. */
void batch_abort(struct batch *batch, const char *message);
/* Forgets the batch's rows and rejects after commit or rollback. */
void batch_clear(struct batch *batch);
/* A row of the batch as it was spooled (CSV, ending in "\n"). */
char *batch_row_text(struct batch *batch, size_t row, size_t *length);

#endif
