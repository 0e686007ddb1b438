#include "copy_reader.h"

#include <string.h>

#include "connection.h"
#include "error.h"

static ssize_t
copy_read(void *context, void *buffer, size_t size)
{
	struct copy_reader *copy = context;
	size_t length;

	while (copy->offset == copy->length) {
		int got;

		if (copy->done)
			return 0;
		if (copy->message != NULL)
			PQfreemem(copy->message);
		copy->message = NULL;
		copy->length = copy->offset = 0;
		got = PQgetCopyData(copy->conn, &copy->message, 0);
		if (got == -2)
			ferry_die_database(copy->conn, NULL, "COPY TO STDOUT");
		if (got == -1) {
			PGresult *result = PQgetResult(copy->conn);

			if (PQresultStatus(result) != PGRES_COMMAND_OK)
				ferry_die_database(copy->conn, result,
				    "COPY TO STDOUT");
			PQclear(result);
			while ((result = PQgetResult(copy->conn)) != NULL)
				PQclear(result);
			copy->done = true;
			return 0;
		}
		copy->length = (size_t)got;
	}
	length = copy->length - copy->offset;
	if (length > size)
		length = size;
	memcpy(buffer, copy->message + copy->offset, length);
	copy->offset += length;
	return (ssize_t)length;
}

struct csv_reader *
copy_reader_open(struct copy_reader *copy, PGconn *conn, const char *sql,
    const char *name)
{
	PGresult *result = PQexec(conn, sql);

	if (PQresultStatus(result) != PGRES_COPY_OUT)
		ferry_die_database(conn, result, "COPY TO STDOUT");
	PQclear(result);
	memset(copy, 0, sizeof(*copy));
	copy->conn = conn;
	return csv_reader_open_function(copy_read, copy, name);
}

void
copy_reader_close(struct copy_reader *copy)
{
	if (copy->message != NULL)
		PQfreemem(copy->message);
	copy->message = NULL;
}
