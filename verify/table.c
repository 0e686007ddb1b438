/*
 * ferry-verify table: a staged CSV file against the table it was loaded
 * into, with the server as the judge of formatting.
 *
 * The file's rows (less those ferry-load rejected, --rejects) are copied
 * into a temporary table made from the target's own columns (CREATE TEMP
 * TABLE ... AS SELECT cols FROM target WITH NO DATA), so each value goes
 * through the target type's input function: "1.5" becomes 1.50 in a
 * numeric(10,2) as it did when it was loaded.  Both tables are then
 * digested through the same extraction, COPY (SELECT cols ...) TO STDOUT
 * CSV.  When the digests differ, the server names the rows: by key (a
 * full join on --key, or the primary key) or, without one, whole rows
 * (EXCEPT ALL both ways).  Everything runs in one REPEATABLE READ
 * transaction that is rolled back: the target is never written.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "connection.h"
#include "copy.h"
#include "copy_reader.h"
#include "csv_write.h"
#include "digest.h"
#include "error.h"
#include "input.h"
#include "verify.h"

#define STAGED "pg_temp.ferry_verify_staged"
#define LINE_COLUMN "ferry_verify_line"
#define PRESENT_COLUMN "ferry_verify_present"
#define SEND_AT (256 * 1024)

/* A row ferry-load rejected: where it is in the file and what it holds. */
struct reject {
	unsigned long line;		/* its _line: where it starts in FILE */
	unsigned long reject_line;	/* where it is in the reject file */
	struct row_hash hash;		/* of its original fields */
};

struct table_check {
	const char *conninfo;		/* -d, or NULL for the environment */
	const char *table;		/* -t */
	const char *path;		/* FILE */
	const char *rejects_path;	/* --rejects, or NULL */
	struct column_list key;		/* --key, or the primary key */
	struct column_list columns;	/* --columns */
	struct column_list exclude;	/* --exclude */
	bool subset;			/* --subset */
	unsigned long long limit;	/* --limit; 0: no limit */

	char **names;			/* compared columns, file order */
	size_t name_count;
	size_t *compared;		/* their indexes in the file header */
	size_t *sent;			/* compared and key columns */
	char **sent_names;		/* their names */
	size_t sent_count;

	struct reject *rejects;		/* sorted by line */
	size_t reject_count;

	PGconn *conn;
	char *quoted_table;
	struct digest file;		/* the file's rows as they are */
	struct digest staged;		/* through the table's types */
	struct digest loaded;		/* the table's rows */
	unsigned long long shown;	/* difference lines printed */
	unsigned long long differences;
};

static const char *
file_name(const struct table_check *check)
{
	return strcmp(check->path, "-") == 0 ? "stdin" : check->path;
}

/* Appends the quoted names, comma-separated, each after prefix. */
static void
append_columns(struct buffer *sql, char *const *names, size_t count,
    const char *prefix, const char *suffix)
{
	for (size_t i = 0; i < count; i++) {
		char *quoted = ferry_quote_identifier(names[i]);

		buffer_printf(sql, "%s%s%s%s", i > 0 ? ", " : "", prefix,
		    quoted, suffix);
		free(quoted);
	}
}

/* --- the reject file --------------------------------------------------- */

static int
compare_rejects(const void *left, const void *right)
{
	const struct reject *a = left, *b = right;

	return (a->line > b->line) - (a->line < b->line);
}

/*
 * Reads ferry-load's reject file: FILE's columns, then _line and
 * _reason.  Each row's _line says where in FILE the rejected row starts.
 */
