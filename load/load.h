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
#include "csv_read.h"

enum load_mode {
	MODE_COPY,	/* COPY straight into the table */
	MODE_SKIP,	/* COPY into a temporary table, INSERT ... DO NOTHING */
	MODE_UPSERT,	/* the same, DO UPDATE where a row changed */
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
 * pieces without being held in memory.
 */
struct batch {
	PGconn *conn;
	enum load_mode mode;
	const char *copy_sql;	/* COPY ... FROM STDIN for the first step */
	const char *insert_sql;	/* skip/upsert: temp table -> table, or NULL */
	int spool_fd;
	size_t limit;		/* --batch-rows */
	size_t count;		/* rows in the batch */
	off_t *offsets;		/* count + 1 row starts in the spool */
	unsigned long *lines;	/* each row's input line */
	unsigned long *records;	/* each row's record number */
	struct buffer pending;	/* encoded rows not yet sent or spooled */
	struct reject *rejects;
	size_t reject_count;
	struct load_counts batch_counts;	/* of the batch in flight */
	bool in_transaction;	/* between batch_begin and commit/abort */
	bool in_copy;		/* a COPY FROM STDIN is open */
	bool row_index;		/* ferry_batch has an index on ferry_row */
};

void batch_init(struct batch *batch, PGconn *conn, enum load_mode mode,
    const char *copy_sql, const char *insert_sql, size_t limit);
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
