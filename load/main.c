/*
 * ferry-load: a CSV stream into a table through COPY FROM STDIN
 * (DESIGN.md, "ferry-load").
 *
 *   ferry-load [-d CONNINFO] -t TABLE [--mode copy|skip|upsert]
 *              [--key COLS] [--batch-rows N] [--rejects FILE]
 *              [--max-rejects N] [--summary FILE] [--progress]
 *              [--fresh] [--format csv|binary|auto] [FILE]
 *
 * Columns come from the header.  Each batch is one transaction: copy mode
 * copies into the table; skip (the default) copies into a temporary table
 * and inserts with ON CONFLICT (key) DO NOTHING, so a re-run after any
 * crash finishes the table with nothing doubled; upsert updates the rows
 * that changed.  Refused rows go to --rejects with the server's message
 * and the rest commits.  --fresh loads an empty table in one transaction,
 * its indexes dropped first and built again after the rows (fresh.c).
 */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "connection.h"
#include "csv_read.h"
#include "csv_write.h"
#include "error.h"
#include "fresh.h"
#include "json.h"
#include "load.h"
#include "output_file.h"
#include "progress.h"

struct options {
	const char *conninfo;	/* -d, or NULL for libpq's environment */
	const char *table;	/* -t */
	enum load_mode mode;	/* --mode */
	enum load_format format;	/* --format */
	const char *key;	/* --key COLS, or NULL: the primary key */
	size_t batch_rows;	/* --batch-rows */
	const char *rejects;	/* --rejects FILE */
	unsigned long long max_rejects;	/* --max-rejects, or ULLONG_MAX */
	const char *summary;	/* --summary FILE */
	bool progress;		/* --progress */
	bool fresh;		/* --fresh */
	const char *input;	/* FILE, or "-" */
};

/* Rejects of one kind, for the summary; kinds past the last slot are
 * counted together as "other". */
#define REJECT_KINDS 32
struct reject_kind {
	char *kind;
	unsigned long long count;
};

/* Everything ferry_die's hook needs to roll back and keep rejects. */
struct load {
	struct options options;
	struct csv_reader *reader;
	const struct csv_row *header;
	PGconn *conn;
	struct batch batch;
	struct output_file rejects_file;
	struct csv_writer *rejects;	/* NULL without --rejects */
	struct load_counts counts;	/* committed */
	struct reject_kind kinds[REJECT_KINDS];	/* committed rejects by kind */
	size_t kind_count;
	struct progress progress;
	struct fresh fresh;		/* --fresh: the indexes to build again */
	bool fresh_transaction;		/* --fresh: its one transaction is open */
};

static void
count_kind(struct load *load, const char *kind)
{
	size_t i;

	for (i = 0; i < load->kind_count; i++)
		if (strcmp(load->kinds[i].kind, kind) == 0)
			break;
	if (i == load->kind_count) {
		if (i == REJECT_KINDS) {
			i = REJECT_KINDS - 1;
			free(load->kinds[i].kind);
			load->kinds[i].kind = ferry_strdup("other");
		} else {
			load->kinds[i].kind = ferry_strdup(kind);
			load->kind_count++;
		}
	}
	load->kinds[i].count++;
}

static _Noreturn void
usage(void)
{
	fprintf(stderr,
	    "usage: ferry-load [-d CONNINFO] -t TABLE [--mode copy|skip|upsert]\n"
	    "                  [--key COLS] [--batch-rows N] [--rejects FILE]\n"
	    "                  [--max-rejects N] [--summary FILE] [--progress]\n"
	    "                  [--fresh] [--format csv|binary|auto] [FILE]\n");
	exit(FERRY_EXIT_USAGE);
}

static unsigned long long
parse_count(const char *option, const char *text)
{
	char *end;
	unsigned long long value;

	if (*text == '-' || *text == '\0')
		ferry_die(FERRY_EXIT_USAGE, "%s %s: not a count", option, text);
	value = strtoull(text, &end, 10);
	if (*end != '\0')
		ferry_die(FERRY_EXIT_USAGE, "%s %s: not a count", option, text);
	return value;
}

