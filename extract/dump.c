/*
 * ferry-extract --dump: one table's rows out of a plain-format pg_dump
 * file, without a database.
 *
 * The file is read line by line.  CREATE TABLE statements give each
 * column's type; "SET client_encoding" must say UTF8; the table's "COPY
 * name (cols) FROM stdin;" section, up to the line "\.", holds its rows in
 * COPY's text format (tab-separated, \N for NULL, backslash escapes).  The
 * values are the server's text output under pg_dump's session (DateStyle
 * ISO, IntervalStyle postgres, extra_float_digits 3), the same as a live
 * extract's but for timestamptz, which pg_dump prints in its own session's
 * time zone: those are re-rendered in UTC.  Rows come in the dump's order.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buffer.h"
#include "csv_read.h"
#include "csv_write.h"
#include "error.h"
#include "extract.h"
#include "progress.h"

/* A column of the table as CREATE TABLE and COPY name it. */
struct dump_column {
	char *name;
	bool is_timestamptz;
	int output_position;	/* in the output, or -1 when not selected */
};

struct dump_reader {
	FILE *file;
	const char *path;
	char *line;		/* getline's buffer */
	size_t line_size;
	ssize_t line_length;	/* without the trailing newline */
	unsigned long line_number;
	unsigned long long bytes;
};

static bool
next_line(struct dump_reader *reader)
{
	errno = 0;
	reader->line_length = getline(&reader->line, &reader->line_size,
	    reader->file);
	if (reader->line_length < 0) {
		if (ferror(reader->file))
			ferry_die_errno(FERRY_EXIT_IO, "%s: read", reader->path);
		return false;
	}
	reader->line_number++;
	reader->bytes += (unsigned long long)reader->line_length;
	if (reader->line_length > 0 &&
	    reader->line[reader->line_length - 1] == '\n')
		reader->line[--reader->line_length] = '\0';
	return true;
}

static _Noreturn void
malformed(const struct dump_reader *reader, const char *what)
{
	ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: %s", reader->path,
	    reader->line_number, what);
}

/*
 * Reads one SQL identifier at *cursor (plain, or double-quoted with ""
 * for a quote) into a malloced string and moves *cursor past it.
 * Returns NULL when there is none.
 */
static char *
read_identifier(const char **cursor)
{
	const char *p = *cursor;
	struct buffer name = BUFFER_INIT;

	if (*p == '"') {
		for (p++; *p != '\0'; p++) {
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			buffer_append_char(&name, *p);
		}
		if (*p != '"') {
			buffer_free(&name);
			return NULL;
		}
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' ||
		    (unsigned char)*p >= 0x80)
			buffer_append_char(&name, *p++);
		if (name.length == 0)
			return NULL;
	}
	*cursor = p;
	return buffer_terminate(&name);
}

/*
 * Whether the qualified name at *cursor ("schema.table" or "table") is
 * the one asked for: "schema.table" must match both parts, a bare
 * "table" any schema.  Moves *cursor past the name.
 */
static bool
read_table_name(const char **cursor, const char *wanted_schema,
    const char *wanted_table)
{
	char *first = read_identifier(cursor), *second = NULL;
	bool matches;

	if (first == NULL)
		return false;
	if (**cursor == '.') {
		(*cursor)++;
		second = read_identifier(cursor);
		if (second == NULL) {
			free(first);
			return false;
		}
	}
	if (second != NULL)
		matches = strcmp(second, wanted_table) == 0 &&
		    (wanted_schema == NULL || strcmp(first, wanted_schema) == 0);
	else
		matches = strcmp(first, wanted_table) == 0 &&
		    (wanted_schema == NULL || strcmp(wanted_schema, "public") == 0);
	free(first);
	free(second);
	return matches;
}

static bool
starts_with(const char *text, const char *prefix)
{
	return strncmp(text, prefix, strlen(prefix)) == 0;
}

/* Whether a column definition's type text is a (non-array) timestamptz. */
static bool
is_timestamptz_type(const char *type)
{
	if (starts_with(type, "timestamp with time zone"))
		type += strlen("timestamp with time zone");
	else if (starts_with(type, "timestamp(")) {
		type = strchr(type, ')');
		if (type == NULL || !starts_with(type, ") with time zone"))
			return false;
		type += strlen(") with time zone");
	} else
		return false;
	return *type != '[';
}

/*
 * Reads a CREATE TABLE body (the lines after "CREATE TABLE name (" up to
 * ");") and records which of its columns are timestamptz.
 */
