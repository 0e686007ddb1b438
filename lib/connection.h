/*
 * The one way ferry connects to PostgreSQL.  -d CONNINFO takes anything
 * libpq takes (key=value, a URI, service=NAME); without it libpq's
 * environment applies (PGHOST, PGSERVICE, ~/.pgpass, PGSSLMODE ...).
 * Every session is then fixed so that the same rows give the same bytes
 * on any server: client_encoding UTF8, DateStyle ISO, TimeZone UTC,
 * IntervalStyle postgres, extra_float_digits 3, bytea_output hex.
 * Failures are exit 4 with libpq's or the server's message, which never
 * holds a password.
 */
#ifndef FERRY_CONNECTION_H
#define FERRY_CONNECTION_H

#include <stdbool.h>
#include <libpq-fe.h>

/* Connects (conninfo NULL: the environment) or dies with exit 4. */
PGconn *ferry_connect(const char *conninfo);

/*
 * Dies with exit 4: "what: MESSAGE" where MESSAGE is the result's error
 * (or the connection's when result is NULL), on one line, with the
 * server's DETAIL and HINT when it gave them.
 */
_Noreturn void ferry_die_database(PGconn *conn, const PGresult *result,
    const char *what);

/*
 * The server's error of result (or of conn) as one line, without the
 * "ERROR:  " prefix, DETAIL appended: for reject files and messages.
 * Points into result or conn; valid until either changes.
 */
const char *ferry_database_error(PGconn *conn, const PGresult *result,
    char *out, size_t out_size);

/*
 * Runs sql (ferry_exec: one or more statements; ferry_exec_params: one,
 * with $1... bound to values); dies (exit 4) unless it succeeds, naming
 * the statement's first line.  The caller PQclears.
 */
PGresult *ferry_exec(PGconn *conn, const char *sql);
PGresult *ferry_exec_params(PGconn *conn, const char *sql, int count,
    const char *const *values);
/* Runs sql for its effect only. */
void ferry_exec_command(PGconn *conn, const char *sql);

/*
 * An identifier quoted for SQL ("name" with quotes doubled), malloced.
 * A table name "schema.name" is split at its first dot and each part
 * quoted: ferry_quote_table.  Names are never folded to lower case.
 */
char *ferry_quote_identifier(const char *name);
char *ferry_quote_table(const char *name);

/*
 * The primary key's columns of a table (given quoted, as
 * ferry_quote_table makes it), in key order, joined by separator: with
 * quote_names, each quoted for SQL.  Malloced; NULL when the table has no
 * primary key.
 */
char *ferry_primary_key(PGconn *conn, const char *quoted_table,
    const char *separator, bool quote_names);

/* A string literal ('...' with quotes doubled), malloced. */
char *ferry_quote_literal(const char *value);

#endif