static void
read_rejects(struct table_check *check, const struct csv_row *file_header)
{
	struct input input;
	struct csv_reader *reader = input_open(&input, check->rejects_path,
	    true, false);
	const struct csv_row *header = csv_reader_header(reader), *row;
	struct buffer scratch = BUFFER_INIT;
	size_t capacity = 0;
	int got;

	if (header == NULL)
		input_die(&input);
	if (header->count != file_header->count + 2 ||
	    strcmp(header->fields[header->count - 2].value, "_line") != 0 ||
	    strcmp(header->fields[header->count - 1].value, "_reason") != 0)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: record 0: a reject "
		    "file has the columns of %s, then _line and _reason",
		    check->rejects_path, header->line, file_name(check));
	for (size_t i = 0; i < file_header->count; i++)
		if (strcmp(header->fields[i].value,
		    file_header->fields[i].value) != 0)
			ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: record 0: "
			    "column %zu is %s, in %s it is %s",
			    check->rejects_path, header->line, i + 1,
			    header->fields[i].value, file_name(check),
			    file_header->fields[i].value);
	while ((got = csv_reader_next(reader, &row)) == 1) {
		const struct csv_field *line = &row->fields[row->count - 2];
		struct reject *reject;
		char *end = NULL;
		unsigned long value = 0;

		if (line->value != NULL && line->length > 0 &&
		    line->value[0] >= '0' && line->value[0] <= '9')
			value = strtoul(line->value, &end, 10);
		if (end == NULL || *end != '\0' || value == 0)
			ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: record %lu: "
			    "_line is not a line number", check->rejects_path,
			    row->line, row->record);
		if (check->reject_count == capacity) {
			capacity = capacity ? capacity * 2 : 64;
			check->rejects = ferry_realloc(check->rejects,
			    capacity * sizeof(struct reject));
		}
		reject = &check->rejects[check->reject_count++];
		reject->line = value;
		reject->reject_line = row->line;
		reject->hash = digest_hash_row(&scratch, row->fields, NULL,
		    file_header->count);
	}
	if (got < 0)
		input_die(&input);
	input_close_or_die(&input);
	buffer_free(&scratch);
	if (check->reject_count > 0)	/* rejects is NULL when empty */
		qsort(check->rejects, check->reject_count,
		    sizeof(struct reject), compare_rejects);
	for (size_t i = 1; i < check->reject_count; i++)
		if (check->rejects[i].line == check->rejects[i - 1].line)
			ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: _line %lu is "
			    "rejected twice (also at line %lu)",
			    check->rejects_path, check->rejects[i].reject_line,
			    check->rejects[i].line,
			    check->rejects[i - 1].reject_line);
}

/*
 * Whether row is one load rejected; *next walks the sorted rejects.  A
 * reject whose _line starts no row of FILE, or starts another row, means
 * the reject file is not ferry-load's for this FILE: exit 3.
 */
static bool
is_rejected(const struct table_check *check, size_t *next,
    const struct csv_row *row, struct buffer *scratch)
{
	const struct reject *reject;

	if (*next == check->reject_count)
		return false;
	reject = &check->rejects[*next];
	if (reject->line < row->line)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: _line %lu: no row of "
		    "%s starts on that line", check->rejects_path,
		    reject->reject_line, reject->line, file_name(check));
	if (reject->line > row->line)
		return false;
	{
		struct row_hash hash = digest_hash_row(scratch, row->fields,
		    NULL, row->count);

		if (hash.high != reject->hash.high ||
		    hash.low != reject->hash.low)
			ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: _line %lu: "
			    "%s:%lu holds another row: is this ferry-load's "
			    "reject file for %s?", check->rejects_path,
			    reject->reject_line, reject->line,
			    file_name(check), row->line, file_name(check));
	}
	(*next)++;
	return true;
}

/* --- the table's columns and key -------------------------------------- */

/* Checks that the table has every sent column; finds the primary key
 * when no --key was given. */
static void
read_table_columns(struct table_check *check, const struct csv_row *header)
{
	const char *parameters[1] = { check->quoted_table };
	PGresult *result = ferry_exec_params(check->conn,
	    "SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass "
	    "AND attnum > 0 AND NOT attisdropped", 1, parameters);

	const char *missing = NULL;

	for (size_t i = 0; i < check->sent_count && missing == NULL; i++) {
		const char *name = header->fields[check->sent[i]].value;
		bool found = false;

		for (int r = 0; r < PQntuples(result) && !found; r++)
			found = strcmp(PQgetvalue(result, r, 0), name) == 0;
		if (!found)
			missing = name;
	}
	PQclear(result);
	if (missing != NULL)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: record 0: column %s "
		    "is not in table %s", file_name(check), header->line,
		    missing, check->table);
}

