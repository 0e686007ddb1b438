/*
 * ferry-transform: CSV on stdin to CSV on stdout, row by row, in one pass
 * and constant memory: legacy ids replaced by their UUIDs from .map
 * files, deterministic v5 UUIDs, value maps, constants, JSON columns,
 * column selection and renaming; rejected rows to a reject file.  See
 * ferry-transform(1).
 *
 * Every option reads the input row as it came in, never another option's
 * result, so the order of options never changes a value; it only orders
 * the columns that options add.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "csv_read.h"
#include "csv_write.h"
#include "error.h"
#include "keymap.h"
#include "output_file.h"
#include "progress.h"
#include "transform.h"

/* UUIDv5(DNS namespace, "ferry.invalid"): the default --namespace. */
#define DEFAULT_NAMESPACE "253228a4-a621-5e4c-9eb6-b32ff5028a7d"

static const char usage_text[] =
    "usage: ferry-transform [--map COL=FILE.map]... [--check COL=FILE.map]...\n"
    "                       [--value-map COL=FILE.csv]...\n"
    "                       [--missing COL=reject|null|fail]...\n"
    "                       [--uuid COL=v5:SCOPE:SRC]... [--uuid COL=v4]...\n"
    "                       [--namespace UUID] [--copy COL=SRC]... [--const COL=VALUE]...\n"
    "                       [--json COL=[KEY=]SRC[:TYPE],...]...\n"
    "                       [--rename OLD=NEW]... [--drop COL,...]... [--columns COL,...]\n"
    "                       [--rejects FILE] [--max-rejects N] [--progress]\n"
    "                       < IN.csv > OUT.csv\n";

static _Noreturn void
usage(void)
{
	fputs(usage_text, stderr);
	exit(FERRY_EXIT_USAGE);
}

static _Noreturn void
usage_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void
usage_error(const char *format, ...)
{
	char message[1024];
	va_list arguments;

	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	ferry_die(FERRY_EXIT_USAGE, "%s", message);
}

/* --- options --------------------------------------------------------- */

/* What an option makes of a column. */
enum kind {
	PASS,		/* an input column, unchanged */
	MAP,		/* --map: the input key's UUID from a .map */
	CHECK,		/* --check: the input key, which must be in a .map */
	VALUE_MAP,	/* --value-map: the input code's value */
	UUID_V5,	/* --uuid COL=v5:SCOPE:SRC */
	UUID_V4,	/* --uuid COL=v4 */
	COPY,		/* --copy: another input column's value */
	CONSTANT,	/* --const */
	JSON,		/* --json */
};

enum missing { MISSING_REJECT, MISSING_NULL, MISSING_FAIL };

/* A column-making option as given, in command-line order. */
struct operation {
	enum kind kind;
	const char *option;		/* "--map" ... for messages */
	char *target;			/* the column it makes */
	char *source;			/* the input column it reads, if one */
	struct keymap *map;		/* MAP, CHECK */
	struct value_map *values;	/* VALUE_MAP */
	char *prefix;			/* UUID_V5: "SCOPE:", or "" */
	size_t prefix_length;
	char *constant;			/* CONSTANT */
	size_t constant_length;
	struct json_member *members;	/* JSON: member_count members */
	size_t member_count;
};

/* A NAME=VALUE option argument kept for later: --missing, --rename. */
struct pair {
	char *name;
	char *value;
};

/* Every .map opened, once per file however many columns use it. */
struct opened_map {
	dev_t device;
	ino_t inode;
	struct keymap *map;
};

struct options {
	struct operation *operations;
	size_t operation_count;
	struct pair *missing;
	size_t missing_count;
	struct pair *renames;
	size_t rename_count;
	char **drops;
	size_t drop_count;
	char **columns;			/* --columns, or NULL */
	size_t column_count;
	uuid_t namespace;
	const char *rejects_path;
	unsigned long long max_rejects;
	bool max_rejects_given;
	bool progress;
	struct opened_map *maps;
	size_t map_count;
};