static void
read_table_definition(struct dump_reader *reader, char ***timestamptz_names,
    size_t *timestamptz_count)
{
	while (next_line(reader)) {
		const char *cursor = reader->line;
		char *name;

		if (starts_with(cursor, ")"))
			return;
		while (*cursor == ' ')
			cursor++;
		if (starts_with(cursor, "CONSTRAINT "))
			continue;
		name = read_identifier(&cursor);
		if (name == NULL)
			continue;
		while (*cursor == ' ')
			cursor++;
		if (is_timestamptz_type(cursor)) {
			*timestamptz_names = ferry_realloc(*timestamptz_names,
			    (*timestamptz_count + 1) * sizeof(char *));
			(*timestamptz_names)[(*timestamptz_count)++] = name;
		} else
			free(name);
	}
	malformed(reader, "end of file inside CREATE TABLE");
}

/* Parses COPY's column list "(a, "b", c) FROM stdin;" at cursor. */
static struct dump_column *
read_copy_columns(struct dump_reader *reader, const char *cursor,
    size_t *count)
{
	struct dump_column *columns = NULL;

	*count = 0;
	while (*cursor == ' ')
		cursor++;
	if (*cursor != '(')
		malformed(reader, "COPY without a column list");
	cursor++;
	for (;;) {
		char *name;

		while (*cursor == ' ')
			cursor++;
		name = read_identifier(&cursor);
		if (name == NULL)
			malformed(reader, "bad column list in COPY");
		columns = ferry_realloc(columns, (*count + 1) * sizeof(*columns));
		columns[*count].name = name;
		columns[*count].is_timestamptz = false;
		columns[*count].output_position = (int)*count;
		(*count)++;
		while (*cursor == ' ')
			cursor++;
		if (*cursor == ')')
			break;
		if (*cursor != ',')
			malformed(reader, "bad column list in COPY");
		cursor++;
	}
	if (strcmp(cursor, ") FROM stdin;") != 0)
		malformed(reader, "COPY section not FROM stdin");
	return columns;
}

/* -c COLS: the output columns, in that order, out of the COPY's. */
static size_t
select_columns(struct dump_column *columns, size_t count, const char *list,
    int **order)
{
	char *copy, *saved = NULL;
	size_t selected = 0;

	if (list == NULL) {
		*order = ferry_malloc(count * sizeof(int));
		for (size_t i = 0; i < count; i++)
			(*order)[i] = (int)i;
		return count;
	}
	*order = NULL;
	copy = ferry_strdup(list);
	for (char *name = strtok_r(copy, ",", &saved); name != NULL;
	    name = strtok_r(NULL, ",", &saved)) {
		size_t i;

		for (i = 0; i < count; i++)
			if (strcmp(columns[i].name, name) == 0)
				break;
		if (i == count)
			ferry_die(FERRY_EXIT_USAGE, "-c: the dump's table has "
			    "no column %s", name);
		*order = ferry_realloc(*order, (selected + 1) * sizeof(int));
		(*order)[selected++] = (int)i;
	}
	free(copy);
	return selected;
}

/*
 * Decodes one text-format COPY field in place (from, length) into out;
 * returns false for \N (NULL).
 */
static bool
unescape_field(const char *from, size_t length, struct buffer *out)
{
	buffer_reset(out);
	if (length == 2 && from[0] == '\\' && from[1] == 'N')
		return false;
	buffer_reserve(out, length + 1);
	for (size_t i = 0; i < length; i++) {
		char c = from[i];

		if (c != '\\' || i + 1 == length) {
			out->data[out->length++] = c;
			continue;
		}
		c = from[++i];
		switch (c) {
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'v': c = '\v'; break;
		case 'x':
			if (i + 1 < length && isxdigit((unsigned char)from[i + 1])) {
				int value = 0, digits = 0;

				while (digits < 2 && i + 1 < length &&
				    isxdigit((unsigned char)from[i + 1])) {
					char h = from[++i];

					value = value * 16 + (isdigit((unsigned char)h) ?
					    h - '0' : (tolower((unsigned char)h) - 'a' + 10));
					digits++;
				}
				c = (char)value;
			}
			break;
		default:
			if (c >= '0' && c <= '7') {
				int value = c - '0', digits = 1;

				while (digits < 3 && i + 1 < length &&
				    from[i + 1] >= '0' && from[i + 1] <= '7') {
					value = value * 8 + (from[++i] - '0');
					digits++;
				}
				c = (char)value;
			}
			break;
		}
		out->data[out->length++] = c;
	}
	buffer_terminate(out);
	return true;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (any year). */
static int64_t
days_from_civil(int64_t year, int month, int day)
{
	int64_t era, year_of_era, day_of_year, day_of_era;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	year_of_era = year - era * 400;
	day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 +
	    day_of_year;
	return era * 146097 + day_of_era - 719468;
}

static void
civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t era, day_of_era, year_of_era, day_of_year, month_index;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = days - era * 146097;
	year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
	    day_of_era / 146096) / 365;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
	    year_of_era / 100);
	month_index = (5 * day_of_year + 2) / 153;
	*day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
	*month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