static void
find_primary_key(struct table_check *check, const struct csv_row *header)
{
	const char *parameters[1] = { check->quoted_table };
	PGresult *result = ferry_exec_params(check->conn,
	    "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
	    "ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey) "
	    "WHERE i.indrelid = $1::regclass AND i.indisprimary "
	    "ORDER BY array_position(i.indkey::int2[], a.attnum)",
	    1, parameters);
	int count = PQntuples(result);

	for (int r = 0; r < count; r++)
		if (csv_header_index(header, PQgetvalue(result, r, 0)) < 0)
			count = 0;	/* the file lacks part of it */
	if (count > 0) {
		check->key.names = ferry_malloc((size_t)count * sizeof(char *));
		for (int r = 0; r < count; r++)
			check->key.names[r] =
			    ferry_strdup(PQgetvalue(result, r, 0));
		check->key.count = (size_t)count;
	}
	PQclear(result);
}

/* --- loading the staged side ------------------------------------------- */

/*
 * The n-th row sent (1-based), found again by reading FILE once more:
 * its line and record, for a message.  False when FILE cannot be re-read.
 */
static bool
find_sent_row(const struct table_check *check, unsigned long n,
    unsigned long *line, unsigned long *record)
{
	struct input input;
	struct csv_reader *reader;
	const struct csv_row *row;
	struct buffer scratch = BUFFER_INIT;
	size_t next = 0;
	unsigned long sent = 0;
	bool found = false;

	if (strcmp(check->path, "-") == 0)
		return false;
	reader = input_open(&input, check->path, true, false);
	while (!found && csv_reader_next(reader, &row) == 1) {
		if (is_rejected(check, &next, row, &scratch))
			continue;
		if (++sent == n) {
			*line = row->line;
			*record = row->record;
			found = true;
		}
	}
	buffer_free(&scratch);
	input_close(&input, NULL, 0);
	return found;
}

/* COPY refused a staged row: name it, exit 1. */
static _Noreturn void
die_refused(struct table_check *check, PGresult *result)
{
	const char *context = PQresultErrorField(result, PG_DIAG_CONTEXT);
	const char *found = context != NULL ? strstr(context, ", line ") : NULL;
	char message[4096];
	unsigned long line = 0, record = 0;

	ferry_database_error(check->conn, result, message, sizeof(message));
	if (found != NULL && find_sent_row(check,
	    strtoul(found + strlen(", line "), NULL, 10), &line, &record))
		ferry_die(FERRY_EXIT_DIFFERENCE, "%s:%lu: record %lu: table "
		    "%s refuses this row: %s", file_name(check), line, record,
		    check->table, message);
	ferry_die(FERRY_EXIT_DIFFERENCE, "%s: table %s refuses a row: %s%s%s",
	    file_name(check), check->table, message,
	    context != NULL ? "; " : "", context != NULL ? context : "");
}

/*
 * Reads FILE: digests its rows as they are, leaves out the rejected ones
 * and copies the rest into the staged table.
 */
static void
load_staged(struct table_check *check, struct input *input)
{
	struct csv_reader *reader = input->reader;
	struct buffer sql = BUFFER_INIT, rows = BUFFER_INIT;
	struct buffer scratch = BUFFER_INIT;
	const struct csv_row *row;
	PGresult *result;
	size_t next = 0;
	char **sent_names = check->sent_names;
	int got;

	buffer_append_string(&sql, "CREATE TEMP TABLE " STAGED " AS SELECT ");
	append_columns(&sql, sent_names, check->sent_count, "", "");
	buffer_printf(&sql, " FROM %s WITH NO DATA", check->quoted_table);
	ferry_exec_command(check->conn, buffer_terminate(&sql));
	ferry_exec_command(check->conn, "ALTER TABLE " STAGED
	    " ADD COLUMN " LINE_COLUMN " bigint");
	sql.length = 0;
	buffer_append_string(&sql, "COPY " STAGED " (");
	append_columns(&sql, sent_names, check->sent_count, "", "");
	buffer_append_string(&sql, ", " LINE_COLUMN ") FROM STDIN "
	    "(FORMAT csv)");
	copy_in_start(check->conn, buffer_terminate(&sql));

	while ((got = csv_reader_next(reader, &row)) == 1) {
		char line[32];
		int length;

		if (is_rejected(check, &next, row, &scratch))
			continue;
		digest_add_row(&check->file, &scratch, row->fields,
		    check->compared, check->name_count);
		for (size_t i = 0; i < check->sent_count; i++)
			csv_append_field(&rows, row->fields[check->sent[i]].value,
			    row->fields[check->sent[i]].length, i == 0);
		length = snprintf(line, sizeof(line), ",%lu\n", row->line);
		buffer_append(&rows, line, (size_t)length);
		if (rows.length >= SEND_AT) {
			copy_in_send(check->conn, rows.data, rows.length);
			rows.length = 0;
		}
	}
	if (got < 0) {
		PQclear(copy_in_end(check->conn, "ferry-verify: the file is "
		    "malformed"));
		input_die(input);
	}
	if (next < check->reject_count)
		ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: _line %lu: %s has no "
		    "row starting there", check->rejects_path,
		    check->rejects[next].reject_line, check->rejects[next].line,
		    file_name(check));
	copy_in_send(check->conn, rows.data, rows.length);
	result = copy_in_end(check->conn, NULL);
	if (PQresultStatus(result) != PGRES_COMMAND_OK)
		die_refused(check, result);
	PQclear(result);
	ferry_exec_command(check->conn, "ANALYZE " STAGED);
	buffer_free(&sql);
	buffer_free(&rows);
	buffer_free(&scratch);
}