static void
add_pair(struct pair **pairs, size_t *count, char *name, char *value)
{
	*pairs = ferry_realloc(*pairs, (*count + 1) * sizeof(**pairs));
	(*pairs)[*count].name = name;
	(*pairs)[*count].value = value;
	(*count)++;
}

/* Splits "NAME=VALUE" (NAME non-empty) or dies with a usage error. */
static void
split_assignment(const char *option, const char *argument, char **name,
    char **value, bool value_may_be_empty)
{
	const char *equals = strchr(argument, '=');

	if (equals == NULL || equals == argument ||
	    (!value_may_be_empty && equals[1] == '\0'))
		usage_error("%s %s: expected NAME=VALUE", option, argument);
	*name = ferry_malloc((size_t)(equals - argument) + 1);
	memcpy(*name, argument, (size_t)(equals - argument));
	(*name)[equals - argument] = '\0';
	*value = ferry_strdup(equals + 1);
}

/* Splits "A,B,C" onto the end of *list. */
static void
split_list(const char *option, const char *argument, char ***list,
    size_t *count)
{
	char *copy = ferry_strdup(argument), *rest = copy, *item;

	while ((item = strsep(&rest, ",")) != NULL) {
		if (item[0] == '\0')
			usage_error("%s %s: an empty column name", option,
			    argument);
		*list = ferry_realloc(*list, (*count + 1) * sizeof(**list));
		(*list)[(*count)++] = ferry_strdup(item);
	}
	free(copy);
}

