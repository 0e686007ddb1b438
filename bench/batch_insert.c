/*
 * bench/compare's stand-in for the old migration scripts, compiled by that
 * script against build/libferry.a:
 *
 *   batch_insert CONNINFO TABLE KEY ROWS < CSV
 *
 * reads the CSV stream (header first; the header names the columns) and
 * sends it as INSERT INTO TABLE (columns) VALUES (...), (...) ... ON
 * CONFLICT (KEY) DO NOTHING, ROWS rows a statement, every value a bound
 * parameter, each statement its own transaction (autocommit), as the
 * scripts did.  Prints "batch_insert: TABLE: read N, inserted N, skipped N"
 * on stderr.  Exit statuses are ferry's (lib/error.h): 2 usage, 3 bad
 * CSV, 4 database, 5 I/O.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "connection.h"
#include "csv_read.h"
#include "error.h"

/* The protocol counts parameters in 16 bits. */
#define MAX_PARAMETERS 65535

/*
 * The rows of one statement: every field's bytes (NUL-terminated) in one
 * arena, found again by offset since the arena moves as it grows.  NULL
 * fields have no bytes and offset SIZE_MAX.
 */
struct batch {
	struct buffer arena;
	size_t *offsets;	/* rows * columns */
	const char **values;	/* the same, as pointers, when sent */
	size_t rows;
};

/* INSERT INTO table (columns) VALUES ($1, ...), ... ON CONFLICT (key)
 * DO NOTHING, for rows rows of columns columns. */
static char *
insert_statement(const char *table, const struct csv_row *header,
    const char *key, size_t rows)
{
	struct buffer sql = BUFFER_INIT;
	char *quoted;
	size_t parameter = 1;

	quoted = ferry_quote_table(table);
	buffer_printf(&sql, "INSERT INTO %s (", quoted);
	free(quoted);
	for (size_t c = 0; c < header->count; c++) {
		quoted = ferry_quote_identifier(header->fields[c].value);
		buffer_printf(&sql, "%s%s", c > 0 ? ", " : "", quoted);
		free(quoted);
	}
	buffer_append_string(&sql, ") VALUES ");
	for (size_t r = 0; r < rows; r++) {
		buffer_append_string(&sql, r > 0 ? ", (" : "(");
		for (size_t c = 0; c < header->count; c++)
			buffer_printf(&sql, "%s$%zu", c > 0 ? ", " : "",
			    parameter++);
		buffer_append_char(&sql, ')');
	}
	quoted = ferry_quote_identifier(key);
	buffer_printf(&sql, " ON CONFLICT (%s) DO NOTHING", quoted);
	free(quoted);
	return buffer_terminate(&sql);
}

/* Sends the batch (through the prepared statement when it is full) and
 * returns the rows it inserted. */
static unsigned long long
send_batch(PGconn *conn, struct batch *batch, size_t columns,
    size_t rows_per_statement, const char *table, const struct csv_row *header,
    const char *key)
{
	size_t count = batch->rows * columns;
	PGresult *result;
	unsigned long long inserted;

	for (size_t i = 0; i < count; i++)
		batch->values[i] = batch->offsets[i] == SIZE_MAX ? NULL :
		    batch->arena.data + batch->offsets[i];
	if (batch->rows == rows_per_statement) {
		result = PQexecPrepared(conn, "batch", (int)count,
		    batch->values, NULL, NULL, 0);
	} else {
		/* The last, shorter batch: a statement of its own size,
		 * sent once. */
		char *sql = insert_statement(table, header, key, batch->rows);

		result = PQexecParams(conn, sql, (int)count, NULL,
		    batch->values, NULL, NULL, 0);
		free(sql);
	}
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		ferry_die_database(conn, result, "INSERT");
	inserted = strtoull(PQcmdTuples(result), NULL, 10);
	PQclear(result);
	buffer_reset(&batch->arena);
	batch->rows = 0;
	return inserted;
}

int
main(int argc, char **argv)
{
	struct batch batch = { BUFFER_INIT, NULL, NULL, 0 };
	struct csv_reader *reader;
	const struct csv_row *header, *row;
	unsigned long long rows_read = 0, inserted = 0;
	size_t columns, rows_per_statement;
	char *sql, *end;
	PGresult *result;
	PGconn *conn;
	int status;

	ferry_init("batch_insert");
	if (argc != 5) {
		fprintf(stderr, "usage: batch_insert CONNINFO TABLE KEY ROWS < CSV\n");
		return FERRY_EXIT_USAGE;
	}
	rows_per_statement = strtoul(argv[4], &end, 10);
	if (*end != '\0' || rows_per_statement == 0)
		ferry_die(FERRY_EXIT_USAGE, "ROWS: not a positive number: %s",
		    argv[4]);

	reader = csv_reader_open(STDIN_FILENO, "stdin");
	if ((header = csv_reader_header(reader)) == NULL)
		csv_reader_die(reader);
	columns = header->count;
	if (rows_per_statement > MAX_PARAMETERS / columns)
		ferry_die(FERRY_EXIT_USAGE, "%zu rows of %zu columns pass the "
		    "protocol's %d parameters", rows_per_statement, columns,
		    MAX_PARAMETERS);
	/* The header stays the reader's until csv_reader_close: the last,
	 * shorter batch's statement is made from it at the end. */
	for (size_t c = 0; c < columns; c++)
		if (header->fields[c].value == NULL)
			ferry_die(FERRY_EXIT_MALFORMED, "stdin: a NULL column "
			    "name in the header");
	if (csv_header_index(header, argv[3]) < 0)
		ferry_die(FERRY_EXIT_USAGE, "KEY %s is not a column of the "
		    "input", argv[3]);

	conn = ferry_connect(argv[1]);
	sql = insert_statement(argv[2], header, argv[3], rows_per_statement);
	result = PQprepare(conn, "batch", sql, 0, NULL);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		ferry_die_database(conn, result, "PREPARE");
	PQclear(result);
	free(sql);

	batch.offsets = ferry_malloc(rows_per_statement * columns *
	    sizeof(*batch.offsets));
	batch.values = ferry_malloc(rows_per_statement * columns *
	    sizeof(*batch.values));
	while ((status = csv_reader_next(reader, &row)) == 1) {
		size_t *offsets = batch.offsets + batch.rows * columns;

		for (size_t c = 0; c < columns; c++) {
			if (row->fields[c].value == NULL) {
				offsets[c] = SIZE_MAX;
				continue;
			}
			offsets[c] = batch.arena.length;
			buffer_append(&batch.arena, row->fields[c].value,
			    row->fields[c].length + 1);
		}
		rows_read++;
		if (++batch.rows == rows_per_statement)
			inserted += send_batch(conn, &batch, columns,
			    rows_per_statement, argv[2], header, argv[3]);
	}
	if (status < 0)
		csv_reader_die(reader);
	if (batch.rows > 0)
		inserted += send_batch(conn, &batch, columns,
		    rows_per_statement, argv[2], header, argv[3]);

	fprintf(stderr, "batch_insert: %s: read %llu, inserted %llu, "
	    "skipped %llu\n", argv[2], rows_read, inserted, rows_read - inserted);
	PQfinish(conn);
	csv_reader_close(reader);
	buffer_free(&batch.arena);
	free(batch.offsets);
	free(batch.values);
	return FERRY_EXIT_DONE;
}
