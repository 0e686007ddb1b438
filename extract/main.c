/*
 * ferry-extract: source rows as CSV on stdout (DESIGN.md, "ferry-extract").
 *
 *   ferry-extract [-d CONNINFO] -t TABLE [-c COLS] [-w WHERE]
 *                 [--range COL:LO:HI] [--order COLS | --no-order]
 *                 [--snapshot ID] [--progress]
 *   ferry-extract [-d CONNINFO] -q QUERY [--snapshot ID] [--progress]
 *   ferry-extract --dump FILE -t TABLE [-c COLS] [--progress]
 *
 * A live extract is one COPY (SELECT ...) TO STDOUT (FORMAT csv, HEADER)
 * streamed through PQgetCopyData, in primary-key order unless told
 * otherwise, inside a read-only repeatable-read transaction (which
 * --snapshot points at a snapshot exported by another session).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "connection.h"
#include "copy.h"
#include "csv_write.h"
#include "error.h"
#include "extract.h"
#include "progress.h"

struct options {
	const char *conninfo;	/* -d, or NULL for libpq's environment */
	const char *table;	/* -t */
	const char *columns;	/* -c, comma-separated, or NULL for all */
	const char *where;	/* -w, an SQL condition */
	const char *range;	/* --range COL:LO:HI */
	const char *order;	/* --order COLS */
	bool no_order;		/* --no-order */
	const char *query;	/* -q */
	const char *snapshot;	/* --snapshot */
	const char *dump;	/* --dump FILE */
	bool progress;		/* --progress */
};

/* Where COPY's rows go: stdout, through a 64 KiB buffer. */
struct output {
	struct buffer pending;
	unsigned long long messages;	/* the header, then one per row */
	unsigned long long bytes;
	struct progress progress;
};

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: ferry-extract [-d CONNINFO] -t TABLE [-c COLS] [-w WHERE]\n"
	    "                     [--range COL:LO:HI] [--order COLS | --no-order]\n"
	    "                     [--snapshot ID] [--progress]\n"
	    "       ferry-extract [-d CONNINFO] -q QUERY [--snapshot ID] [--progress]\n"
	    "       ferry-extract --dump FILE -t TABLE [-c COLS] [--progress]\n");
	exit(FERRY_EXIT_USAGE);
}

