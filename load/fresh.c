/*
 * ferry-load --fresh.  Maintaining a table's indexes row by row costs the
 * server more than building them once over the loaded rows (bench/compare:
 * COPY into the indexed table against COPY then ADD PRIMARY KEY / UNIQUE),
 * so an empty table is loaded without them and they are built at the end,
 * all in one transaction: the table ends either loaded with every index or
 * as it was.  Indexes a foreign key depends on stay (dropping them would
 * mean dropping another table's constraint); on pipelines/migrate's fast
 * path there are none, its foreign keys come after every table.  The empty
 * table is truncated in the same transaction (unless another table's
 * foreign key refers to it): its rows then go to a new file, which a
 * server running with wal_level = minimal writes without WAL.
 */
#include <stdlib.h>
#include <string.h>

#include "buffer.h"
#include "connection.h"
#include "error.h"
#include "fresh.h"

/* Memory for the index builds (a session setting; the server's, not ours). */
#define BUILD_MEMORY "'256MB'"

void
fresh_begin(PGconn *conn, const char *table, const char *quoted,
    struct fresh *fresh)
{
	const char *parameters[1] = { quoted };
	struct buffer sql = BUFFER_INIT;
	PGresult *result;
	bool empty;

	memset(fresh, 0, sizeof(*fresh));
	buffer_printf(&sql, "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", quoted);
	ferry_exec_command(conn, buffer_terminate(&sql));
	buffer_reset(&sql);
	buffer_printf(&sql, "SELECT NOT EXISTS (SELECT FROM %s)", quoted);
	result = ferry_exec(conn, buffer_terminate(&sql));
	empty = strcmp(PQgetvalue(result, 0, 0), "t") == 0;
	PQclear(result);
	if (!empty)
		ferry_die(FERRY_EXIT_DATABASE, "%s is not empty: --fresh loads "
		    "an empty table only (the default skip mode adds to one)",
		    table);

	result = ferry_exec_params(conn, "SELECT NOT EXISTS (SELECT FROM "
	    "pg_constraint WHERE contype = 'f' AND confrelid = to_regclass($1)"
	    " AND conrelid <> confrelid)", 1, parameters);
	if (strcmp(PQgetvalue(result, 0, 0), "t") == 0) {
		buffer_reset(&sql);
		buffer_printf(&sql, "TRUNCATE %s", quoted);
		ferry_exec_command(conn, buffer_terminate(&sql));
	}
	PQclear(result);

	/* Each index: how to build it, how to drop it, its key columns. */
	result = ferry_exec_params(conn,
	    "SELECT coalesce(c.conname, x.relname),"
	    "       CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)"
	    "            ELSE format('ALTER TABLE %s ADD CONSTRAINT %I %s', $1::text,"
	    "                        c.conname, pg_get_constraintdef(c.oid)) END,"
	    "       CASE WHEN c.oid IS NULL"
	    "            THEN format('DROP INDEX %s', i.indexrelid::regclass)"
	    "            ELSE format('ALTER TABLE %s DROP CONSTRAINT %I', $1::text,"
	    "                        c.conname) END,"
	    "       (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.n)"
	    "          FROM unnest(i.indkey::int2[]) WITH ORDINALITY k (attnum, n)"
	    "          JOIN pg_attribute a ON a.attrelid = i.indrelid"
	    "           AND a.attnum = k.attnum),"
	    "       i.indisunique AND i.indexprs IS NULL AND i.indpred IS NULL"
	    "  FROM pg_index i"
	    "  JOIN pg_class x ON x.oid = i.indexrelid"
	    "  LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid"
	    "   AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')"
	    " WHERE i.indrelid = to_regclass($1)"
	    "   AND NOT EXISTS (SELECT FROM pg_constraint f"
	    "                    WHERE f.contype = 'f' AND f.conindid = i.indexrelid)"
	    " ORDER BY i.indisprimary DESC, c.oid IS NULL, x.relname",
	    1, parameters);
	fresh->count = (size_t)PQntuples(result);
	fresh->indexes = ferry_malloc((fresh->count + 1) *
	    sizeof(*fresh->indexes));
	for (size_t i = 0; i < fresh->count; i++) {
		struct fresh_index *index = &fresh->indexes[i];

		index->name = ferry_strdup(PQgetvalue(result, (int)i, 0));
		index->create = ferry_strdup(PQgetvalue(result, (int)i, 1));
		index->columns = ferry_strdup(PQgetvalue(result, (int)i, 3));
		index->unique = strcmp(PQgetvalue(result, (int)i, 4), "t") == 0;
		ferry_exec_command(conn, PQgetvalue(result, (int)i, 2));
	}
	PQclear(result);
	buffer_free(&sql);
}

