/*
 * A COPY ... TO STDOUT (FORMAT csv, HEADER) read through the one CSV
 * reader, so that rows from the server and rows from a file are parsed,
 * and digested, the same way.  Memory stays at one CopyData message and
 * the reader's chunk.
 */
#ifndef FERRY_COPY_READER_H
#define FERRY_COPY_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <libpq-fe.h>

#include "csv_read.h"

struct copy_reader {
	PGconn *conn;
	char *message;		/* the CopyData message being handed out */
	size_t length;		/* its bytes */
	size_t offset;		/* bytes of it handed out */
	bool done;		/* the COPY has ended well */
};

/*
 * Starts sql (a COPY ... TO STDOUT; dies with exit 4 unless the server
 * enters COPY OUT) and returns a reader of its output named name.  The
 * reader's end of input is the COPY's successful end: a server error
 * mid-stream dies with exit 4.
 */
struct csv_reader *copy_reader_open(struct copy_reader *copy, PGconn *conn,
    const char *sql, const char *name);

/* Frees what is left (the reader itself is csv_reader_close's). */
void copy_reader_close(struct copy_reader *copy);

#endif
