/*
 * ferry-verify reconcile DIR: the count arithmetic of DESIGN.md, per
 * table, from the counts files a run leaves in its stage directory
 * (the DIR/NAME.counts files of docs/counts-format.md):
 *
 *     source = filtered + rejected + inserted + present
 *
 * Every table is printed with its numbers; any gap is exit 1.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "verify.h"

#define COUNTS_MAGIC "ferry-counts"
#define COUNTS_FORMAT 1
#define COUNTS_SUFFIX ".counts"

enum category { SOURCE, FILTERED, REJECTED, INSERTED, PRESENT, CATEGORIES };

static const char *const category_names[CATEGORIES] = {
	"source", "filtered", "rejected", "inserted", "present",
};

struct table_counts {
	char *table;			/* from its "table" line */
	char *path;			/* the counts file */
	unsigned long long counts[CATEGORIES];	/* each category's sum */
	unsigned long lines[CATEGORIES];	/* lines naming it */
};

static _Noreturn void
die_counts(const char *path, unsigned long line, const char *what)
{
	ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: %s", path, line, what);
}

/* Reads one counts file; malformed input dies (exit 3) naming the line. */
static void
read_counts(const char *path, struct table_counts *table)
{
	FILE *file = fopen(path, "re");
	char *line = NULL;
	size_t size = 0;
	ssize_t length;
	unsigned long number = 0;
	bool seen_magic = false;

	memset(table, 0, sizeof(*table));
	table->path = ferry_strdup(path);
	if (file == NULL)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	while ((length = getline(&line, &size, file)) >= 0) {
		char *keyword, *value, *end;
		size_t category;
		unsigned long long count;

		number++;
		if (length > 0 && line[length - 1] == '\n')
			line[--length] = '\0';
		if (length > 0 && line[length - 1] == '\r')
			line[--length] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (!seen_magic) {
			const char *wrong = format_line_error(line,
			    COUNTS_MAGIC, COUNTS_FORMAT, "counts file", "counts");

			if (wrong != NULL)
				die_counts(path, number, wrong);
			seen_magic = true;
			continue;
		}
		keyword = line;
		value = strchr(line, ' ');
		if (value == NULL || value[1] == '\0')
			die_counts(path, number, "expected KEYWORD VALUE");
		*value++ = '\0';
		if (strcmp(keyword, "table") == 0) {
			if (table->table != NULL)
				die_counts(path, number, "a second table line");
			table->table = ferry_strdup(value);
			continue;
		}
		for (category = 0; category < CATEGORIES; category++)
			if (strcmp(keyword, category_names[category]) == 0)
				break;
		if (category == CATEGORIES) {
			char what[256];

			snprintf(what, sizeof(what), "unknown keyword \"%.64s\" "
			    "(table, source, filtered, rejected, inserted, "
			    "present)", keyword);
			die_counts(path, number, what);
		}
		errno = 0;
		count = strtoull(value, &end, 10);
		if (value[0] < '0' || value[0] > '9' || errno != 0 ||
		    (*end != '\0' && *end != ' ') ||
		    count > 0x7fffffffffffffffULL)
			die_counts(path, number, "not a count");
		if (category == SOURCE && table->lines[SOURCE] != 0)
			die_counts(path, number, "a second source line");
		if (table->counts[category] + count < count)
			die_counts(path, number, "counts overflow");
		table->counts[category] += count;
		table->lines[category]++;
	}
	if (ferror(file))
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	fclose(file);
	free(line);
	if (!seen_magic)
		die_counts(path, 1, "empty: not a ferry counts file");
	if (table->table == NULL)
		die_counts(path, number, "no table line");
	for (size_t category = 0; category < CATEGORIES; category++)
		if (table->lines[category] == 0) {
			char what[128];

			snprintf(what, sizeof(what), "no %s line: an "
			    "unfinished table? (write 0 when there are none)",
			    category_names[category]);
			die_counts(path, number, what);
		}
}

static int
compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

int
reconcile_command(int argc, char **argv)
{
	const char *directory;
	DIR *folder;
	struct dirent *item;
	char **names = NULL;
	size_t name_count = 0;
	struct table_counts *tables;
	unsigned long long gaps = 0;

	if (argc == 2 && strcmp(argv[1], "--") != 0 && argv[1][0] == '-')
		usage("reconcile");
	if (argc != 2)
		usage("reconcile");
	directory = argv[1];

	folder = opendir(directory);
	if (folder == NULL)
		ferry_die_errno(FERRY_EXIT_IO, "%s", directory);
	while ((errno = 0, item = readdir(folder)) != NULL) {
		size_t length = strlen(item->d_name);

		if (item->d_name[0] == '.' || length <= strlen(COUNTS_SUFFIX) ||
		    strcmp(item->d_name + length - strlen(COUNTS_SUFFIX),
		    COUNTS_SUFFIX) != 0)
			continue;
		names = ferry_realloc(names, (name_count + 1) * sizeof(char *));
		names[name_count] = ferry_malloc(strlen(directory) + length + 2);
		sprintf(names[name_count], "%s/%s", directory, item->d_name);
		name_count++;
	}
	if (errno != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", directory);
	closedir(folder);
	if (name_count == 0)
		ferry_die(FERRY_EXIT_MALFORMED, "%s: no counts files (*"
		    COUNTS_SUFFIX ")", directory);
	qsort(names, name_count, sizeof(char *), compare_names);

	tables = ferry_malloc(name_count * sizeof(struct table_counts));
	for (size_t i = 0; i < name_count; i++) {
		read_counts(names[i], &tables[i]);
		for (size_t j = 0; j < i; j++)
			if (strcmp(tables[i].table, tables[j].table) == 0)
				ferry_die(FERRY_EXIT_MALFORMED, "%s: table %s is "
				    "counted in %s too", tables[i].path,
				    tables[i].table, tables[j].path);
	}
	for (size_t i = 0; i < name_count; i++) {
		const unsigned long long *count = tables[i].counts;
		unsigned long long sum = count[FILTERED] + count[REJECTED] +
		    count[INSERTED] + count[PRESENT];
		bool gap = sum != count[SOURCE];

		printf("%s: source %llu %s filtered %llu + rejected %llu + "
		    "inserted %llu + present %llu", tables[i].table,
		    count[SOURCE], gap ? "!=" : "=", count[FILTERED],
		    count[REJECTED], count[INSERTED], count[PRESENT]);
		if (sum < count[SOURCE])
			printf(": %llu rows unaccounted for",
			    count[SOURCE] - sum);
		else if (sum > count[SOURCE])
			printf(": %llu rows more than the source",
			    sum - count[SOURCE]);
		putchar('\n');
		gaps += gap;
	}
	ferry_close_stdout();
	if (gaps > 0)
		ferry_warn("%s: %llu of %zu tables do not reconcile", directory,
		    gaps, name_count);
	for (size_t i = 0; i < name_count; i++) {
		free(tables[i].table);
		free(tables[i].path);
		free(names[i]);
	}
	free(tables);
	free(names);
	return gaps > 0 ? FERRY_EXIT_DIFFERENCE : FERRY_EXIT_DONE;
}
