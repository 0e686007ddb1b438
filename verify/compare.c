/*
 * ferry-verify compare --key COLS A B: the keys only in A, only in B, and
 * the rows whose other columns differ, naming those columns.
 *
 * Each side is read once into a sorter (verify/sorter.h) as records of
 * (encoded key; line, one 64-bit hash per compared column), so memory
 * stays bounded whatever the inputs' size; the two sorted streams are
 * then merged.  Columns are matched by name, so their order may differ
 * between A and B; a column only one side has is reported once.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "error.h"
#include "input.h"
#include "keys.h"
#include "sorter.h"
#include "verify.h"

/* Memory each side's sorter holds before writing runs (--memory). */
#define SIDE_MEMORY (16 * 1024 * 1024)

struct side {
	const char *label;		/* "A" or "B" */
	const char *path;
	struct input input;
	const struct csv_row *header;
	size_t *key_columns;		/* key count indexes */
	size_t *value_columns;		/* compared columns, in A's order */
	struct sorter *sorter;
	unsigned long long rows;
};

struct comparison {
	struct column_list key;		/* --key */
	struct column_list columns;	/* --columns */
	struct column_list exclude;	/* --exclude */
	unsigned long long limit;	/* --limit; 0: no limit */
	const char *temporary;		/* -T, $TMPDIR or /tmp */
	size_t memory;			/* --memory, for each side */

	char **value_names;		/* the compared columns */
	size_t value_count;
	struct side a, b;

	unsigned long long shown;	/* difference lines printed */
	unsigned long long only_a, only_b, differ, duplicates;
	unsigned long long column_differences;
};

/* Prints a difference line unless --limit lines were printed. */
static void
report(struct comparison *comparison, const struct buffer *line)
{
	if (comparison->limit != 0 && comparison->shown >= comparison->limit)
		return;
	comparison->shown++;
	if (fwrite(line->data, 1, line->length, stdout) != line->length ||
	    putchar('\n') == EOF)
		ferry_die_errno(FERRY_EXIT_IO, "stdout");
}

static const char *
side_name(const struct side *side)
{
	return strcmp(side->path, "-") == 0 ? "stdin" : side->path;
}

/* Opens a side and reads its header. */
static void
open_side(struct side *side, const char *label, const char *path)
{
	side->label = label;
	side->path = path;
	input_open(&side->input, path, true, false);
	side->header = csv_reader_header(side->input.reader);
	if (side->header == NULL)
		input_die(&side->input);
}

/*
 * Chooses the compared columns: A's columns in A's order that B has too,
 * less the key and --exclude, or --columns as given.  A column only one
 * side has is a difference, reported once here.
 */
static void
choose_columns(struct comparison *comparison)
{
	struct side *a = &comparison->a, *b = &comparison->b;
	struct buffer line = BUFFER_INIT;
	size_t key_count = comparison->key.count;

	a->key_columns = ferry_malloc(key_count * sizeof(size_t));
	b->key_columns = ferry_malloc(key_count * sizeof(size_t));
	for (size_t i = 0; i < key_count; i++) {
		a->key_columns[i] = header_column(a->header,
		    comparison->key.names[i], a->path);
		b->key_columns[i] = header_column(b->header,
		    comparison->key.names[i], b->path);
	}
	a->value_columns = ferry_malloc((a->header->count + 1) * sizeof(size_t));
	b->value_columns = ferry_malloc((a->header->count + 1) * sizeof(size_t));
	comparison->value_names = ferry_malloc((a->header->count + 1) *
	    sizeof(char *));
	if (comparison->columns.count > 0) {
		for (size_t i = 0; i < comparison->columns.count; i++) {
			const char *name = comparison->columns.names[i];

			if (column_list_has(&comparison->key, name))
				continue;
			a->value_columns[comparison->value_count] =
			    header_column(a->header, name, a->path);
			b->value_columns[comparison->value_count] =
			    header_column(b->header, name, b->path);
			comparison->value_names[comparison->value_count++] =
			    ferry_strdup(name);
		}
		return;
	}
	for (size_t i = 0; i < comparison->exclude.count; i++) {
		const char *name = comparison->exclude.names[i];

		if (csv_header_index(a->header, name) < 0 &&
		    csv_header_index(b->header, name) < 0)
			(void)header_column(a->header, name, a->path);
	}
	for (int pass = 0; pass < 2; pass++) {
		struct side *from = pass == 0 ? a : b;
		struct side *other = pass == 0 ? b : a;

		for (size_t i = 0; i < from->header->count; i++) {
			const char *name = from->header->fields[i].value;
			int in_other = csv_header_index(other->header, name);

			if (column_list_has(&comparison->key, name) ||
			    column_list_has(&comparison->exclude, name))
				continue;
			if (in_other < 0) {
				line.length = 0;
				buffer_printf(&line, "column only in %s: ",
				    from->label);
				show_value(&line, name, strlen(name));
				report(comparison, &line);
				comparison->column_differences++;
				continue;
			}
			if (pass == 1)
				continue;
			a->value_columns[comparison->value_count] = i;
			b->value_columns[comparison->value_count] =
			    (size_t)in_other;
			comparison->value_names[comparison->value_count++] =
			    ferry_strdup(name);
		}
	}
	buffer_free(&line);
}

