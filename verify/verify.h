/*
 * ferry-verify's subcommands and what they share: column lists, the way
 * keys and values are shown, JSON strings.  Each subcommand lives in its
 * own file and is called with argv starting at its own name.
 */
#ifndef FERRY_VERIFY_H
#define FERRY_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "buffer.h"
#include "csv_read.h"

int digest_command(int argc, char **argv);
int compare_command(int argc, char **argv);
int table_command(int argc, char **argv);
int manifest_command(int argc, char **argv);
int reconcile_command(int argc, char **argv);

/* Prints the usage of every subcommand (or of one) and exits 2. */
_Noreturn void usage(const char *subcommand);

/* A comma-separated list of column names, as given on the command line. */
struct column_list {
	char **names;		/* count names, malloced */
	size_t count;
};

/* Splits text at commas; an empty name is a usage error naming option. */
void column_list_parse(struct column_list *list, const char *text,
    const char *option);
bool column_list_has(const struct column_list *list, const char *name);
void column_list_free(struct column_list *list);

/*
 * The columns a command works on, as indexes into a header: --columns
 * names them in the order given, --exclude takes every other column in
 * header order, neither takes the whole header.  A name the header lacks
 * is a usage error naming input.
 */
struct projection {
	size_t *columns;	/* count indexes into the header */
	size_t count;
};

void projection_make(struct projection *projection,
    const struct csv_row *header, const struct column_list *columns,
    const struct column_list *exclude, const char *input);
void projection_free(struct projection *projection);

/* The index of name in header, or a usage error naming input. */
size_t header_column(const struct csv_row *header, const char *name,
    const char *input);

/*
 * Appends a value as messages and reports show it: bare when it is
 * plain (letters, digits, "-_.:@/+", UTF-8), NULL for SQL NULL, and in
 * double quotes with control characters, quotes and backslashes escaped
 * otherwise ("" is the empty string).
 */
void show_value(struct buffer *out, const char *value, size_t length);


/* Parses a non-negative count for option, or a usage error. */
unsigned long long parse_count(const char *text, const char *option);

/* Parses a size in bytes, with an optional K, M or G suffix. */
size_t parse_size(const char *text, const char *option);

/*
 * Checks the first line of a versioned ferry file, "MAGIC FORMAT".
 * Returns NULL when line is that, else what is wrong, for the caller's
 * message: "not a ferry NOUN (no ...)" or "KIND format N: this ferry reads
 * format FORMAT" (a static buffer, valid until the next call).
 */
const char *format_line_error(const char *line, const char *magic,
    int format, const char *noun, const char *kind);

#endif