/* Reads exactly digits decimal digits (or at least min_digits and any
 * more when digits is 0) at *cursor. */
static bool
read_number(const char **cursor, int digits, int64_t *value)
{
	const char *p = *cursor;
	int count = 0;

	*value = 0;
	while (isdigit((unsigned char)*p) && (digits == 0 || count < digits)) {
		*value = *value * 10 + (*p++ - '0');
		if (++count > 12)
			return false;
	}
	if (count == 0 || (digits != 0 && count != digits))
		return false;
	*cursor = p;
	return true;
}

bool
timestamptz_to_utc(const char *value, char *out, unsigned long out_size)
{
	const char *p = value, *fraction;
	int64_t year, month, day, hour, minute, second, offset = 0, part;
	size_t fraction_length;
	int sign, utc_month, utc_day;
	int64_t utc_year, total, days, time_of_day;
	bool bc;

	if (strcmp(value, "infinity") == 0 || strcmp(value, "-infinity") == 0) {
		snprintf(out, out_size, "%s", value);
		return true;
	}
	if (!read_number(&p, 0, &year) || *p++ != '-' ||
	    !read_number(&p, 2, &month) || *p++ != '-' ||
	    !read_number(&p, 2, &day) || *p++ != ' ' ||
	    !read_number(&p, 2, &hour) || *p++ != ':' ||
	    !read_number(&p, 2, &minute) || *p++ != ':' ||
	    !read_number(&p, 2, &second))
		return false;
	fraction = p;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	fraction_length = (size_t)(p - fraction);
	if (*p != '+' && *p != '-')
		return false;
	sign = *p++ == '-' ? -1 : 1;
	if (!read_number(&p, 2, &part))
		return false;
	offset = part * 3600;
	if (*p == ':') {
		p++;
		if (!read_number(&p, 2, &part))
			return false;
		offset += part * 60;
		if (*p == ':') {
			p++;
			if (!read_number(&p, 2, &part))
				return false;
			offset += part;
		}
	}
	bc = strcmp(p, " BC") == 0;
	if (*p != '\0' && !bc)
		return false;
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
	    minute > 59 || second > 60 || year == 0)
		return false;
	if (bc)
		year = 1 - year;
	total = days_from_civil(year, (int)month, (int)day) * 86400 +
	    hour * 3600 + minute * 60 + second - sign * offset;
	days = total >= 0 ? total / 86400 : -((-total + 86399) / 86400);
	time_of_day = total - days * 86400;
	civil_from_days(days, &utc_year, &utc_month, &utc_day);
	bc = utc_year <= 0;
	snprintf(out, out_size, "%04" PRId64 "-%02d-%02d %02d:%02d:%02d%.*s+00%s",
	    bc ? 1 - utc_year : utc_year, utc_month, utc_day,
	    (int)(time_of_day / 3600), (int)(time_of_day / 60 % 60),
	    (int)(time_of_day % 60), (int)fraction_length, fraction,
	    bc ? " BC" : "");
	return true;
}