/*
 * The build of index failed with error: dies naming the keys the loaded
 * rows hold more than once (a unique index), or with the server's message.
 */
static _Noreturn void
violation(PGconn *conn, const char *table, const char *quoted,
    const struct fresh_index *index, const PGresult *error)
{
	char reason[1024];
	const char *state = PQresultErrorField(error, PG_DIAG_SQLSTATE);
	struct buffer sql = BUFFER_INIT, keys = BUFFER_INIT;
	PGresult *result;
	int shown;

	ferry_database_error(conn, error, reason, sizeof(reason));
	if (state == NULL || strcmp(state, "23505") != 0 || !index->unique)
		ferry_die(FERRY_EXIT_DIFFERENCE, "%s: --fresh: building %s "
		    "after the rows failed: %s: nothing was loaded", table,
		    index->name, reason);
	ferry_exec_command(conn, "ROLLBACK TO SAVEPOINT build");
	buffer_printf(&sql, "SELECT ROW(%s)::text, count(*), count(*) OVER ()"
	    " FROM %s GROUP BY %s HAVING count(*) > 1 ORDER BY 2 DESC, 1"
	    " LIMIT 10", index->columns, quoted, index->columns);
	result = ferry_exec(conn, buffer_terminate(&sql));
	shown = PQntuples(result);
	for (int i = 0; i < shown; i++)
		buffer_printf(&keys, "%s(%s)=%s %s rows", i > 0 ? ", " : "",
		    index->columns, PQgetvalue(result, i, 0),
		    PQgetvalue(result, i, 1));
	if (shown > 0 && atol(PQgetvalue(result, 0, 2)) > shown)
		buffer_printf(&keys, " (%s such keys in all)",
		    PQgetvalue(result, 0, 2));
	ferry_die(FERRY_EXIT_DIFFERENCE, "%s: --fresh: unique violation "
	    "(%s) when it was built after the rows: %s: nothing was loaded",
	    table, index->name, shown > 0 ? buffer_terminate(&keys) : reason);
}

void
fresh_finish(PGconn *conn, const char *table, const char *quoted,
    struct fresh *fresh)
{
	ferry_exec_command(conn, "SET LOCAL maintenance_work_mem = "
	    BUILD_MEMORY);
	for (size_t i = 0; i < fresh->count; i++) {
		PGresult *result;

		ferry_exec_command(conn, "SAVEPOINT build");
		result = PQexec(conn, fresh->indexes[i].create);
		if (PQresultStatus(result) != PGRES_COMMAND_OK)
			violation(conn, table, quoted, &fresh->indexes[i], result);
		PQclear(result);
		ferry_exec_command(conn, "RELEASE SAVEPOINT build");
	}
}

void
fresh_free(struct fresh *fresh)
{
	for (size_t i = 0; i < fresh->count; i++) {
		free(fresh->indexes[i].name);
		free(fresh->indexes[i].create);
		free(fresh->indexes[i].columns);
	}
	free(fresh->indexes);
	memset(fresh, 0, sizeof(*fresh));
}