static void
parse_options(int argc, char **argv, struct options *options)
{
	static const struct option long_options[] = {
		{ "dbname", required_argument, NULL, 'd' },
		{ "table", required_argument, NULL, 't' },
		{ "mode", required_argument, NULL, 'm' },
		{ "key", required_argument, NULL, 'k' },
		{ "batch-rows", required_argument, NULL, 'b' },
		{ "rejects", required_argument, NULL, 'r' },
		{ "max-rejects", required_argument, NULL, 'x' },
		{ "summary", required_argument, NULL, 's' },
		{ "progress", no_argument, NULL, 'p' },
		{ "fresh", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(options, 0, sizeof(*options));
	options->mode = MODE_SKIP;
	options->batch_rows = 20000;
	options->max_rejects = ULLONG_MAX;
	while ((c = getopt_long(argc, argv, "d:t:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'd': options->conninfo = optarg; break;
		case 't': options->table = optarg; break;
		case 'm':
			if (strcmp(optarg, "copy") == 0)
				options->mode = MODE_COPY;
			else if (strcmp(optarg, "skip") == 0)
				options->mode = MODE_SKIP;
			else if (strcmp(optarg, "upsert") == 0)
				options->mode = MODE_UPSERT;
			else
				ferry_die(FERRY_EXIT_USAGE, "--mode %s: expected "
				    "copy, skip or upsert", optarg);
			break;
		case 'k': options->key = optarg; break;
		case 'b':
			options->batch_rows = (size_t)parse_count("--batch-rows",
			    optarg);
			if (options->batch_rows == 0 ||
			    options->batch_rows > 100000000)
				ferry_die(FERRY_EXIT_USAGE, "--batch-rows %s: "
				    "from 1 to 100000000", optarg);
			break;
		case 'r': options->rejects = optarg; break;
		case 'x':
			options->max_rejects = parse_count("--max-rejects", optarg);
			break;
		case 's': options->summary = optarg; break;
		case 'p': options->progress = true; break;
		case 'f': options->fresh = true; break;
		case 'F':
			if (strcmp(optarg, "auto") == 0)
				options->format = FORMAT_AUTO;
			else if (strcmp(optarg, "csv") == 0)
				options->format = FORMAT_CSV;
			else if (strcmp(optarg, "binary") == 0)
				options->format = FORMAT_BINARY;
			else
				ferry_die(FERRY_EXIT_USAGE, "--format %s: expected "
				    "csv, binary or auto", optarg);
			break;
		default: usage();
		}
	}
	if (options->table == NULL || argc - optind > 1)
		usage();
	options->input = optind < argc ? argv[optind] : "-";
}

/* The table's column names, one string each; dies when there is none. */
static char **
table_columns(PGconn *conn, const char *table, const char *quoted, int *count)
{
	const char *parameters[1] = { quoted };
	PGresult *result = ferry_exec_params(conn,
	    "SELECT attname FROM pg_attribute"
	    " WHERE attrelid = to_regclass($1) AND attnum > 0"
	    "   AND NOT attisdropped ORDER BY attnum", 1, parameters);
	char **names;

	*count = PQntuples(result);
	if (*count == 0)
		ferry_die(FERRY_EXIT_DATABASE, "no table %s", table);
	names = ferry_malloc((size_t)*count * sizeof(*names));
	for (int i = 0; i < *count; i++)
		names[i] = ferry_strdup(PQgetvalue(result, i, 0));
	PQclear(result);
	return names;
}

/* The idempotency key of skip and upsert. */
struct key {
	char *list;		/* its columns, comma-separated */
	char *storage;		/* a copy of list, split into names */
	char **names;		/* each column */
	size_t count;
};

/* --key, or the primary key. */
static void
key_columns(PGconn *conn, const struct options *options, const char *quoted,
    struct key *key)
{
	char *saved = NULL;

	key->list = options->key != NULL ? ferry_strdup(options->key) :
	    ferry_primary_key(conn, quoted, ",", false);
	if (key->list == NULL)
		ferry_die(FERRY_EXIT_USAGE, "%s has no primary key: name the "
		    "idempotency key with --key COLS", options->table);
	key->storage = ferry_strdup(key->list);
	key->names = NULL;
	key->count = 0;
	for (char *name = strtok_r(key->storage, ",", &saved); name != NULL;
	    name = strtok_r(NULL, ",", &saved)) {
		key->names = ferry_realloc(key->names,
		    (key->count + 1) * sizeof(*key->names));
		key->names[key->count++] = name;
	}
	if (key->count == 0)
		ferry_die(FERRY_EXIT_USAGE, "--key %s: no column", key->list);
}

static void
key_free(struct key *key)
{
	free(key->storage);
	free(key->names);
	free(key->list);
}

static bool
is_key_column(const struct key *key, const char *name)
{
	for (size_t i = 0; i < key->count; i++)
		if (strcmp(key->names[i], name) == 0)
			return true;
	return false;
}

/* Dies unless a unique index of the table covers exactly the key. */
static void
check_unique_key(PGconn *conn, const char *table, const char *quoted,
    const struct key *key)
{
	const char *parameters[2] = { quoted, key->list };
	PGresult *result = ferry_exec_params(conn,
	    "SELECT EXISTS (SELECT FROM pg_index i"
	    "  WHERE i.indrelid = to_regclass($1) AND i.indisunique"
	    "    AND i.indpred IS NULL AND i.indexprs IS NULL"
	    "    AND (SELECT array_agg(a.attname::text ORDER BY a.attname)"
	    "           FROM pg_attribute a WHERE a.attrelid = i.indrelid"
	    "            AND a.attnum = ANY (i.indkey::int2[]))"
	    "      = (SELECT array_agg(k ORDER BY k)"
	    "           FROM unnest(string_to_array($2, ',')) k))",
	    2, parameters);
	bool found = strcmp(PQgetvalue(result, 0, 0), "t") == 0;

	PQclear(result);
	if (!found)
		ferry_die(FERRY_EXIT_DATABASE, "%s has no unique index on (%s): "
		    "the key must be one for ON CONFLICT", table, key->list);
}

/* Appends the header's columns, quoted: "a", "b" (with prefix each). */
static void
append_columns(struct buffer *sql, const struct csv_row *header,
    const char *prefix)
{
	for (size_t i = 0; i < header->count; i++) {
		char *quoted = ferry_quote_identifier(header->fields[i].value);

		buffer_printf(sql, "%s%s%s", i > 0 ? ", " : "", prefix, quoted);
		free(quoted);
	}
}

/*
 * Checks the header against the table, makes the temporary table, and
 * builds the batch's COPY and INSERT statements.
 */
static void
prepare(struct load *load, char **copy_sql, char **insert_sql)
{
	const struct options *options = &load->options;
	char *table = ferry_quote_table(options->table);
	struct buffer copy = BUFFER_INIT, insert = BUFFER_INIT;
	struct key key = { NULL, NULL, NULL, 0 };
	int column_count;
	char **columns = table_columns(load->conn, options->table, table,
	    &column_count);

	for (size_t i = 0; i < load->header->count; i++) {
		const char *name = load->header->fields[i].value;
		int j;

		for (j = 0; j < column_count; j++)
			if (strcmp(columns[j], name) == 0)
				break;
		if (j == column_count) {
			char shown[256];

			ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: record 0: "
			    "column \"%s\" is not in table %s",
			    csv_reader_name(load->reader), load->header->line,
			    ferry_escape(shown, sizeof(shown), name, strlen(name)),
			    options->table);
		}
	}
	for (int j = 0; j < column_count; j++)
		free(columns[j]);
	free(columns);

	*insert_sql = NULL;
	if (options->fresh && options->key != NULL) {
		/* The idempotency key a later skip re-run needs must exist. */
		key_columns(load->conn, options, table, &key);
		check_unique_key(load->conn, options->table, table, &key);
		key_free(&key);
	}
	if (options->mode == MODE_COPY || options->fresh) {
		buffer_printf(&copy, "COPY %s (", table);
		append_columns(&copy, load->header, "");
		buffer_append_string(&copy, ") FROM STDIN");	/* batch adds the format */
		*copy_sql = buffer_terminate(&copy);
		free(table);
		return;
	}

	key_columns(load->conn, options, table, &key);
	for (size_t i = 0; i < key.count; i++)
		if (csv_header_index(load->header, key.names[i]) < 0)
			ferry_die(FERRY_EXIT_USAGE, "key column %s is not in "
			    "the input's header", key.names[i]);
	check_unique_key(load->conn, options->table, table, &key);

	/* Temporary rows stay in memory up to this size, and so does the
	 * sort of a batch into input order (with the default 4 MB, a batch
	 * of 20,000 rows of 300 bytes spills to disk). */
	ferry_exec_command(load->conn, "SET temp_buffers = '64MB'; "
	    "SET work_mem = '64MB'");
	buffer_append_string(&copy, "CREATE TEMP TABLE ferry_batch AS SELECT ");
	append_columns(&copy, load->header, "");
	buffer_printf(&copy, " FROM %s WITH NO DATA; ALTER TABLE "
	    "pg_temp.ferry_batch ADD COLUMN ferry_row bigint GENERATED ALWAYS "
	    "AS IDENTITY", table);
	ferry_exec_command(load->conn, buffer_terminate(&copy));
	buffer_reset(&copy);
	buffer_append_string(&copy, "COPY pg_temp.ferry_batch (");
	append_columns(&copy, load->header, "");
	buffer_append_string(&copy, ") FROM STDIN");
	*copy_sql = buffer_terminate(&copy);

	if (options->mode == MODE_UPSERT)
		buffer_append_string(&insert, "WITH changed AS (");
	buffer_printf(&insert, "INSERT INTO %s AS target (", table);
	append_columns(&insert, load->header, "");
	buffer_append_string(&insert, ") SELECT ");
	append_columns(&insert, load->header, "");
	/* The rows numbered [$1, $2) of the piece, in input order. */
	buffer_append_string(&insert, " FROM pg_temp.ferry_batch WHERE "
	    "ferry_row >= $1 AND ferry_row < $2 ORDER BY ferry_row ON CONFLICT (");
	for (size_t i = 0; i < key.count; i++) {
		char *quoted = ferry_quote_identifier(key.names[i]);

		buffer_printf(&insert, "%s%s", i > 0 ? ", " : "", quoted);
		free(quoted);
	}
	buffer_append_string(&insert, ")");
	if (options->mode == MODE_SKIP) {
		buffer_append_string(&insert, " DO NOTHING");
	} else {
		struct buffer changed = BUFFER_INIT, old = BUFFER_INIT;
		struct buffer new = BUFFER_INIT;

		/* Update only rows whose non-key columns differ. */
		for (size_t i = 0; i < load->header->count; i++) {
			const char *name = load->header->fields[i].value;
			const char *comma = changed.length > 0 ? ", " : "";
			char *quoted;

			if (is_key_column(&key, name))
				continue;
			quoted = ferry_quote_identifier(name);
			buffer_printf(&changed, "%s%s = EXCLUDED.%s", comma,
			    quoted, quoted);
			buffer_printf(&old, "%starget.%s::text", comma, quoted);
			buffer_printf(&new, "%sEXCLUDED.%s::text", comma, quoted);
			free(quoted);
		}
		if (changed.length == 0)
			buffer_append_string(&insert, " DO NOTHING");
		else
			buffer_printf(&insert, " DO UPDATE SET %s WHERE (%s) "
			    "IS DISTINCT FROM (%s)", buffer_terminate(&changed),
			    buffer_terminate(&old), buffer_terminate(&new));
		buffer_append_string(&insert, " RETURNING (target.xmax = 0) "
		    "AS inserted) SELECT count(*) FILTER (WHERE inserted), "
		    "count(*) FILTER (WHERE NOT inserted) FROM changed");
		buffer_free(&changed);
		buffer_free(&old);
		buffer_free(&new);
	}
	*insert_sql = buffer_terminate(&insert);
	key_free(&key);
	free(table);
}

/*
 * --format: the encodings of the header's columns for binary COPY (auto:
 * when every column's type has an encoder), or NULL for CSV.  Said once
 * under --progress; --format binary with a column no encoder takes is
 * exit 2.
 */
static enum copy_encoding *
choose_format(struct load *load)
{
	const struct options *options = &load->options;
	enum copy_encoding *encodings;
	char *table, reason[512];
	bool encodable;

	if (options->format == FORMAT_CSV) {
		if (options->progress)
			ferry_warn("%s: CSV COPY (--format csv)", options->table);
		return NULL;
	}
	table = ferry_quote_table(options->table);
	encodings = ferry_malloc(load->header->count * sizeof(*encodings));
	encodable = copy_binary_encodings(load->conn, table, load->header,
	    encodings, reason, sizeof(reason));
	free(table);
	if (encodable) {
		if (options->progress)
			ferry_warn("%s: binary COPY", options->table);
		return encodings;
	}
	free(encodings);
	if (options->format == FORMAT_BINARY)
		ferry_die(FERRY_EXIT_USAGE, "--format binary: %s", reason);
	if (options->progress)
		ferry_warn("%s: CSV COPY (%s)", options->table, reason);
	return NULL;
}

static void
open_rejects(struct load *load)
{
	if (load->options.rejects == NULL)
		return;
	output_file_open(&load->rejects_file, load->options.rejects);
	load->rejects = csv_writer_open(load->rejects_file.fd,
	    load->options.rejects);
	for (size_t i = 0; i < load->header->count; i++)
		csv_write_string(load->rejects, load->header->fields[i].value);
	csv_write_string(load->rejects, "_line");
	csv_write_string(load->rejects, "_reason");
	csv_write_end_row(load->rejects);
	csv_writer_flush(load->rejects);
}

/* Keeps the rejects of committed batches: the file is renamed into
 * place on every way out, so no refused row is ever lost. */
static void
close_rejects(struct load *load)
{
	if (load->rejects == NULL)
		return;
	csv_writer_close(load->rejects);
	load->rejects = NULL;
	output_file_commit(&load->rejects_file);
}

/* Records the rejects of the batch just committed. */
static void
write_rejects(struct load *load)
{
	struct batch *batch = &load->batch;

	for (size_t i = 0; i < batch->reject_count; i++) {
		const struct reject *reject = &batch->rejects[i];
		unsigned long line = batch->lines[reject->row];
		char number[32];
		size_t length;
		char *text;

		count_kind(load, reject->kind);
		if (load->rejects == NULL) {
			ferry_warn("%s:%lu: record %lu: rejected: %s",
			    csv_reader_name(load->reader), line,
			    batch->records[reject->row], reject->reason);
			continue;
		}
		/* The row as spooled, without its "\n", then two fields. */
		text = batch_row_text(batch, reject->row, &length);
		csv_write_encoded(load->rejects, text, length - 1,
		    load->header->count);
		free(text);
		snprintf(number, sizeof(number), "%lu", line);
		csv_write_string(load->rejects, number);
		csv_write_string(load->rejects, reject->reason);
		csv_write_end_row(load->rejects);
	}
	if (load->rejects != NULL)
		csv_writer_flush(load->rejects);
}

static void
write_summary(struct load *load, const char *status)
{
	const struct load_counts *counts = &load->counts;
	double seconds = progress_seconds(&load->progress);
	struct output_file file;
	struct buffer json = BUFFER_INIT;

	ferry_warn("%s: read %llu, inserted %llu, skipped %llu, updated %llu, "
	    "rejected %llu in %.2f s (%.0f rows/s)%s%s", load->options.table,
	    counts->read, counts->inserted, counts->skipped, counts->updated,
	    counts->rejected, seconds,
	    seconds > 0 ? (double)counts->read / seconds : 0.0,
	    strcmp(status, "done") == 0 ? "" : ": ", 
	    strcmp(status, "done") == 0 ? "" : status);
	for (size_t i = 0; i < load->kind_count; i++)
		ferry_warn("%s: rejected %llu: %s", load->options.table,
		    load->kinds[i].count, load->kinds[i].kind);
	if (load->options.summary == NULL)
		return;
	buffer_append_string(&json, "{\"table\": ");
	json_append_string(&json, load->options.table,
	    strlen(load->options.table));
	buffer_append_string(&json, ", \"status\": ");
	json_append_string(&json, status, strlen(status));
	buffer_printf(&json, ", \"format\": \"%s\"",
	    load->batch.encodings != NULL ? "binary" : "csv");
	buffer_printf(&json, ", \"read\": %llu, \"inserted\": %llu, "
	    "\"skipped\": %llu, \"updated\": %llu, \"rejected\": %llu, "
	    "\"seconds\": %.3f, \"rejected_by_reason\": {", counts->read,
	    counts->inserted, counts->skipped, counts->updated,
	    counts->rejected, seconds);
	for (size_t i = 0; i < load->kind_count; i++) {
		if (i > 0)
			buffer_append_string(&json, ", ");
		json_append_string(&json, load->kinds[i].kind,
		    strlen(load->kinds[i].kind));
		buffer_printf(&json, ": %llu", load->kinds[i].count);
	}
	buffer_append_string(&json, "}}\n");
	output_file_open(&file, load->options.summary);
	write_all(file.fd, load->options.summary, json.data, json.length);
	output_file_commit(&file);
	buffer_free(&json);
}

/* --fresh failed: its one transaction is rolled back, nothing inserted. */
static void
fresh_rollback(struct load *load)
{
	if (!load->fresh_transaction)
		return;
	if (PQtransactionStatus(load->conn) != PQTRANS_IDLE)	/* batch_abort may have */
		PQclear(PQexec(load->conn, "ROLLBACK"));
	load->fresh_transaction = false;
	load->counts.inserted = 0;
}

/* On any fatal error: abort the COPY in flight, roll the batch back,
 * keep the rejects of committed batches, report what was committed. */
static void
on_die(void *argument)
{
	struct load *load = argument;

	if (load->batch.in_transaction)
		batch_abort(&load->batch, "ferry-load failed");
	fresh_rollback(load);
	if (load->rejects != NULL) {
		load->rejects = NULL;	/* the writer's buffer was flushed */
		output_file_commit(&load->rejects_file);
	}
	write_summary(load, "failed");
}

static void
commit_batch(struct load *load)
{
	struct batch *batch = &load->batch;
	struct load_counts *counts = &load->counts;

	batch_finish(batch);
	if (counts->rejected + batch->batch_counts.rejected >
	    load->options.max_rejects) {
		char message[128];

		snprintf(message, sizeof(message), "rejects passed "
		    "--max-rejects %llu: %s", load->options.max_rejects,
		    load->fresh_transaction ? "nothing was loaded (--fresh)" :
		    "the last batch was rolled back");
		batch_abort(batch, NULL);
		fresh_rollback(load);
		close_rejects(load);
		write_summary(load, message);
		ferry_forget_on_die(on_die, load);
		ferry_die(FERRY_EXIT_DIFFERENCE, "%s", message);
	}
	/* --fresh commits once, after its indexes are built again. */
	if (!load->fresh_transaction)
		ferry_exec_command(load->conn, "COMMIT");
	batch->in_transaction = false;
	counts->inserted += batch->batch_counts.inserted;
	counts->skipped += batch->batch_counts.skipped;
	counts->updated += batch->batch_counts.updated;
	counts->rejected += batch->batch_counts.rejected;
	write_rejects(load);
	batch_clear(batch);
}

int
main(int argc, char **argv)
{
	static struct load load;
	char *copy_sql, *insert_sql;
	const struct csv_row *row;
	int got;

	ferry_init(argv[0]);
	parse_options(argc, argv, &load.options);
	load.reader = csv_reader_open_path(load.options.input);
	load.header = csv_reader_header(load.reader);
	if (load.header == NULL)
		csv_reader_die(load.reader);
	load.conn = ferry_connect(load.options.conninfo);
	prepare(&load, &copy_sql, &insert_sql);
	batch_init(&load.batch, load.conn, load.options.mode, copy_sql,
	    insert_sql, choose_format(&load), load.options.batch_rows);
	open_rejects(&load);
	ferry_on_die(on_die, &load);
	progress_init(&load.progress, load.options.table, load.options.progress,
	    0);
	if (load.options.fresh) {
		char *table = ferry_quote_table(load.options.table);

		ferry_exec_command(load.conn, "BEGIN");
		load.fresh_transaction = true;
		fresh_begin(load.conn, load.options.table, table, &load.fresh);
		free(table);
	}

	while ((got = csv_reader_next(load.reader, &row)) > 0) {
		if (!load.batch.in_transaction)
			batch_begin(&load.batch);
		batch_add(&load.batch, row);
		load.counts.read++;
		if (load.batch.count == load.batch.limit)
			commit_batch(&load);
		progress_update(&load.progress, load.counts.read,
		    csv_reader_bytes(load.reader));
	}
	if (got < 0) {
		/* Nothing of the batch in flight commits. */
		batch_abort(&load.batch, csv_reader_error(load.reader));
		fresh_rollback(&load);
		close_rejects(&load);
		write_summary(&load, "aborted: malformed input");
		ferry_forget_on_die(on_die, &load);
		csv_reader_die(load.reader);
	}
	if (load.batch.in_transaction)
		commit_batch(&load);
	if (load.fresh_transaction) {
		char *table = ferry_quote_table(load.options.table);

		fresh_finish(load.conn, load.options.table, table, &load.fresh);
		ferry_exec_command(load.conn, "COMMIT");
		load.fresh_transaction = false;
		fresh_free(&load.fresh);
		free(table);
	}
	progress_finish(&load.progress, load.counts.read,
	    csv_reader_bytes(load.reader));
	ferry_forget_on_die(on_die, &load);
	close_rejects(&load);
	write_summary(&load, "done");
	PQfinish(load.conn);
	csv_reader_close(load.reader);
	free(copy_sql);
	free(insert_sql);
	return FERRY_EXIT_DONE;
}