unsigned long long
extract_dump(const char *path, const char *table, const char *column_list,
    bool show_progress)
{
	struct dump_reader reader = { 0 };
	char *schema = NULL, **timestamptz_names = NULL;
	const char *bare_table = table, *dot = strchr(table, '.');
	size_t timestamptz_count = 0, column_count = 0, output_count;
	struct dump_column *columns = NULL;
	struct csv_writer *writer;
	struct buffer value = BUFFER_INIT;
	struct progress progress;
	struct stat status;
	int *order;
	unsigned long long rows = 0;
	const char **starts;
	size_t *lengths;

	reader.path = path;
	if (strcmp(path, "-") == 0) {
		reader.file = stdin;
		reader.path = "stdin";
	} else if ((reader.file = fopen(path, "r")) == NULL)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	if (dot != NULL) {
		schema = strndup(table, (size_t)(dot - table));
		bare_table = dot + 1;
	}

	/* Find the table's definition and its COPY section. */
	while (columns == NULL && next_line(&reader)) {
		const char *cursor = reader.line;

		if (starts_with(cursor, "SET client_encoding = ")) {
			if (strcmp(cursor, "SET client_encoding = 'UTF8';") != 0)
				malformed(&reader, "the dump is not in UTF8 "
				    "(re-dump with pg_dump -E UTF8)");
		} else if (starts_with(cursor, "CREATE TABLE ") ||
		    starts_with(cursor, "CREATE UNLOGGED TABLE ")) {
			cursor = strstr(cursor, "TABLE ") + strlen("TABLE ");
			if (read_table_name(&cursor, schema, bare_table) &&
			    strcmp(cursor, " (") == 0)
				read_table_definition(&reader, &timestamptz_names,
				    &timestamptz_count);
		} else if (starts_with(cursor, "COPY ")) {
			cursor += strlen("COPY ");
			if (read_table_name(&cursor, schema, bare_table))
				columns = read_copy_columns(&reader, cursor,
				    &column_count);
		}
	}
	if (columns == NULL)
		ferry_die(FERRY_EXIT_MALFORMED, "%s: no COPY section for table %s",
		    reader.path, table);
	for (size_t i = 0; i < column_count; i++)
		for (size_t j = 0; j < timestamptz_count; j++)
			if (strcmp(columns[i].name, timestamptz_names[j]) == 0)
				columns[i].is_timestamptz = true;
	output_count = select_columns(columns, column_count, column_list, &order);

	writer = csv_writer_open(STDOUT_FILENO, "stdout");
	for (size_t i = 0; i < output_count; i++)
		csv_write_string(writer, columns[order[i]].name);
	csv_write_end_row(writer);

	progress_init(&progress, table, show_progress,
	    reader.file != stdin && fstat(fileno(reader.file), &status) == 0 ?
	    (unsigned long long)status.st_size : 0);
	starts = ferry_malloc(column_count * sizeof(*starts));
	lengths = ferry_malloc(column_count * sizeof(*lengths));
	for (;;) {
		const char *field;
		size_t count = 0;

		if (!next_line(&reader))
			malformed(&reader, "end of file inside the COPY section "
			    "(no \\. line): the dump is truncated");
		if (strcmp(reader.line, "\\.") == 0)
			break;
		field = reader.line;
		for (;;) {
			const char *tab = strchr(field, '\t');
			size_t length = tab != NULL ? (size_t)(tab - field) :
			    strlen(field);

			if (count == column_count) {
				count++;
				break;
			}
			starts[count] = field;
			lengths[count++] = length;
			if (tab == NULL)
				break;
			field = tab + 1;
		}
		if (count != column_count) {
			char what[128];

			snprintf(what, sizeof(what), "row %llu has %s fields "
			    "than COPY names columns (%zu)", rows + 1,
			    count < column_count ? "fewer" : "more", column_count);
			malformed(&reader, what);
		}
		for (size_t i = 0; i < output_count; i++) {
			int column = order[i];
			char rendered[128];

			if (!unescape_field(starts[column], lengths[column],
			    &value)) {
				csv_write_field(writer, NULL, 0);
				continue;
			}
			if (memchr(value.data, '\0', value.length) != NULL ||
			    !utf8_valid(value.data, value.length)) {
				char what[256];

				snprintf(what, sizeof(what), "row %llu: column %s: "
				    "a NUL byte or invalid UTF-8", rows + 1,
				    columns[column].name);
				malformed(&reader, what);
			}
			if (columns[column].is_timestamptz) {
				if (!timestamptz_to_utc(value.data, rendered,
				    sizeof(rendered))) {
					char what[256], shown[64];

					snprintf(what, sizeof(what), "row %llu: "
					    "column %s: not a timestamptz: %s",
					    rows + 1, columns[column].name,
					    ferry_escape(shown, sizeof(shown),
					    value.data, value.length));
					malformed(&reader, what);
				}
				csv_write_string(writer, rendered);
			} else
				csv_write_field(writer, value.data, value.length);
		}
		csv_write_end_row(writer);
		rows++;
		progress_update(&progress, rows, reader.bytes);
	}
	csv_writer_close(writer);
	progress_finish(&progress, rows, reader.bytes);

	if (reader.file != stdin)
		fclose(reader.file);
	for (size_t i = 0; i < column_count; i++)
		free(columns[i].name);
	for (size_t i = 0; i < timestamptz_count; i++)
		free(timestamptz_names[i]);
	free(timestamptz_names);
	free(columns);
	free(order);
	free(starts);
	free(lengths);
	free(schema);
	free(reader.line);
	buffer_free(&value);
	return rows;
}
