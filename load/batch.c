/*
 * A batch is one transaction.  Its rows stream into COPY as they are
 * read, and into a spool file beside it as CSV.  Where every column has a
 * binary encoder (lib/copy_binary.h), this first attempt sends the rows
 * in binary, so that the server parses no text; a row with a value not in
 * its canonical form ends the binary COPY, and the rest of the batch goes
 * as CSV in a second COPY under the same savepoint.  When the server
 * refuses the batch, it is re-sent as CSV in pieces from the spool, each
 * under a savepoint, until the refused rows are isolated: a COPY error
 * that names its input line cuts the piece there at once; any other error
 * halves it.  The refused rows become rejects with the server's message
 * (CSV COPY's, whichever format was refused first), and the rest of the
 * batch is applied.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "connection.h"
#include "copy.h"
#include "csv_write.h"
#include "error.h"
#include "load.h"

#define SEND_AT (64 * 1024)

static int
open_spool(void)
{
	const char *directory = getenv("TMPDIR");
	struct buffer path = BUFFER_INIT;
	int fd;

	buffer_printf(&path, "%s/ferry-load.XXXXXX",
	    directory != NULL && *directory != '\0' ? directory : "/tmp");
	fd = mkostemp(buffer_terminate(&path), O_CLOEXEC);	/* 0600 */
	if (fd < 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path.data);
	unlink(path.data);
	buffer_free(&path);
	return fd;
}

void
batch_init(struct batch *batch, PGconn *conn, enum load_mode mode,
    const char *copy_sql, const char *insert_sql,
    const enum copy_encoding *encodings, size_t limit)
{
	struct buffer sql = BUFFER_INIT;

	memset(batch, 0, sizeof(*batch));
	batch->conn = conn;
	batch->mode = mode;
	buffer_printf(&sql, "%s (FORMAT csv)", copy_sql);
	batch->csv_sql = buffer_terminate(&sql);
	if (encodings != NULL) {
		struct buffer binary_sql = BUFFER_INIT;

		buffer_printf(&binary_sql, "%s (FORMAT binary)", copy_sql);
		batch->binary_sql = buffer_terminate(&binary_sql);
	}
	batch->encodings = encodings;
	batch->insert_sql = insert_sql;
	batch->spool_fd = open_spool();
	batch->limit = limit;
	batch->offsets = ferry_malloc((limit + 1) * sizeof(*batch->offsets));
	batch->lines = ferry_malloc(limit * sizeof(*batch->lines));
	batch->records = ferry_malloc(limit * sizeof(*batch->records));
	batch->rejects = ferry_malloc(limit * sizeof(*batch->rejects));
	buffer_reserve(&batch->pending, SEND_AT * 2);
	if (encodings != NULL)
		buffer_reserve(&batch->binary, SEND_AT * 2);
}

/*
 * Spools the pending CSV rows, and sends what the first attempt's COPY
 * has not had yet: the binary tuples, or the same CSV rows.
 */
static void
send_pending(struct batch *batch)
{
	/* The spool's offset is at the batch's end (batch_begin rewinds it;
	 * re-sends read it with pread). */
	write_all(batch->spool_fd, "spool file", batch->pending.data,
	    batch->pending.length);
	if (batch->sending == SEND_BINARY)
		copy_in_send(batch->conn, batch->binary.data,
		    batch->binary.length);
	else if (batch->sending == SEND_CSV)
		copy_in_send(batch->conn, batch->pending.data,
		    batch->pending.length);
	batch->pending.length = 0;
	batch->binary.length = 0;
}

void
batch_begin(struct batch *batch)
{
	/* ferry-load --fresh holds one transaction around every batch. */
	ferry_exec_command(batch->conn,
	    PQtransactionStatus(batch->conn) == PQTRANS_INTRANS ?
	    "SAVEPOINT piece" : "BEGIN; SAVEPOINT piece");
	batch->in_transaction = true;
	batch->count = 0;
	batch->offsets[0] = 0;
	if (lseek(batch->spool_fd, 0, SEEK_SET) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "spool file: seek");
	batch->binary_rows = 0;
	if (batch->encodings != NULL) {
		copy_in_start(batch->conn, batch->binary_sql);
		copy_binary_header(&batch->binary);
		batch->sending = SEND_BINARY;
	} else {
		copy_in_start(batch->conn, batch->csv_sql);
		batch->sending = SEND_CSV;
	}
	batch->in_copy = true;
}

