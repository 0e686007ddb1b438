#include "connection.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "error.h"

static const char session_settings[] =
	"SET client_encoding = 'UTF8';"
	"SET DateStyle = 'ISO, YMD';"
	"SET TimeZone = 'UTC';"
	"SET IntervalStyle = 'postgres';"
	"SET extra_float_digits = 3;"
	"SET bytea_output = 'hex';";

/* Copies message into out as one line: newlines and tabs become spaces,
 * trailing space goes. */
static const char *
one_line(char *out, size_t out_size, const char *message)
{
	size_t length;

	snprintf(out, out_size, "%s", message != NULL ? message : "");
	for (char *c = out; *c != '\0'; c++)
		if (*c == '\n' || *c == '\t' || *c == '\r')
			*c = ' ';
	length = strlen(out);
	while (length > 0 && out[length - 1] == ' ')
		out[--length] = '\0';
	return out;
}

const char *
ferry_database_error(PGconn *conn, const PGresult *result, char *out,
    size_t out_size)
{
	const char *primary, *detail, *hint;
	char joined[4096];

	if (result == NULL ||
	    (primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)) == NULL)
		return one_line(out, out_size, result != NULL &&
		    *PQresultErrorMessage(result) != '\0' ?
		    PQresultErrorMessage(result) : PQerrorMessage(conn));
	detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
	hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT);
	snprintf(joined, sizeof(joined), "%s%s%s%s%s", primary,
	    detail != NULL ? " (" : "", detail != NULL ? detail : "",
	    detail != NULL ? ")" : "",
	    hint != NULL ? "" : "");
	if (hint != NULL) {
		size_t used = strlen(joined);

		snprintf(joined + used, sizeof(joined) - used, "; hint: %s",
		    hint);
	}
	return one_line(out, out_size, joined);
}

void
ferry_die_database(PGconn *conn, const PGresult *result, const char *what)
{
	char message[4096];

	ferry_die(FERRY_EXIT_DATABASE, "%s: %s", what,
	    ferry_database_error(conn, result, message, sizeof(message)));
}

/*
 * The open connections, so that memory a connection holds stays reachable
 * when ferry_die exits without closing it (valgrind counts no leak).
 */
static PGconn *open_connections[8];

PGconn *
ferry_connect(const char *conninfo)
{
	const char *keywords[] = { "fallback_application_name", "dbname", NULL };
	const char *values[] = { ferry_program(), conninfo, NULL };
	PGconn *conn;
	PGresult *result;

	if (conninfo == NULL)
		keywords[1] = NULL;
	conn = PQconnectdbParams(keywords, values, 1);
	if (conn == NULL)
		ferry_die(FERRY_EXIT_IO, "out of memory connecting");
	if (PQstatus(conn) != CONNECTION_OK) {
		char message[4096];

		one_line(message, sizeof(message), PQerrorMessage(conn));
		PQfinish(conn);
		ferry_die(FERRY_EXIT_DATABASE, "cannot connect: %s", message);
	}
	for (size_t i = 0; i < sizeof(open_connections) / sizeof(conn); i++)
		if (open_connections[i] == NULL) {
			open_connections[i] = conn;
			break;
		}
	result = PQexec(conn, session_settings);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		ferry_die_database(conn, result, "session settings");
	PQclear(result);
	return conn;
}

/* Dies unless result is a success; returns it. */
static PGresult *
check_result(PGconn *conn, PGresult *result, const char *sql)
{
	ExecStatusType status = PQresultStatus(result);

	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		char what[256];
		size_t length = strcspn(sql, "\n");

		snprintf(what, sizeof(what), "%.*s", (int)(length < 120 ?
		    length : 120), sql);
		ferry_die_database(conn, result, what);
	}
	return result;
}

PGresult *
ferry_exec(PGconn *conn, const char *sql)
{
	return check_result(conn, PQexec(conn, sql), sql);
}

PGresult *
ferry_exec_params(PGconn *conn, const char *sql, int count,
    const char *const *values)
{
	return check_result(conn, PQexecParams(conn, sql, count, NULL, values,
	    NULL, NULL, 0), sql);
}

void
ferry_exec_command(PGconn *conn, const char *sql)
{
	PQclear(ferry_exec(conn, sql));
}

static void
append_quoted(struct buffer *out, const char *text, size_t length, char quote)
{
	buffer_append_char(out, quote);
	for (size_t i = 0; i < length; i++) {
		if (text[i] == quote)
			buffer_append_char(out, quote);
		buffer_append_char(out, text[i]);
	}
	buffer_append_char(out, quote);
}

char *
ferry_quote_identifier(const char *name)
{
	struct buffer out = BUFFER_INIT;

	append_quoted(&out, name, strlen(name), '"');
	return buffer_terminate(&out);
}

char *
ferry_quote_table(const char *name)
{
	struct buffer out = BUFFER_INIT;
	const char *dot = strchr(name, '.');

	if (dot != NULL) {
		append_quoted(&out, name, (size_t)(dot - name), '"');
		buffer_append_char(&out, '.');
		name = dot + 1;
	}
	append_quoted(&out, name, strlen(name), '"');
	return buffer_terminate(&out);
}

char *
ferry_primary_key(PGconn *conn, const char *quoted_table,
    const char *separator, bool quote_names)
{
	const char *parameters[3] = { quoted_table, separator,
	    quote_names ? "t" : "f" };
	PGresult *result = ferry_exec_params(conn,
	    "SELECT string_agg(CASE WHEN $3::boolean THEN quote_ident(a.attname)"
	    "                       ELSE a.attname::text END, $2"
	    "                  ORDER BY array_position(i.indkey::int2[], a.attnum))"
	    "  FROM pg_index i"
	    "  JOIN pg_attribute a ON a.attrelid = i.indrelid"
	    "   AND a.attnum = ANY (i.indkey::int2[])"
	    " WHERE i.indrelid = to_regclass($1) AND i.indisprimary",
	    3, parameters);
	char *key = PQgetisnull(result, 0, 0) ? NULL :
	    ferry_strdup(PQgetvalue(result, 0, 0));

	PQclear(result);
	return key;
}

char *
ferry_quote_literal(const char *value)
{
	struct buffer out = BUFFER_INIT;

	append_quoted(&out, value, strlen(value), '\'');
	return buffer_terminate(&out);
}