/* The hash a compared column contributes; NULL differs from "". */
static uint64_t
column_hash(const struct csv_field *field)
{
	if (field->value == NULL)
		return XXH3_64bits_withSeed("", 0, 1);
	return XXH3_64bits_withSeed(field->value, field->length, 0);
}

/* Reads every row of a side into its sorter. */
static void
read_side(struct comparison *comparison, struct side *side)
{
	struct buffer key = BUFFER_INIT, payload = BUFFER_INIT;
	const struct csv_row *row;
	int got;

	side->sorter = sorter_new(comparison->memory, comparison->temporary);
	buffer_reserve(&payload, 8 * (comparison->value_count + 1));
	while ((got = csv_reader_next(side->input.reader, &row)) == 1) {
		uint64_t line = row->line;

		key.length = 0;
		key_encode(&key, row->fields, side->key_columns,
		    comparison->key.count);
		payload.length = 0;
		buffer_append(&payload, &line, sizeof(line));
		for (size_t i = 0; i < comparison->value_count; i++) {
			uint64_t hash = column_hash(
			    &row->fields[side->value_columns[i]]);

			buffer_append(&payload, &hash, sizeof(hash));
		}
		sorter_add(side->sorter, key.data, key.length, payload.data,
		    payload.length);
		side->rows++;
	}
	if (got < 0)
		input_die(&side->input);
	sorter_finish(side->sorter);
	buffer_free(&key);
	buffer_free(&payload);
}

struct side_job {
	struct comparison *comparison;
	struct side *side;
};

static void *
read_side_job(void *argument)
{
	struct side_job *job = argument;

	read_side(job->comparison, job->side);
	return NULL;
}

/* Reads A and B side by side, B in a thread of its own (each side has
 * its own reader and sorter; an error in either ends the program). */
static void
read_sides(struct comparison *comparison)
{
	struct side_job job = { comparison, &comparison->b };
	pthread_t thread;

	if (pthread_create(&thread, NULL, read_side_job, &job) != 0) {
		read_side(comparison, &comparison->a);
		read_side(comparison, &comparison->b);
		return;
	}
	read_side(comparison, &comparison->a);
	pthread_join(thread, NULL);
}

/* One key's records on one side: how many, the first two lines, and the
 * first record's payload. */
struct group {
	bool present;
	unsigned long long count;
	uint64_t lines[2];
	struct buffer payload;
};

/* A side's current record, fetched ahead of the merge. */
struct cursor {
	struct side *side;
	bool valid;
	const unsigned char *key, *payload;
	size_t key_length, payload_length;
};

static void
cursor_advance(struct cursor *cursor)
{
	cursor->valid = sorter_next(cursor->side->sorter, &cursor->key,
	    &cursor->key_length, &cursor->payload, &cursor->payload_length);
}

static uint64_t
payload_line(const unsigned char *payload)
{
	uint64_t line;

	memcpy(&line, payload, sizeof(line));
	return line;
}