static unsigned long long count_of(const PGresult *, int);

/*
 * The first attempt's binary COPY ends before a row it cannot encode, and
 * the rest of the batch follows as CSV in the same savepoint (skip and
 * upsert number the rows in COPY order, so the input's order stays).
 * When the server refused the binary COPY, the rest is only spooled: the
 * whole batch is re-sent as CSV at batch_finish.
 */
static void
switch_to_csv(struct batch *batch)
{
	PGresult *result;

	copy_binary_trailer(&batch->binary);
	send_pending(batch);
	result = copy_in_end(batch->conn, NULL);
	batch->in_copy = false;
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		batch->refused = result;
		batch->sending = SEND_NOTHING;
		return;
	}
	if (batch->insert_sql == NULL)
		batch->batch_counts.inserted += count_of(result, -1);
	PQclear(result);
	copy_in_start(batch->conn, batch->csv_sql);
	batch->in_copy = true;
	batch->sending = SEND_CSV;
}

void
batch_add(struct batch *batch, const struct csv_row *row)
{
	size_t before;

	if (batch->sending == SEND_BINARY) {
		if (copy_binary_row(&batch->binary, batch->encodings,
		    row->fields, row->count))
			batch->binary_rows++;
		else
			switch_to_csv(batch);
	}
	before = batch->pending.length;
	batch->lines[batch->count] = row->line;
	batch->records[batch->count] = row->record;
	csv_append_row(&batch->pending, row->fields, row->count);
	batch->count++;
	batch->offsets[batch->count] = batch->offsets[batch->count - 1] +
	    (off_t)(batch->pending.length - before);
	if (batch->pending.length >= SEND_AT || batch->binary.length >= SEND_AT)
		send_pending(batch);
}

/* Reads the spool from at, up to end and at most SEND_AT bytes, into
 * chunk; the bytes read (more than 0: a short spool is an I/O error). */
static size_t
read_spool(struct batch *batch, char chunk[SEND_AT], off_t at, off_t end)
{
	size_t want = (size_t)(end - at);
	ssize_t got;

	do
		got = pread(batch->spool_fd, chunk,
		    want < SEND_AT ? want : SEND_AT, at);
	while (got < 0 && errno == EINTR);
	if (got <= 0)
		ferry_die_errno(FERRY_EXIT_IO, "spool file: read");
	return (size_t)got;
}

/* Re-sends rows [first, end) from the spool into the COPY in flight. */
static void
resend(struct batch *batch, size_t first, size_t end)
{
	char chunk[SEND_AT];
	off_t at = batch->offsets[first];

	while (at < batch->offsets[end]) {
		size_t got = read_spool(batch, chunk, at, batch->offsets[end]);

		copy_in_send(batch->conn, chunk, got);
		at += (off_t)got;
	}
}

static unsigned long long
count_of(const PGresult *result, int column)
{
	const char *text = column < 0 ? PQcmdTuples((PGresult *)result) :
	    PQgetvalue(result, 0, column);

	return strtoull(text, NULL, 10);
}

/* Adds what one INSERT (or upsert) of rows did to the batch's counts. */
static void
count_applied(struct batch *batch, const PGresult *result,
    unsigned long long rows)
{
	unsigned long long inserted, updated = 0;

	if (batch->mode == MODE_UPSERT) {
		inserted = count_of(result, 0);
		updated = count_of(result, 1);
	} else
		inserted = count_of(result, -1);
	batch->batch_counts.inserted += inserted;
	batch->batch_counts.updated += updated;
	batch->batch_counts.skipped += rows - inserted - updated;
}

static void add_reject(struct batch *, size_t, const PGresult *);

/*
 * Skip and upsert: inserts the temporary table's rows numbered [low,
 * high).  The piece's rows are numbered from base on (ferry_row, in COPY
 * order; a sequence is not rolled back with a refused COPY, so base is
 * read, not assumed), and its row base is the batch's row first.  The
 * rows are on the server already, so when the INSERT is refused the range
 * is halved there, each half under its own savepoint, until the refused
 * rows are single: no row is sent twice.
 */
