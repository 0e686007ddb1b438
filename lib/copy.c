#include "copy.h"

#include "connection.h"
#include "error.h"

unsigned long long
copy_out(PGconn *conn, const char *sql, copy_sink_fn *sink, void *context)
{
	PGresult *result = PQexec(conn, sql);
	unsigned long long messages = 0;
	char *data;
	int length;

	if (PQresultStatus(result) != PGRES_COPY_OUT)
		ferry_die_database(conn, result, "COPY TO STDOUT");
	PQclear(result);
	while ((length = PQgetCopyData(conn, &data, 0)) > 0) {
		sink(context, data, (size_t)length);
		PQfreemem(data);
		messages++;
	}
	if (length == -2)
		ferry_die_database(conn, NULL, "COPY TO STDOUT");
	result = PQgetResult(conn);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		ferry_die_database(conn, result, "COPY TO STDOUT");
	PQclear(result);
	while ((result = PQgetResult(conn)) != NULL)
		PQclear(result);
	return messages;
}

void
copy_in_start(PGconn *conn, const char *sql)
{
	PGresult *result = PQexec(conn, sql);

	if (PQresultStatus(result) != PGRES_COPY_IN)
		ferry_die_database(conn, result, "COPY FROM STDIN");
	PQclear(result);
}

void
copy_in_send(PGconn *conn, const char *data, size_t length)
{
	if (length == 0)
		return;
	if (length > 0x7fffffff)
		ferry_die(FERRY_EXIT_IO, "internal: COPY message too large");
	if (PQputCopyData(conn, data, (int)length) != 1)
		ferry_die_database(conn, NULL, "COPY FROM STDIN");
}

PGresult *
copy_in_end(PGconn *conn, const char *abort_message)
{
	PGresult *result, *extra;

	if (PQputCopyEnd(conn, abort_message) != 1)
		ferry_die_database(conn, NULL, "COPY FROM STDIN");
	result = PQgetResult(conn);
	while ((extra = PQgetResult(conn)) != NULL)
		PQclear(extra);
	return result;
}