/* Takes every record with key from cursor into group. */
static void
take_group(struct cursor *cursor, const struct buffer *key,
    struct group *group)
{
	group->present = false;
	group->count = 0;
	while (cursor->valid && cursor->key_length == key->length &&
	    memcmp(cursor->key, key->data, key->length) == 0) {
		if (group->count < 2)
			group->lines[group->count] =
			    payload_line(cursor->payload);
		if (group->count == 0) {
			group->payload.length = 0;
			buffer_append(&group->payload, cursor->payload,
			    cursor->payload_length);
		}
		group->present = true;
		group->count++;
		cursor_advance(cursor);
	}
}

static void
report_group(struct comparison *comparison, const struct buffer *key,
    const struct side *side, const struct group *group,
    const struct group *other)
{
	struct buffer line = BUFFER_INIT;

	if (group->count > 1) {
		buffer_printf(&line, "duplicate key in %s: ", side->label);
		key_show(&line, (const unsigned char *)key->data, key->length,
		    comparison->key.names, comparison->key.count);
		buffer_printf(&line, " (%llu rows, lines %llu, %llu%s)",
		    group->count, (unsigned long long)group->lines[0],
		    (unsigned long long)group->lines[1],
		    group->count > 2 ? ", ..." : "");
		report(comparison, &line);
		comparison->duplicates++;
	}
	if (!other->present) {
		line.length = 0;
		buffer_printf(&line, "only in %s: ", side->label);
		key_show(&line, (const unsigned char *)key->data, key->length,
		    comparison->key.names, comparison->key.count);
		buffer_printf(&line, " (line %llu)",
		    (unsigned long long)group->lines[0]);
		report(comparison, &line);
		if (side == &comparison->a)
			comparison->only_a++;
		else
			comparison->only_b++;
	}
	buffer_free(&line);
}

/* Both sides hold key once: names the columns whose hashes differ. */
static void
compare_rows(struct comparison *comparison, const struct buffer *key,
    const struct group *a, const struct group *b)
{
	struct buffer line = BUFFER_INIT;
	const char *separator = "";

	if (memcmp(a->payload.data + 8, b->payload.data + 8,
	    8 * comparison->value_count) == 0)
		return;
	buffer_append_string(&line, "differs: ");
	key_show(&line, (const unsigned char *)key->data, key->length,
	    comparison->key.names, comparison->key.count);
	buffer_append_string(&line, ": ");
	for (size_t i = 0; i < comparison->value_count; i++) {
		const char *name = comparison->value_names[i];

		if (memcmp(a->payload.data + 8 + 8 * i,
		    b->payload.data + 8 + 8 * i, 8) == 0)
			continue;
		buffer_append_string(&line, separator);
		show_value(&line, name, strlen(name));
		separator = ", ";
	}
	buffer_printf(&line, " (A line %llu, B line %llu)",
	    (unsigned long long)a->lines[0], (unsigned long long)b->lines[0]);
	report(comparison, &line);
	comparison->differ++;
	buffer_free(&line);
}

static int
compare_cursors(const struct cursor *a, const struct cursor *b)
{
	int order;

	if (!a->valid)
		return 1;
	if (!b->valid)
		return -1;
	order = memcmp(a->key, b->key, a->key_length < b->key_length ?
	    a->key_length : b->key_length);
	if (order != 0)
		return order;
	return (a->key_length > b->key_length) - (a->key_length < b->key_length);
}

/* Merges the two sorted sides, reporting each difference. */
static void
merge_sides(struct comparison *comparison)
{
	struct cursor a = { &comparison->a, false, NULL, NULL, 0, 0 };
	struct cursor b = { &comparison->b, false, NULL, NULL, 0, 0 };
	struct group group_a = { false, 0, { 0, 0 }, BUFFER_INIT };
	struct group group_b = { false, 0, { 0, 0 }, BUFFER_INIT };
	struct buffer key = BUFFER_INIT;

	cursor_advance(&a);
	cursor_advance(&b);
	while (a.valid || b.valid) {
		int order = compare_cursors(&a, &b);
		const struct cursor *first = order <= 0 ? &a : &b;

		key.length = 0;
		buffer_append(&key, first->key, first->key_length);
		group_a.present = group_b.present = false;
		group_a.count = group_b.count = 0;
		if (order <= 0)
			take_group(&a, &key, &group_a);
		if (order >= 0)
			take_group(&b, &key, &group_b);
		if (group_a.present)
			report_group(comparison, &key, &comparison->a, &group_a,
			    &group_b);
		if (group_b.present)
			report_group(comparison, &key, &comparison->b, &group_b,
			    &group_a);
		if (group_a.count == 1 && group_b.count == 1)
			compare_rows(comparison, &key, &group_a, &group_b);
	}
	buffer_free(&group_a.payload);
	buffer_free(&group_b.payload);
	buffer_free(&key);
}