/* --- digests through the server ---------------------------------------- */

/* " FROM TABLE t [WHERE its key is in the staged table]" */
static void
append_table_source(struct buffer *sql, const struct table_check *check)
{
	buffer_printf(sql, " FROM %s t", check->quoted_table);
	if (!check->subset)
		return;
	buffer_append_string(sql, " WHERE EXISTS (SELECT 1 FROM " STAGED
	    " s WHERE ");
	for (size_t i = 0; i < check->key.count; i++) {
		char *quoted = ferry_quote_identifier(check->key.names[i]);

		buffer_printf(sql, "%ss.%s = t.%s", i > 0 ? " AND " : "",
		    quoted, quoted);
		free(quoted);
	}
	buffer_append_char(sql, ')');
}

static void
digest_through_server(struct table_check *check, bool table_side,
    struct digest *digest)
{
	struct buffer sql = BUFFER_INIT;
	struct copy_reader copy;
	struct csv_reader *reader;

	buffer_append_string(&sql, "COPY (SELECT ");
	append_columns(&sql, check->names, check->name_count, "", "");
	if (table_side)
		append_table_source(&sql, check);
	else
		buffer_append_string(&sql, " FROM " STAGED);
	buffer_append_string(&sql, ") TO STDOUT (FORMAT csv, HEADER)");
	reader = copy_reader_open(&copy, check->conn, buffer_terminate(&sql),
	    table_side ? check->table : "the staged table");
	if (digest_csv(reader, NULL, 0, digest) < 0)
		csv_reader_die(reader);
	csv_reader_close(reader);
	copy_reader_close(&copy);
	buffer_free(&sql);
}

/* --- naming the differences -------------------------------------------- */

static void
report(struct table_check *check, const struct buffer *line)
{
	check->differences++;
	if (check->limit != 0 && check->shown >= check->limit)
		return;
	check->shown++;
	if (fwrite(line->data, 1, line->length, stdout) != line->length ||
	    putchar('\n') == EOF)
		ferry_die_errno(FERRY_EXIT_IO, "stdout");
}

/* Appends "name=value, ..." from text columns first .. first + count. */
static void
show_pairs(struct buffer *out, const PGresult *result, int first,
    char *const *names, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		int column = first + (int)i;

		if (i > 0)
			buffer_append_string(out, ", ");
		buffer_append_string(out, names[i]);
		buffer_append_char(out, '=');
		if (PQgetisnull(result, 0, column))
			show_value(out, NULL, 0);
		else
			show_value(out, PQgetvalue(result, 0, column),
			    (size_t)PQgetlength(result, 0, column));
	}
}

/* Runs sql one row at a time (bounded memory), calling each per row. */
static void
for_each_row(struct table_check *check, const char *sql,
    void (*each)(struct table_check *, const PGresult *))
{
	PGresult *result;

	if (!PQsendQuery(check->conn, sql) || !PQsetSingleRowMode(check->conn))
		ferry_die_database(check->conn, NULL, "query");
	while ((result = PQgetResult(check->conn)) != NULL) {
		ExecStatusType status = PQresultStatus(result);

		if (status == PGRES_SINGLE_TUPLE)
			each(check, result);
		else if (status != PGRES_TUPLES_OK)
			ferry_die_database(check->conn, result, "query");
		PQclear(result);
	}
}