/* Opens path, or finds it among the maps already open. */
static struct keymap *
open_map(struct options *options, const char *path)
{
	struct stat status;

	if (stat(path, &status) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	for (size_t i = 0; i < options->map_count; i++)
		if (options->maps[i].device == status.st_dev &&
		    options->maps[i].inode == status.st_ino)
			return options->maps[i].map;
	options->maps = ferry_realloc(options->maps,
	    (options->map_count + 1) * sizeof(*options->maps));
	options->maps[options->map_count].device = status.st_dev;
	options->maps[options->map_count].inode = status.st_ino;
	options->maps[options->map_count].map = keymap_open(path);
	return options->maps[options->map_count++].map;
}

static struct operation *
add_operation(struct options *options, enum kind kind, const char *option,
    const char *argument)
{
	struct operation *operation;
	char *value;

	options->operations = ferry_realloc(options->operations,
	    (options->operation_count + 1) * sizeof(*options->operations));
	operation = &options->operations[options->operation_count++];
	memset(operation, 0, sizeof(*operation));
	operation->kind = kind;
	operation->option = option;
	split_assignment(option, argument, &operation->target, &value,
	    kind == CONSTANT);

	switch (kind) {
	case MAP:
	case CHECK:
		operation->source = ferry_strdup(operation->target);
		operation->map = open_map(options, value);
		break;
	case VALUE_MAP:
		operation->source = ferry_strdup(operation->target);
		operation->values = value_map_read(value);
		break;
	case COPY:
		operation->source = ferry_strdup(value);
		break;
	case CONSTANT:
		operation->constant = ferry_strdup(value);
		operation->constant_length = strlen(value);
		break;
	case JSON: {
		const char *problem = json_parse_members(value,
		    &operation->members, &operation->member_count);

		if (problem != NULL)
			usage_error("--json %s: %s", argument, problem);
		break;
	}
	case UUID_V5:	/* --uuid: v5 or v4 decided here */
		if (strcmp(value, "v4") == 0) {
			operation->kind = UUID_V4;
		} else if (strncmp(value, "v5:", 3) == 0 &&
		    strchr(value + 3, ':') != NULL) {
			char *scope = value + 3;
			char *colon = strrchr(scope, ':');

			if (colon[1] == '\0')
				usage_error("--uuid %s: no source column",
				    argument);
			operation->source = ferry_strdup(colon + 1);
			*colon = '\0';
			/* An empty SCOPE hashes the value alone. */
			operation->prefix = ferry_malloc(strlen(scope) + 2);
			sprintf(operation->prefix, "%s%s", scope,
			    scope[0] != '\0' ? ":" : "");
			operation->prefix_length = strlen(operation->prefix);
		} else {
			usage_error("--uuid %s: expected COL=v5:SCOPE:SRC or "
			    "COL=v4", argument);
		}
		break;
	case PASS:
	case UUID_V4:
		break;
	}
	free(value);
	return operation;
}

static void
parse_options(int argc, char **argv, struct options *options)
{
	enum {
		OPT_MAP = 256, OPT_CHECK, OPT_VALUE_MAP, OPT_MISSING, OPT_UUID,
		OPT_NAMESPACE, OPT_COPY, OPT_CONST, OPT_JSON, OPT_RENAME,
		OPT_DROP, OPT_COLUMNS, OPT_REJECTS, OPT_MAX_REJECTS,
		OPT_PROGRESS,
	};
	static const struct option long_options[] = {
		{ "map", required_argument, NULL, OPT_MAP },
		{ "check", required_argument, NULL, OPT_CHECK },
		{ "value-map", required_argument, NULL, OPT_VALUE_MAP },
		{ "missing", required_argument, NULL, OPT_MISSING },
		{ "uuid", required_argument, NULL, OPT_UUID },
		{ "namespace", required_argument, NULL, OPT_NAMESPACE },
		{ "copy", required_argument, NULL, OPT_COPY },
		{ "const", required_argument, NULL, OPT_CONST },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "rename", required_argument, NULL, OPT_RENAME },
		{ "drop", required_argument, NULL, OPT_DROP },
		{ "columns", required_argument, NULL, OPT_COLUMNS },
		{ "rejects", required_argument, NULL, OPT_REJECTS },
		{ "max-rejects", required_argument, NULL, OPT_MAX_REJECTS },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int option;

	memset(options, 0, sizeof(*options));
	uuid_parse(DEFAULT_NAMESPACE, options->namespace);
	while ((option = getopt_long(argc, argv, "h", long_options,
	    NULL)) != -1) {
		char *name, *value, *end;

		switch (option) {
		case OPT_MAP:
			add_operation(options, MAP, "--map", optarg);
			break;
		case OPT_CHECK:
			add_operation(options, CHECK, "--check", optarg);
			break;
		case OPT_VALUE_MAP:
			add_operation(options, VALUE_MAP, "--value-map", optarg);
			break;
		case OPT_UUID:
			add_operation(options, UUID_V5, "--uuid", optarg);
			break;
		case OPT_COPY:
			add_operation(options, COPY, "--copy", optarg);
			break;
		case OPT_CONST:
			add_operation(options, CONSTANT, "--const", optarg);
			break;
		case OPT_JSON:
			add_operation(options, JSON, "--json", optarg);
			break;
		case OPT_MISSING:
			split_assignment("--missing", optarg, &name, &value,
			    false);
			if (strcmp(value, "reject") != 0 &&
			    strcmp(value, "null") != 0 &&
			    strcmp(value, "fail") != 0)
				usage_error("--missing %s: the policy is reject, "
				    "null or fail", optarg);
			add_pair(&options->missing, &options->missing_count,
			    name, value);
			break;
		case OPT_NAMESPACE:
			if (!keymap_parse_uuid(optarg, strlen(optarg),
			    options->namespace))
				usage_error("--namespace %s: not a UUID", optarg);
			break;
		case OPT_RENAME:
			split_assignment("--rename", optarg, &name, &value,
			    false);
			add_pair(&options->renames, &options->rename_count,
			    name, value);
			break;
		case OPT_DROP:
			split_list("--drop", optarg, &options->drops,
			    &options->drop_count);
			break;
		case OPT_COLUMNS:
			split_list("--columns", optarg, &options->columns,
			    &options->column_count);
			break;
		case OPT_REJECTS:
			options->rejects_path = optarg;
			break;
		case OPT_MAX_REJECTS:
			errno = 0;
			options->max_rejects = strtoull(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    optarg[0] == '-')
				usage_error("--max-rejects %s: not a count",
				    optarg);
			options->max_rejects_given = true;
			break;
		case OPT_PROGRESS:
			options->progress = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(FERRY_EXIT_DONE);
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

/* --- the plan: output columns from the input header ------------------ */

/* A column computed for every row; written unless dropped. */
struct column {
	char *name;			/* its name in the output */
	enum kind kind;
	const struct operation *operation;	/* NULL for PASS */
	size_t input;			/* the input column read, if one */
	enum missing missing;		/* MAP, CHECK, VALUE_MAP */
	bool kept;			/* in the output (not dropped) */
	char uuid_text[37];		/* a UUID computed for this row */
	struct buffer text;		/* UUID_V5's name, JSON's object */
	unsigned long long rejected;	/* rows this column rejected */
	unsigned long long nulled;	/* keys not found, set NULL */
};

struct plan {
	struct column *columns;		/* every column computed */
	size_t count;
	size_t *order;			/* output: indexes into columns */
	size_t order_count;
	struct csv_field *values;	/* this row's value of each column */
	struct csv_field *output_row;	/* the values in output order */
};

static struct column *
find_column(struct plan *plan, const char *name)
{
	for (size_t i = 0; i < plan->count; i++)
		if (strcmp(plan->columns[i].name, name) == 0)
			return &plan->columns[i];
	return NULL;
}

static size_t
input_index(const struct csv_row *header, const char *name,
    const char *option, const char *target)
{
	int index = csv_header_index(header, name);

	if (index < 0)
		usage_error("%s %s: no column \"%s\" in the input (stdin)",
		    option, target, name);
	return (size_t)index;
}

static bool
is_lookup(enum kind kind)
{
	return kind == MAP || kind == CHECK || kind == VALUE_MAP;
}

static void
make_plan(struct plan *plan, const struct options *options,
    const struct csv_row *header)
{
	memset(plan, 0, sizeof(*plan));
	plan->columns = ferry_malloc((header->count +
	    options->operation_count) * sizeof(*plan->columns));
	memset(plan->columns, 0, (header->count + options->operation_count) *
	    sizeof(*plan->columns));
	for (size_t i = 0; i < header->count; i++) {
		plan->columns[i].name = ferry_strdup(header->fields[i].value);
		plan->columns[i].kind = PASS;
		plan->columns[i].input = i;
		plan->columns[i].kept = true;
	}
	plan->count = header->count;

	for (size_t i = 0; i < options->operation_count; i++) {
		const struct operation *operation = &options->operations[i];
		struct column *column = find_column(plan, operation->target);

		if (column != NULL && column->kind != PASS)
			usage_error("%s %s: column %s is already made by %s",
			    operation->option, operation->target,
			    operation->target, column->operation->option);
		if (column == NULL && is_lookup(operation->kind))
			input_index(header, operation->target,
			    operation->option, operation->target);
		if (column == NULL) {
			column = &plan->columns[plan->count++];
			column->name = ferry_strdup(operation->target);
			column->kept = true;
		}
		column->kind = operation->kind;
		column->operation = operation;
		if (operation->source != NULL)
			column->input = input_index(header, operation->source,
			    operation->option, operation->target);
		for (size_t m = 0; m < operation->member_count; m++)
			operation->members[m].input = input_index(header,
			    operation->members[m].source, operation->option,
			    operation->target);
	}

	for (size_t i = 0; i < options->missing_count; i++) {
		struct column *column = find_column(plan,
		    options->missing[i].name);

		if (column == NULL || !is_lookup(column->kind))
			usage_error("--missing %s=%s: no --map, --check or "
			    "--value-map for column %s", options->missing[i].name,
			    options->missing[i].value, options->missing[i].name);
		column->missing = strcmp(options->missing[i].value, "null") == 0 ?
		    MISSING_NULL : strcmp(options->missing[i].value, "fail") == 0 ?
		    MISSING_FAIL : MISSING_REJECT;
	}

	for (size_t i = 0; i < options->rename_count; i++) {
		struct column *column = find_column(plan,
		    options->renames[i].name);

		if (column == NULL)
			usage_error("--rename %s=%s: no column %s",
			    options->renames[i].name, options->renames[i].value,
			    options->renames[i].name);
		if (find_column(plan, options->renames[i].value) != NULL)
			usage_error("--rename %s=%s: there is a column %s already",
			    options->renames[i].name, options->renames[i].value,
			    options->renames[i].value);
		free(column->name);
		column->name = ferry_strdup(options->renames[i].value);
	}

	for (size_t i = 0; i < options->drop_count; i++) {
		struct column *column = find_column(plan, options->drops[i]);

		if (column == NULL)
			usage_error("--drop %s: no such column", options->drops[i]);
		column->kept = false;
	}

	plan->order = ferry_malloc(plan->count * sizeof(*plan->order) +
	    options->column_count * sizeof(*plan->order));
	if (options->columns != NULL) {
		for (size_t i = 0; i < options->column_count; i++) {
			struct column *column = find_column(plan,
			    options->columns[i]);

			if (column == NULL || !column->kept)
				usage_error("--columns: no column %s%s",
				    options->columns[i], column != NULL ?
				    " (it is dropped)" : "");
			for (size_t j = 0; j < plan->order_count; j++)
				if (plan->order[j] == (size_t)(column -
				    plan->columns))
					usage_error("--columns: %s named twice",
					    options->columns[i]);
			plan->order[plan->order_count++] =
			    (size_t)(column - plan->columns);
		}
		for (size_t i = 0; i < plan->count; i++)
			plan->columns[i].kept = false;
		for (size_t i = 0; i < plan->order_count; i++)
			plan->columns[plan->order[i]].kept = true;
	} else {
		for (size_t i = 0; i < plan->count; i++)
			if (plan->columns[i].kept)
				plan->order[plan->order_count++] = i;
	}
	if (plan->order_count == 0)
		usage_error("no column is left to write");
	plan->values = ferry_malloc(plan->count * sizeof(*plan->values));
	plan->output_row = ferry_malloc(plan->order_count *
	    sizeof(*plan->output_row));
}

/* --- rows ------------------------------------------------------------ */

struct run {
	const struct options *options;
	struct plan plan;
	struct csv_writer *output;
	struct output_file rejects_file;
	struct csv_writer *rejects;	/* NULL without --rejects */
	struct buffer reason;		/* why the current row is rejected */
	unsigned long long read, written, rejected;
	unsigned long long bytes;	/* input bytes read so far */
	struct progress progress;
};

/*
 * A key or code not found: by the column's policy, NULL (returns true)
 * or a reason to reject the row (returns false, reason set).
 */
static bool
not_found(struct run *run, struct column *column, size_t index,
    const struct csv_field *field, enum keymap_result result)
{
	const struct operation *operation = column->operation;
	char shown[200];

	if (column->missing == MISSING_NULL) {
		run->plan.values[index].value = NULL;
		run->plan.values[index].length = 0;
		column->nulled++;
		return true;
	}
	ferry_escape(shown, sizeof(shown), field->value, field->length);
	buffer_reset(&run->reason);
	if (column->kind == VALUE_MAP)
		buffer_printf(&run->reason, "column %s: no code \"%s\" in %s",
		    operation->source, shown, value_map_name(operation->values));
	else if (result == KEYMAP_NOT_INTEGER)
		buffer_printf(&run->reason, "column %s: key \"%s\" is not an "
		    "integer (%s has int64 keys)", operation->source, shown,
		    keymap_name(operation->map));
	else if (keymap_kind(operation->map) == KEYMAP_TEXT)
		buffer_printf(&run->reason, "column %s: no key \"%s\" in %s",
		    operation->source, shown, keymap_name(operation->map));
	else
		buffer_printf(&run->reason, "column %s: no key %s in %s",
		    operation->source, shown, keymap_name(operation->map));
	return false;
}

/*
 * Computes every column of row into plan.values.  Returns NULL when the
 * row is to be written, else the column that rejects it (run->reason
 * says why).
 */
static struct column *
transform_row(struct run *run, const struct csv_row *row)
{
	struct plan *plan = &run->plan;

	for (size_t i = 0; i < plan->count; i++) {
		struct column *column = &plan->columns[i];
		struct csv_field *value = &plan->values[i];
		const struct operation *operation = column->operation;
		const struct csv_field *field = &row->fields[column->input];
		const unsigned char *found;
		enum keymap_result result;
		uuid_t uuid;

		if (!column->kept && !is_lookup(column->kind))
			continue;
		switch (column->kind) {
		case PASS:
		case COPY:
			*value = *field;
			break;
		case CONSTANT:
			value->value = operation->constant;
			value->length = operation->constant_length;
			break;
		case MAP:
		case CHECK:
			*value = *field;
			if (field->value == NULL)
				break;	/* a NULL key stays NULL */
			result = keymap_find(operation->map, field->value,
			    field->length, &found);
			if (result != KEYMAP_FOUND) {
				if (!not_found(run, column, i, field, result))
					return column;
			} else if (column->kind == MAP) {
				uuid_unparse_lower(found, column->uuid_text);
				value->value = column->uuid_text;
				value->length = 36;
			}
			break;
		case VALUE_MAP:
			if (!value_map_find(operation->values, field->value,
			    field->length, &value->value, &value->length)) {
				if (field->value == NULL) {
					*value = *field;
					break;	/* no NULL code: NULL stays */
				}
				if (!not_found(run, column, i, field,
				    KEYMAP_ABSENT))
					return column;
			}
			break;
		case UUID_V5:
			*value = *field;
			if (field->value == NULL)
				break;	/* no value, no name: NULL */
			buffer_reset(&column->text);
			buffer_append(&column->text, operation->prefix,
			    operation->prefix_length);
			buffer_append(&column->text, field->value, field->length);
			uuid_generate_sha1(uuid, run->options->namespace,
			    buffer_terminate(&column->text), column->text.length);
			uuid_unparse_lower(uuid, column->uuid_text);
			value->value = column->uuid_text;
			value->length = 36;
			break;
		case UUID_V4:
			uuid_generate_random(uuid);
			uuid_unparse_lower(uuid, column->uuid_text);
			value->value = column->uuid_text;
			value->length = 36;
			break;
		case JSON:
			if (json_render(&column->text, operation->members,
			    operation->member_count, row) != NULL) {
				buffer_reset(&run->reason);
				buffer_printf(&run->reason, "column %s: %.*s",
				    operation->target, (int)column->text.length,
				    column->text.data);
				return column;
			}
			value->value = buffer_terminate(&column->text);
			value->length = column->text.length;
			break;
		}
	}
	return NULL;
}

static void
write_summary(const struct run *run)
{
	ferry_warn("stdin: read %llu, written %llu, rejected %llu", run->read,
	    run->written, run->rejected);
	for (size_t i = 0; i < run->plan.count; i++) {
		const struct column *column = &run->plan.columns[i];
		const struct operation *operation = column->operation;
		char what[512];

		if (column->rejected == 0 && column->nulled == 0)
			continue;
		if (column->kind == JSON)
			snprintf(what, sizeof(what), "column %s: a value not of "
			    "its declared type", operation->target);
		else if (column->kind == VALUE_MAP)
			snprintf(what, sizeof(what), "column %s: code not in %s",
			    operation->source, value_map_name(operation->values));
		else
			snprintf(what, sizeof(what), "column %s: key not in %s",
			    operation->source, keymap_name(operation->map));
		if (column->rejected > 0)
			ferry_warn("rejected %llu: %s", column->rejected, what);
		if (column->nulled > 0)
			ferry_warn("set NULL %llu: %s", column->nulled, what);
	}
}

/*
 * Ends the run: the output flushed, the reject file committed (it holds
 * every row rejected so far), the message (if any) and the summary on
 * stderr, then exits with status.
 */
static _Noreturn void
finish(struct run *run, int status, const char *message)
{
	csv_writer_close(run->output);
	if (run->rejects != NULL) {
		csv_writer_close(run->rejects);
		output_file_commit(&run->rejects_file);
	}
	progress_finish(&run->progress, run->read, run->bytes);
	if (message != NULL)
		ferry_warn("%s", message);
	write_summary(run);
	exit(status);
}

static void
reject_row(struct run *run, const struct csv_row *row, struct column *column)
{
	const struct options *options = run->options;
	char line[32];

	if (column->missing == MISSING_FAIL) {
		char message[1200];

		snprintf(message, sizeof(message), "stdin:%lu: record %lu: %.*s",
		    row->line, row->record, (int)run->reason.length,
		    run->reason.data);
		finish(run, FERRY_EXIT_DIFFERENCE, message);
	}
	run->rejected++;
	column->rejected++;
	if (run->rejects != NULL) {
		snprintf(line, sizeof(line), "%lu", row->line);
		for (size_t i = 0; i < row->count; i++)
			csv_write_field(run->rejects, row->fields[i].value,
			    row->fields[i].length);
		csv_write_string(run->rejects, line);
		csv_write_field(run->rejects, run->reason.data,
		    run->reason.length);
		csv_write_end_row(run->rejects);
	} else {
		ferry_warn("stdin:%lu: record %lu: %.*s", row->line, row->record,
		    (int)run->reason.length, run->reason.data);
	}
	if (options->max_rejects_given && run->rejected > options->max_rejects) {
		char message[200];

		snprintf(message, sizeof(message), "stdin:%lu: record %lu: "
		    "more than %llu rejected rows (--max-rejects); stopped",
		    row->line, row->record, options->max_rejects);
		finish(run, FERRY_EXIT_DIFFERENCE, message);
	}
}

static void
open_rejects(struct run *run, const struct csv_row *header)
{
	if (csv_header_index(header, "_line") >= 0 ||
	    csv_header_index(header, "_reason") >= 0)
		usage_error("stdin has a _line or _reason column: a reject file "
		    "fed back needs --drop _line,_reason, and its rejects a "
		    "reject file of their own");
	output_file_open(&run->rejects_file, run->options->rejects_path);
	run->rejects = csv_writer_open(run->rejects_file.fd,
	    run->options->rejects_path);
	for (size_t i = 0; i < header->count; i++)
		csv_write_field(run->rejects, header->fields[i].value,
		    header->fields[i].length);
	csv_write_string(run->rejects, "_line");
	csv_write_string(run->rejects, "_reason");
	csv_write_end_row(run->rejects);
}

int
main(int argc, char **argv)
{
	struct options options;
	struct run run;
	struct csv_reader *reader;
	const struct csv_row *header, *row;
	int status;

	ferry_init("ferry-transform");
	parse_options(argc, argv, &options);

	reader = csv_reader_open(STDIN_FILENO, "stdin");
	header = csv_reader_header(reader);
	if (header == NULL)
		csv_reader_die(reader);
	memset(&run, 0, sizeof(run));
	run.options = &options;
	make_plan(&run.plan, &options, header);
	if (options.rejects_path != NULL)
		open_rejects(&run, header);
	run.output = csv_writer_open(STDOUT_FILENO, "stdout");
	for (size_t i = 0; i < run.plan.order_count; i++)
		csv_write_string(run.output,
		    run.plan.columns[run.plan.order[i]].name);
	csv_write_end_row(run.output);
	progress_init(&run.progress, "stdin", options.progress, 0);

	while ((status = csv_reader_next(reader, &row)) == 1) {
		struct column *rejecting;

		run.read++;
		rejecting = transform_row(&run, row);
		if (rejecting != NULL) {
			reject_row(&run, row, rejecting);
		} else {
			for (size_t i = 0; i < run.plan.order_count; i++)
				run.plan.output_row[i] =
				    run.plan.values[run.plan.order[i]];
			csv_write_row(run.output, run.plan.output_row,
			    run.plan.order_count);
			run.written++;
		}
		run.bytes = csv_reader_bytes(reader);
		progress_update(&run.progress, run.read, run.bytes);
	}
	if (status < 0)
		csv_reader_die(reader);
	csv_reader_close(reader);
	finish(&run, FERRY_EXIT_DONE, NULL);
}