static void
apply_range(struct batch *batch, size_t first, size_t base, size_t low,
    size_t high)
{
	char low_text[32], high_text[32];
	const char *parameters[2] = { low_text, high_text };
	PGresult *result;

	snprintf(low_text, sizeof(low_text), "%zu", low);
	snprintf(high_text, sizeof(high_text), "%zu", high);
	ferry_exec_command(batch->conn, "SAVEPOINT apply");
	result = PQexecParams(batch->conn, batch->insert_sql, 2, NULL,
	    parameters, NULL, NULL, 0);
	if (PQresultStatus(result) == PGRES_COMMAND_OK ||
	    PQresultStatus(result) == PGRES_TUPLES_OK) {
		count_applied(batch, result, high - low);
		PQclear(result);
		ferry_exec_command(batch->conn, "RELEASE SAVEPOINT apply");
		return;
	}
	ferry_exec_command(batch->conn,
	    "ROLLBACK TO SAVEPOINT apply; RELEASE SAVEPOINT apply");
	if (!batch->row_index) {
		/* Halving reads ranges: worth an index from now on. */
		ferry_exec_command(batch->conn, "CREATE INDEX ferry_batch_row "
		    "ON pg_temp.ferry_batch (ferry_row)");
		batch->row_index = true;
	}
	if (high - low == 1) {
		add_reject(batch, first + (low - base), result);
	} else {
		size_t middle = low + (high - low) / 2;

		apply_range(batch, first, base, low, middle);
		apply_range(batch, first, base, middle, high);
	}
	PQclear(result);
}

/*
 * Ends the COPY of rows [first, end) and applies them: copy mode has
 * loaded them, skip and upsert insert them from the temporary table,
 * isolating the rows the INSERT refuses.  False when COPY itself refused
 * the piece: its savepoint is rolled back and *error holds the server's
 * result (the caller PQclears it).
 */
static bool
end_piece(struct batch *batch, size_t first, size_t end, PGresult **error)
{
	PGresult *result = copy_in_end(batch->conn, NULL);
	size_t base;

	batch->in_copy = false;
	*error = NULL;
	if (PQresultStatus(result) != PGRES_COMMAND_OK) {
		*error = result;
		ferry_exec_command(batch->conn,
		    "ROLLBACK TO SAVEPOINT piece; RELEASE SAVEPOINT piece");
		return false;
	}
	if (batch->insert_sql == NULL) {
		batch->batch_counts.inserted += count_of(result, -1);
		PQclear(result);
		ferry_exec_command(batch->conn, "RELEASE SAVEPOINT piece");
		return true;
	}
	PQclear(result);
	result = ferry_exec(batch->conn,
	    "SELECT coalesce(min(ferry_row), 0) FROM pg_temp.ferry_batch");
	base = (size_t)count_of(result, 0);
	PQclear(result);
	apply_range(batch, first, base, base, base + (end - first));
	ferry_exec_command(batch->conn,
	    "TRUNCATE pg_temp.ferry_batch; RELEASE SAVEPOINT piece");
	return true;
}

/*
 * The class of a refusal, for counting rejects by reason: what was
 * violated and where, without the row's values.
 */
static char *
reject_kind(const PGresult *error)
{
	static const struct {
		const char *state;
		const char *name;
	} states[] = {
		{ "23502", "not-null violation" },
		{ "23503", "foreign-key violation" },
		{ "23505", "unique violation" },
		{ "23514", "check violation" },
		{ "23P01", "exclusion violation" },
		{ "22P02", "invalid input" },
		{ "22007", "invalid date or time" },
		{ "22008", "date or time out of range" },
		{ "22001", "value too long" },
		{ "22003", "number out of range" },
		{ "22P05", "untranslatable character" },
	};
	const char *state = PQresultErrorField(error, PG_DIAG_SQLSTATE);
	const char *constraint = PQresultErrorField(error,
	    PG_DIAG_CONSTRAINT_NAME);
	const char *column = PQresultErrorField(error, PG_DIAG_COLUMN_NAME);
	const char *context = PQresultErrorField(error, PG_DIAG_CONTEXT);
	const char *name = NULL;
	struct buffer kind = BUFFER_INIT;

	for (size_t i = 0; state != NULL && i < sizeof(states) / sizeof(states[0]); i++)
		if (strcmp(state, states[i].state) == 0)
			name = states[i].name;
	if (name != NULL)
		buffer_append_string(&kind, name);
	else
		buffer_printf(&kind, "error %s", state != NULL ? state : "?");
	if (constraint != NULL)
		buffer_printf(&kind, " (%s)", constraint);
	else if (column != NULL)
		buffer_printf(&kind, " (column %s)", column);
	else if (context != NULL && strstr(context, ", column ") != NULL) {
		const char *at = strstr(context, ", column ") + strlen(", column ");

		buffer_printf(&kind, " (column %.*s)", (int)strcspn(at, ":"), at);
	}
	return buffer_terminate(&kind);
}