/* Columns: the staged line or NULL, present or NULL, keys, flags. */
static void
each_keyed_difference(struct table_check *check, const PGresult *result)
{
	struct buffer line = BUFFER_INIT;
	int keys = 2, flags = 2 + (int)check->key.count;
	bool in_file = !PQgetisnull(result, 0, 0);
	bool in_table = !PQgetisnull(result, 0, 1);
	const char *separator = "";

	if (!in_table)
		buffer_append_string(&line, "only in file: ");
	else if (!in_file)
		buffer_append_string(&line, "only in table: ");
	else
		buffer_append_string(&line, "differs: ");
	show_pairs(&line, result, keys, check->key.names, check->key.count);
	if (in_file && in_table) {
		buffer_append_string(&line, ": ");
		for (int i = flags; i < PQnfields(result); i++) {
			if (strcmp(PQgetvalue(result, 0, i), "t") != 0)
				continue;
			buffer_append_string(&line, separator);
			buffer_append_string(&line, PQfname(result, i));
			separator = ", ";
		}
	}
	if (in_file)
		buffer_printf(&line, " (line %s)", PQgetvalue(result, 0, 0));
	report(check, &line);
	buffer_free(&line);
}

/* Columns: "file" or "table", count, first line, second line, keys. */
static void
each_duplicate(struct table_check *check, const PGresult *result)
{
	struct buffer line = BUFFER_INIT;

	buffer_printf(&line, "duplicate key in %s: ", PQgetvalue(result, 0, 0));
	show_pairs(&line, result, 4, check->key.names, check->key.count);
	if (PQgetisnull(result, 0, 2))
		buffer_printf(&line, " (%s rows)", PQgetvalue(result, 0, 1));
	else
		buffer_printf(&line, " (%s rows, lines %s, %s%s)",
		    PQgetvalue(result, 0, 1), PQgetvalue(result, 0, 2),
		    PQgetvalue(result, 0, 3),
		    strcmp(PQgetvalue(result, 0, 1), "2") != 0 ? ", ..." : "");
	report(check, &line);
	buffer_free(&line);
}

/* Columns: "file" or "table", then every compared column as text. */
static void
each_row_difference(struct table_check *check, const PGresult *result)
{
	struct buffer line = BUFFER_INIT;

	buffer_printf(&line, "only in %s: ", PQgetvalue(result, 0, 0));
	show_pairs(&line, result, 1, check->names, check->name_count);
	report(check, &line);
	buffer_free(&line);
}

