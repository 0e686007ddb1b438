/*
 * ferry-load --fresh: an empty table loaded in one transaction with its
 * indexes built after its rows, as pg_restore and pgcopydb do it.
 */
#ifndef FERRY_LOAD_FRESH_H
#define FERRY_LOAD_FRESH_H

#include <stddef.h>
#include <libpq-fe.h>

/* The indexes dropped for the load, to be built again after it. */
struct fresh_index {
	char *name;		/* the constraint's or index's name */
	char *create;		/* the statement that builds it again */
	char *columns;		/* its key columns, quoted, comma-separated */
	int unique;		/* a unique index or constraint */
};

struct fresh {
	struct fresh_index *indexes;
	size_t count;
};

/*
 * In the load's transaction: locks the table, dies (exit 4) unless it is
 * empty, and drops the indexes and the PRIMARY KEY, UNIQUE and EXCLUDE
 * constraints that no foreign key depends on, remembering how to build
 * each again.
 */
void fresh_begin(PGconn *conn, const char *table, const char *quoted,
    struct fresh *fresh);

/*
 * Builds them again, primary key first.  A build the rows violate dies
 * (exit 1) naming the constraint and the duplicated keys with their row
 * counts; the caller's die hook rolls the whole load back, so the table is
 * left as it was: empty, with every index.
 */
void fresh_finish(PGconn *conn, const char *table, const char *quoted,
    struct fresh *fresh);

void fresh_free(struct fresh *fresh);

#endif