int
compare_command(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "columns", required_argument, NULL, 'c' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "limit", required_argument, NULL, 'l' },
		{ "temporary-directory", required_argument, NULL, 'T' },
		{ "memory", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct comparison comparison;
	unsigned long long differences;
	int option;

	memset(&comparison, 0, sizeof(comparison));
	comparison.memory = SIDE_MEMORY;
	comparison.temporary = getenv("TMPDIR") != NULL &&
	    *getenv("TMPDIR") != '\0' ? getenv("TMPDIR") : "/tmp";
	while ((option = getopt_long(argc, argv, "+k:c:x:l:T:S:", long_options,
	    NULL)) != -1) {
		switch (option) {
		case 'k':
			column_list_free(&comparison.key);
			column_list_parse(&comparison.key, optarg, "--key");
			break;
		case 'c':
			column_list_free(&comparison.columns);
			column_list_parse(&comparison.columns, optarg,
			    "--columns");
			break;
		case 'x':
			column_list_free(&comparison.exclude);
			column_list_parse(&comparison.exclude, optarg,
			    "--exclude");
			break;
		case 'l':
			comparison.limit = parse_count(optarg, "--limit");
			break;
		case 'T':
			comparison.temporary = optarg;
			break;
		case 'S':
			comparison.memory = parse_size(optarg, "--memory");
			break;
		default:
			usage("compare");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || comparison.key.count == 0) {
		if (comparison.key.count == 0)
			ferry_warn("compare needs --key");
		usage("compare");
	}
	if (comparison.columns.count > 0 && comparison.exclude.count > 0) {
		ferry_warn("--columns and --exclude exclude each other");
		usage("compare");
	}
	if (strcmp(argv[0], "-") == 0 && strcmp(argv[1], "-") == 0) {
		ferry_warn("A and B cannot both be stdin");
		usage("compare");
	}

	open_side(&comparison.a, "A", argv[0]);
	open_side(&comparison.b, "B", argv[1]);
	choose_columns(&comparison);
	read_sides(&comparison);
	input_close_or_die(&comparison.a.input);
	input_close_or_die(&comparison.b.input);
	merge_sides(&comparison);

	differences = comparison.only_a + comparison.only_b +
	    comparison.differ + comparison.duplicates +
	    comparison.column_differences;
	ferry_close_stdout();
	ferry_warn("A %s: %llu rows, B %s: %llu rows: %llu only in A, "
	    "%llu only in B, %llu differ, %llu duplicate keys, "
	    "%llu columns on one side only%s",
	    side_name(&comparison.a), comparison.a.rows,
	    side_name(&comparison.b), comparison.b.rows,
	    comparison.only_a, comparison.only_b, comparison.differ,
	    comparison.duplicates, comparison.column_differences,
	    comparison.limit != 0 &&
	    differences > comparison.shown ? " (--limit: not all shown)" : "");
	sorter_free(comparison.a.sorter);
	sorter_free(comparison.b.sorter);
	free(comparison.a.key_columns);
	free(comparison.b.key_columns);
	free(comparison.a.value_columns);
	free(comparison.b.value_columns);
	for (size_t i = 0; i < comparison.value_count; i++)
		free(comparison.value_names[i]);
	free(comparison.value_names);
	column_list_free(&comparison.key);
	column_list_free(&comparison.columns);
	column_list_free(&comparison.exclude);
	return differences > 0 ? FERRY_EXIT_DIFFERENCE : FERRY_EXIT_DONE;
}