static void
name_differences_by_key(struct table_check *check)
{
	struct buffer sql = BUFFER_INIT;
	char **values = ferry_malloc((check->name_count + 1) * sizeof(char *));
	size_t value_count = 0;

	for (size_t i = 0; i < check->name_count; i++)
		if (!column_list_has(&check->key, check->names[i]))
			values[value_count++] = check->names[i];

	/* Keys more than once on either side. */
	for (int side = 0; side < 2; side++) {
		sql.length = 0;
		buffer_printf(&sql, "SELECT '%s', count(*), %s, %s, ",
		    side == 0 ? "file" : "table",
		    side == 0 ? "min(" LINE_COLUMN ")" : "NULL",
		    side == 0 ? "(array_agg(" LINE_COLUMN " ORDER BY "
		    LINE_COLUMN "))[2]" : "NULL");
		append_columns(&sql, check->key.names, check->key.count, "",
		    "::text");
		if (side == 0)
			buffer_append_string(&sql, " FROM " STAGED " t");
		else
			append_table_source(&sql, check);
		buffer_append_string(&sql, " GROUP BY ");
		append_columns(&sql, check->key.names, check->key.count, "",
		    "");
		buffer_append_string(&sql, " HAVING count(*) > 1 ORDER BY ");
		append_columns(&sql, check->key.names, check->key.count, "",
		    "");
		for_each_row(check, buffer_terminate(&sql), each_duplicate);
	}

	/* Keys on one side only, and rows whose columns differ. */
	sql.length = 0;
	buffer_append_string(&sql, "SELECT s." LINE_COLUMN ", t."
	    PRESENT_COLUMN);
	for (size_t i = 0; i < check->key.count; i++) {
		char *quoted = ferry_quote_identifier(check->key.names[i]);

		buffer_printf(&sql, ", coalesce(s.%s, t.%s)::text", quoted,
		    quoted);
		free(quoted);
	}
	for (size_t i = 0; i < value_count; i++) {
		char *quoted = ferry_quote_identifier(values[i]);

		buffer_printf(&sql, ", s.%s::text IS DISTINCT FROM t.%s::text "
		    "AS %s", quoted, quoted, quoted);
		free(quoted);
	}
	buffer_append_string(&sql, " FROM " STAGED " s FULL JOIN (SELECT ");
	append_columns(&sql, check->sent_names, check->sent_count, "t.", "");
	buffer_append_string(&sql, ", true AS " PRESENT_COLUMN);
	append_table_source(&sql, check);
	buffer_append_string(&sql, ") t ON ");
	for (size_t i = 0; i < check->key.count; i++) {
		char *quoted = ferry_quote_identifier(check->key.names[i]);

		buffer_printf(&sql, "%ss.%s = t.%s", i > 0 ? " AND " : "",
		    quoted, quoted);
		free(quoted);
	}
	buffer_append_string(&sql, " WHERE s." LINE_COLUMN " IS NULL OR t."
	    PRESENT_COLUMN " IS NULL");
	for (size_t i = 0; i < value_count; i++) {
		char *quoted = ferry_quote_identifier(values[i]);

		buffer_printf(&sql, " OR s.%s::text IS DISTINCT FROM t.%s::text",
		    quoted, quoted);
		free(quoted);
	}
	buffer_append_string(&sql, " ORDER BY ");
	for (size_t i = 0; i < check->key.count; i++) {
		char *quoted = ferry_quote_identifier(check->key.names[i]);

		buffer_printf(&sql, "coalesce(s.%s, t.%s), ", quoted, quoted);
		free(quoted);
	}
	buffer_append_string(&sql, "s." LINE_COLUMN);
	for_each_row(check, buffer_terminate(&sql), each_keyed_difference);
	free(values);
	buffer_free(&sql);
}

static void
name_differences_by_row(struct table_check *check)
{
	struct buffer sql = BUFFER_INIT;

	for (int side = 0; side < 2; side++) {
		sql.length = 0;
		for (int part = 0; part < 2; part++) {
			bool staged = (side == 0) == (part == 0);

			if (part == 1)
				buffer_append_string(&sql, " EXCEPT ALL ");
			buffer_printf(&sql, "SELECT '%s', ",
			    side == 0 ? "file" : "table");
			append_columns(&sql, check->names, check->name_count,
			    "", "::text");
			if (staged)
				buffer_append_string(&sql, " FROM " STAGED " t");
			else
				append_table_source(&sql, check);
		}
		buffer_append_string(&sql, " ORDER BY 2");
		for_each_row(check, buffer_terminate(&sql),
		    each_row_difference);
	}
	buffer_free(&sql);
}

/* --- the command -------------------------------------------------------- */

/* Chooses the compared and sent columns from the header and options. */
static void
choose_columns(struct table_check *check, const struct csv_row *header)
{
	struct projection projection;

	projection_make(&projection, header, &check->columns, &check->exclude,
	    file_name(check));
	check->compared = projection.columns;
	check->name_count = projection.count;
	check->names = ferry_malloc((projection.count + 1) * sizeof(char *));
	for (size_t i = 0; i < projection.count; i++)
		check->names[i] = (char *)header->fields[projection.columns[i]].value;
	check->sent = ferry_malloc((header->count + 1) * sizeof(size_t));
	check->sent_count = 0;
	for (size_t i = 0; i < header->count; i++) {
		bool wanted = column_list_has(&check->key,
		    header->fields[i].value);

		for (size_t j = 0; j < projection.count && !wanted; j++)
			wanted = projection.columns[j] == i;
		if (wanted)
			check->sent[check->sent_count++] = i;
	}
	check->sent_names = ferry_malloc((check->sent_count + 1) *
	    sizeof(char *));
	for (size_t i = 0; i < check->sent_count; i++)
		check->sent_names[i] = (char *)header->fields[check->sent[i]].value;
	for (size_t i = 0; i < header->count; i++)
		if (strcmp(header->fields[i].value, LINE_COLUMN) == 0 ||
		    strcmp(header->fields[i].value, PRESENT_COLUMN) == 0)
			ferry_die(FERRY_EXIT_USAGE, "%s: column %s: the name "
			    "ferry-verify table uses for its own", file_name(check),
			    header->fields[i].value);
}