static void
parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "columns", required_argument, NULL, 'c' },
		{ "where", required_argument, NULL, 'w' },
		{ "query", required_argument, NULL, 'q' },
		{ "range", required_argument, NULL, 'r' },
		{ "order", required_argument, NULL, 'o' },
		{ "no-order", no_argument, NULL, 'O' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "dump", required_argument, NULL, 'D' },
		{ "progress", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(options, 0, sizeof(*options));
	while ((c = getopt_long(argc, argv, "d:t:c:w:q:h", long_options,
	    NULL)) != -1) {
		switch (c) {
		case 'd': options->conninfo = optarg; break;
		case 't': options->table = optarg; break;
		case 'c': options->columns = optarg; break;
		case 'w': options->where = optarg; break;
		case 'q': options->query = optarg; break;
		case 'r': options->range = optarg; break;
		case 'o': options->order = optarg; break;
		case 'O': options->no_order = true; break;
		case 's': options->snapshot = optarg; break;
		case 'D': options->dump = optarg; break;
		case 'p': options->progress = true; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if ((options->table == NULL) == (options->query == NULL)) {
		ferry_warn("give one of -t TABLE or -q QUERY");
		usage();
	}
	if (options->query != NULL && (options->columns || options->where ||
	    options->range || options->order || options->no_order)) {
		ferry_warn("-c, -w, --range and --order go with -t, not -q");
		usage();
	}
	if (options->dump != NULL && (options->conninfo || options->query ||
	    options->where || options->range || options->order ||
	    options->snapshot)) {
		ferry_warn("--dump takes only -t TABLE and -c COLS");
		usage();
	}
	if (options->order != NULL && options->no_order)
		usage();
}

/* Appends each name of a comma-separated list, quoted, comma-separated. */
static void
append_identifier_list(struct buffer *sql, const char *list)
{
	char *copy = ferry_strdup(list), *saved = NULL;
	bool first = true;

	for (char *name = strtok_r(copy, ",", &saved); name != NULL;
	    name = strtok_r(NULL, ",", &saved)) {
		char *quoted = ferry_quote_identifier(name);

		if (!first)
			buffer_append_string(sql, ", ");
		buffer_append_string(sql, quoted);
		free(quoted);
		first = false;
	}
	if (first)
		ferry_die(FERRY_EXIT_USAGE, "empty column list \"%s\"", list);
	free(copy);
}

static void
check_table_exists(PGconn *conn, const char *table, const char *quoted)
{
	const char *parameters[1] = { quoted };
	PGresult *result = ferry_exec_params(conn,
	    "SELECT to_regclass($1) IS NOT NULL", 1, parameters);
	bool exists = strcmp(PQgetvalue(result, 0, 0), "t") == 0;

	PQclear(result);
	if (!exists)
		ferry_die(FERRY_EXIT_DATABASE, "no table %s", table);
}

/* --range COL:LO:HI as "COL >= 'LO' AND COL < 'HI'"; LO or HI may be
 * empty for an open end. */
static void
append_range(struct buffer *sql, const char *range)
{
	const char *first = strchr(range, ':');
	const char *second = first != NULL ? strchr(first + 1, ':') : NULL;
	char *column, *low, *high, *quoted;

	if (first == NULL || second == NULL || first == range ||
	    strchr(second + 1, ':') != NULL)
		ferry_die(FERRY_EXIT_USAGE,
		    "--range %s: expected COLUMN:LOW:HIGH", range);
	column = strndup(range, (size_t)(first - range));
	low = strndup(first + 1, (size_t)(second - first - 1));
	high = ferry_strdup(second + 1);
	quoted = ferry_quote_identifier(column);
	if (*low != '\0') {
		char *literal = ferry_quote_literal(low);

		buffer_printf(sql, " AND %s >= %s", quoted, literal);
		free(literal);
	}
	if (*high != '\0') {
		char *literal = ferry_quote_literal(high);

		buffer_printf(sql, " AND %s < %s", quoted, literal);
		free(literal);
	}
	free(column);
	free(low);
	free(high);
	free(quoted);
}

static char *
build_copy(PGconn *conn, const struct options *options)
{
	struct buffer sql = BUFFER_INIT;
	char *table, *key = NULL;

	if (options->query != NULL) {
		buffer_printf(&sql, "COPY (%s) TO STDOUT (FORMAT csv, HEADER)",
		    options->query);
		return buffer_terminate(&sql);
	}
	table = ferry_quote_table(options->table);
	check_table_exists(conn, options->table, table);
	buffer_append_string(&sql, "COPY (SELECT ");
	if (options->columns != NULL)
		append_identifier_list(&sql, options->columns);
	else
		buffer_append_string(&sql, "*");
	buffer_printf(&sql, " FROM %s WHERE true", table);
	if (options->where != NULL)
		buffer_printf(&sql, " AND (%s)", options->where);
	if (options->range != NULL)
		append_range(&sql, options->range);
	if (options->order != NULL) {
		buffer_append_string(&sql, " ORDER BY ");
		append_identifier_list(&sql, options->order);
	} else if (!options->no_order) {
		key = ferry_primary_key(conn, table, ", ", true);
		if (key != NULL)
			buffer_printf(&sql, " ORDER BY %s", key);
		else
			ferry_warn("%s has no primary key: rows come in the "
			    "server's order (give --order COLS for a stable one)",
			    options->table);
	}
	buffer_append_string(&sql, ") TO STDOUT (FORMAT csv, HEADER)");
	free(table);
	free(key);
	return buffer_terminate(&sql);
}

static void
flush_output(struct output *output)
{
	write_all(STDOUT_FILENO, "stdout", output->pending.data,
	    output->pending.length);
	output->pending.length = 0;
}

static void
write_row(void *context, const char *data, size_t length)
{
	struct output *output = context;

	buffer_append(&output->pending, data, length);
	output->messages++;
	output->bytes += length;
	if (output->pending.length >= 64 * 1024)
		flush_output(output);
	progress_update(&output->progress, output->messages - 1, output->bytes);
}

static unsigned long long
extract_live(const struct options *options)
{
	PGconn *conn = ferry_connect(options->conninfo);
	struct output output = { BUFFER_INIT, 0, 0, { 0 } };
	char *copy;

	ferry_exec_command(conn,
	    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
	if (options->snapshot != NULL) {
		char *literal = ferry_quote_literal(options->snapshot);
		struct buffer sql = BUFFER_INIT;

		buffer_printf(&sql, "SET TRANSACTION SNAPSHOT %s", literal);
		ferry_exec_command(conn, buffer_terminate(&sql));
		buffer_free(&sql);
		free(literal);
	}
	copy = build_copy(conn, options);
	progress_init(&output.progress, options->table != NULL ?
	    options->table : "query", options->progress, 0);
	buffer_reserve(&output.pending, 128 * 1024);
	copy_out(conn, copy, write_row, &output);
	flush_output(&output);
	ferry_exec_command(conn, "COMMIT");
	progress_finish(&output.progress, output.messages - 1, output.bytes);
	PQfinish(conn);
	buffer_free(&output.pending);
	free(copy);
	return output.messages - 1;
}

int
main(int argc, char **argv)
{
	struct options options;

	ferry_init(argv[0]);
	parse_options(argc, argv, &options);
	if (options.dump != NULL)
		extract_dump(options.dump, options.table, options.columns,
		    options.progress);
	else
		extract_live(&options);
	ferry_close_stdout();
	return FERRY_EXIT_DONE;
}
