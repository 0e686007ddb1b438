/*
 * bench/transform's yardstick: the least a CSV filter can do.  Feeds
 * stdin to libcsv in 64 KiB chunks with the options lib/csv_read.c uses
 * (strict, NULL apart from "", spaces kept) and only counts fields and
 * rows: "rows=N fields=N".
 */
#include <csv.h>
#include <stdio.h>
#include <unistd.h>

static unsigned long long fields, rows;

static void
on_field(void *data, size_t length, void *context)
{
	(void)data;
	(void)length;
	(void)context;
	fields++;
}

static void
on_row(int terminator, void *context)
{
	(void)terminator;
	(void)context;
	rows++;
}

static int
never_space(unsigned char c)
{
	(void)c;
	return 0;
}

int
main(void)
{
	static unsigned char chunk[64 * 1024];
	struct csv_parser parser;
	ssize_t got;

	if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL |
	    CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0)
		return 5;
	csv_set_space_func(&parser, never_space);
	while ((got = read(STDIN_FILENO, chunk, sizeof(chunk))) > 0)
		if (csv_parse(&parser, chunk, (size_t)got, on_field, on_row,
		    NULL) != (size_t)got) {
			fprintf(stderr, "csv_count: %s\n",
			    csv_strerror(csv_error(&parser)));
			return 3;
		}
	if (got < 0 || csv_fini(&parser, on_field, on_row, NULL) != 0)
		return 3;
	csv_free(&parser);
	printf("rows=%llu fields=%llu\n", rows, fields);
	return 0;
}