static void
print_digest(const char *label, const struct digest *digest)
{
	char hex[DIGEST_HEX_SIZE];

	printf("%s rows=%llu digest=%s\n", label, digest->rows,
	    digest_hex(digest, hex));
}

int
table_command(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "columns", required_argument, NULL, 'c' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "subset", no_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	struct table_check check;
	struct input input;
	const struct csv_row *header;
	int option;

	memset(&check, 0, sizeof(check));
	while ((option = getopt_long(argc, argv, "+d:t:k:c:x:r:sl:",
	    long_options, NULL)) != -1) {
		switch (option) {
		case 'd':
			check.conninfo = optarg;
			break;
		case 't':
			check.table = optarg;
			break;
		case 'k':
			column_list_free(&check.key);
			column_list_parse(&check.key, optarg, "--key");
			break;
		case 'c':
			column_list_free(&check.columns);
			column_list_parse(&check.columns, optarg, "--columns");
			break;
		case 'x':
			column_list_free(&check.exclude);
			column_list_parse(&check.exclude, optarg, "--exclude");
			break;
		case 'r':
			check.rejects_path = optarg;
			break;
		case 's':
			check.subset = true;
			break;
		case 'l':
			check.limit = parse_count(optarg, "--limit");
			break;
		default:
			usage("table");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1 || check.table == NULL) {
		if (check.table == NULL)
			ferry_warn("table needs -t TABLE");
		usage("table");
	}
	if (check.columns.count > 0 && check.exclude.count > 0) {
		ferry_warn("--columns and --exclude exclude each other");
		usage("table");
	}
	check.path = argv[0];

	input_open(&input, check.path, true, false);
	header = csv_reader_header(input.reader);
	if (header == NULL)
		input_die(&input);
	for (size_t i = 0; i < check.key.count; i++)
		(void)header_column(header, check.key.names[i],
		    file_name(&check));
	if (check.rejects_path != NULL)
		read_rejects(&check, header);

	check.conn = ferry_connect(check.conninfo);
	check.quoted_table = ferry_quote_table(check.table);
	ferry_exec_command(check.conn,
	    "BEGIN ISOLATION LEVEL REPEATABLE READ");
	if (check.key.count == 0)
		find_primary_key(&check, header);
	if (check.subset && check.key.count == 0)
		ferry_die(FERRY_EXIT_USAGE, "--subset needs a key: --key, or a "
		    "primary key whose columns %s has", file_name(&check));
	choose_columns(&check, header);
	read_table_columns(&check, header);

	load_staged(&check, &input);
	digest_through_server(&check, false, &check.staged);
	digest_through_server(&check, true, &check.loaded);
	print_digest("file", &check.file);
	print_digest("staged", &check.staged);
	print_digest("table", &check.loaded);

	if (!digest_equal(&check.staged, &check.loaded)) {
		if (check.key.count > 0)
			name_differences_by_key(&check);
		else
			name_differences_by_row(&check);
		if (check.differences == 0)
			check.differences = 1;	/* rows differ, not by key */
	}
	ferry_exec_command(check.conn, "ROLLBACK");
	PQfinish(check.conn);
	input_close_or_die(&input);
	ferry_close_stdout();

	if (check.differences == 0)
		ferry_warn("%s: %llu rows match %s%s%llu rejected rows left "
		    "out)", check.table, check.loaded.rows, file_name(&check),
		    check.subset ? " (its keys only; " : " (",
		    (unsigned long long)check.reject_count);
	else
		ferry_warn("%s: %llu rows, %s: %llu rows (%llu rejected left "
		    "out): they differ%s", check.table, check.loaded.rows,
		    file_name(&check), check.staged.rows,
		    (unsigned long long)check.reject_count,
		    check.key.count == 0 ? " (no key: whole rows shown)" :
		    check.limit != 0 && check.shown < check.differences ?
		    " (--limit: not all shown)" : "");
	column_list_free(&check.key);
	column_list_free(&check.columns);
	column_list_free(&check.exclude);
	free(check.compared);
	free(check.names);
	free(check.sent);
	free(check.sent_names);
	free(check.rejects);
	free(check.quoted_table);
	return check.differences == 0 ? FERRY_EXIT_DONE :
	    FERRY_EXIT_DIFFERENCE;
}
