/*
 * ferry-extract's two sources: a live database (main.c) and a plain
 * pg_dump file (dump.c).  Both write DESIGN.md's CSV stream to stdout.
 */
#ifndef FERRY_EXTRACT_H
#define FERRY_EXTRACT_H

#include <stdbool.h>

/*
 * Writes table's rows from the plain-format pg_dump file at path ("-" for
 * stdin) as CSV on stdout, rendered as a live extract would render them
 * (timestamptz in UTC).  columns is a comma-separated list or NULL for
 * all.  Returns the number of rows; dies with exit 3 on a malformed dump
 * and 5 on I/O errors.
 */
unsigned long long extract_dump(const char *path, const char *table,
    const char *columns, bool show_progress);

/*
 * Re-renders a timestamptz value printed with a UTC offset ("2024-03-01
 * 09:30:00.25+09", "1999-12-31 23:00:00-03:30", "0044-03-15 12:00:00+00
 * BC", "infinity") as PostgreSQL prints it with TimeZone UTC and DateStyle
 * ISO.  Writes at most out_size bytes to out; false when value is not
 * such a timestamp.
 */
bool timestamptz_to_utc(const char *value, char *out, unsigned long out_size);

#endif