static void
add_reject(struct batch *batch, size_t row, const PGresult *error)
{
	char reason[1024];

	ferry_database_error(batch->conn, error, reason, sizeof(reason));
	batch->rejects[batch->reject_count].row = row;
	batch->rejects[batch->reject_count].reason = ferry_strdup(reason);
	batch->rejects[batch->reject_count].kind = reject_kind(error);
	batch->reject_count++;
	batch->batch_counts.rejected++;
}

/*
 * The input line COPY's error names ("COPY t, line 3, column x: ..."),
 * counted from 1 within the piece; 0 when it names none.  Only COPY's own
 * context line counts: an input function's may name a line of the value
 * ("JSON data, line 1: {bad").
 */
static unsigned long
copy_error_line(const PGresult *error)
{
	const char *context = PQresultErrorField(error, PG_DIAG_CONTEXT);

	while (context != NULL && *context != '\0') {
		const char *end = strchr(context, '\n');
		size_t length = end != NULL ? (size_t)(end - context) :
		    strlen(context);
		const char *at = memmem(context, length, ", line ", 7);

		if (strncmp(context, "COPY ", 5) == 0 && at != NULL)
			return strtoul(at + 7, NULL, 10);
		context = end != NULL ? end + 1 : NULL;
	}
	return 0;
}

/*
 * The row of the piece [first, end) that a COPY error's line names.  The
 * server counts physical lines: a record's line is its last one, and the
 * line ends inside its quoted fields count too, except in the COPY's first
 * record, read before the server knows which character ends a line (there
 * only a carriage return counts; PostgreSQL's CopyReadLineText).  Rows are
 * spooled as CSV, each ending in its one unquoted "\n".  end when the line
 * is past the piece.
 */
static size_t
row_of_line(struct batch *batch, size_t first, size_t end, unsigned long line)
{
	char chunk[SEND_AT];
	off_t chunk_at = 0, chunk_end = 0;	/* the spool bytes in chunk */
	unsigned long last = 0;		/* the last line of the rows before */

	for (size_t row = first; row < end; row++) {
		off_t at = batch->offsets[row];
		unsigned long counted = 0;
		char counts = row == first ? '\r' : '\n';

		while (at < batch->offsets[row + 1]) {
			off_t stop;

			if (at >= chunk_end) {
				chunk_at = at;
				chunk_end = at + (off_t)read_spool(batch, chunk,
				    at, batch->offsets[end]);
			}
			stop = batch->offsets[row + 1] < chunk_end ?
			    batch->offsets[row + 1] : chunk_end;
			for (; at < stop; at++)
				counted += chunk[at - chunk_at] == counts;
		}
		/* The first row's own "\n" is not a carriage return. */
		last += row == first ? counted + 1 : counted;
		if (last >= line)
			return row;
	}
	return end;
}

static void isolate(struct batch *, size_t, size_t, PGresult *);

/* Tries rows [first, end) as one piece, isolating refused rows. */
static void
try_piece(struct batch *batch, size_t first, size_t end)
{
	PGresult *error;

	if (first >= end)
		return;
	ferry_exec_command(batch->conn, "SAVEPOINT piece");
	copy_in_start(batch->conn, batch->csv_sql);
	batch->in_copy = true;
	resend(batch, first, end);
	if (!end_piece(batch, first, end, &error)) {
		isolate(batch, first, end, error);
		PQclear(error);
	}
}

