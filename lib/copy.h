/*
 * COPY in both directions over libpq, the loops of pgcopydb's pgsql.c:
 * PQgetCopyData into a sink, PQputCopyData from a buffer, PQputCopyEnd
 * with an error message to make the server roll a COPY back.
 */
#ifndef FERRY_COPY_H
#define FERRY_COPY_H

#include <stdbool.h>
#include <libpq-fe.h>

/*
 * Runs a COPY ... TO STDOUT and hands every CopyData message (one row, or
 * the header line) to sink.  Returns the number of messages; dies with
 * exit 4 on a server error.
 */
typedef void copy_sink_fn(void *context, const char *data, size_t length);
unsigned long long copy_out(PGconn *conn, const char *sql, copy_sink_fn *sink,
    void *context);

/*
 * COPY ... FROM STDIN: copy_in_start sends sql and dies (exit 4) unless
 * the server enters COPY IN; copy_in_send sends bytes (dies when the
 * connection is lost); copy_in_end finishes it, or with abort_message
 * non-NULL aborts it, and returns the COPY's result: the caller checks
 * its status (a refused batch is not fatal) and PQclears it.
 */
void copy_in_start(PGconn *conn, const char *sql);
void copy_in_send(PGconn *conn, const char *data, size_t length);
PGresult *copy_in_end(PGconn *conn, const char *abort_message);

#endif