/* COPY refused rows [first, end) with error: find the bad ones. */
static void
isolate(struct batch *batch, size_t first, size_t end, PGresult *error)
{
	unsigned long line = copy_error_line(error);
	size_t bad = line >= 1 ? row_of_line(batch, first, end, line) : end;

	if (end - first == 1) {
		add_reject(batch, first, error);
	} else if (bad < end) {
		add_reject(batch, bad, error);
		try_piece(batch, first, bad);
		try_piece(batch, bad + 1, end);
	} else {
		size_t middle = first + (end - first) / 2;

		try_piece(batch, first, middle);
		try_piece(batch, middle, end);
	}
}

static int
by_row(const void *a, const void *b)
{
	const struct reject *left = a, *right = b;

	return (left->row > right->row) - (left->row < right->row);
}

/*
 * The first attempt's binary COPY refused the batch.  It goes again as
 * CSV, so that every reject carries the message CSV COPY gives it, as
 * without binary.  A row the error names (counted from the binary COPY's
 * first row, the batch's) is tried alone, after the rows before it and
 * before the rows after it; without one, the whole batch is tried again.
 */
static void
retry_as_csv(struct batch *batch, const PGresult *error)
{
	unsigned long line = copy_error_line(error);

	if (line < 1 || line > batch->binary_rows) {
		try_piece(batch, 0, batch->count);
		return;
	}
	try_piece(batch, 0, line - 1);
	try_piece(batch, line - 1, line);
	try_piece(batch, line, batch->count);
}

void
batch_finish(struct batch *batch)
{
	PGresult *error = batch->refused;
	bool binary_refused = error != NULL || batch->sending == SEND_BINARY;

	if (batch->sending == SEND_BINARY)
		copy_binary_trailer(&batch->binary);
	send_pending(batch);
	if (error != NULL)
		ferry_exec_command(batch->conn,
		    "ROLLBACK TO SAVEPOINT piece; RELEASE SAVEPOINT piece");
	else if (end_piece(batch, 0, batch->count, &error))
		return;
	batch->refused = NULL;
	/* Nothing of the first attempt stays, nor counts. */
	memset(&batch->batch_counts, 0, sizeof(batch->batch_counts));
	if (binary_refused) {
		retry_as_csv(batch, error);
	} else {
		/* CSV COPY refused the rows after the binary ones (all of
		 * them without binary), naming lines from its first row;
		 * the binary rows, rolled back with it, go again first. */
		try_piece(batch, 0, batch->binary_rows);
		isolate(batch, batch->binary_rows, batch->count, error);
	}
	PQclear(error);
	qsort(batch->rejects, batch->reject_count, sizeof(*batch->rejects),
	    by_row);
}

void
batch_abort(struct batch *batch, const char *message)
{
	if (batch->in_copy)
		PQclear(copy_in_end(batch->conn, message));
	batch->in_copy = false;
	if (batch->in_transaction)
		PQclear(PQexec(batch->conn, "ROLLBACK"));
	batch->in_transaction = false;
}

void
batch_clear(struct batch *batch)
{
	for (size_t i = 0; i < batch->reject_count; i++) {
		free(batch->rejects[i].reason);
		free(batch->rejects[i].kind);
	}
	batch->reject_count = 0;
	batch->count = 0;
	batch->in_transaction = false;
	batch->pending.length = 0;
	batch->binary.length = 0;
	PQclear(batch->refused);
	batch->refused = NULL;
	memset(&batch->batch_counts, 0, sizeof(batch->batch_counts));
}

char *
batch_row_text(struct batch *batch, size_t row, size_t *length)
{
	off_t at = batch->offsets[row];
	size_t size = (size_t)(batch->offsets[row + 1] - at);
	char *text = ferry_malloc(size + 1);
	size_t done = 0;

	while (done < size) {
		ssize_t got = pread(batch->spool_fd, text + done, size - done,
		    at + (off_t)done);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			ferry_die_errno(FERRY_EXIT_IO, "spool file: read");
		done += (size_t)got;
	}
	text[size] = '\0';
	*length = size;
	return text;
}
