/*
 * An external sort of (key, payload) records in bounded memory, for
 * compare.  Records are ordered by their key bytes (memcmp, a prefix
 * first) and, between equal keys, in the order they were added.
 *
 * Records are kept in memory up to a budget; past it, each full buffer is
 * sorted and written as a run to one temporary file, later merged (in
 * several passes when there are more runs than one merge takes).  The
 * temporary files (mode 0600, in the folder given or $TMPDIR or /tmp) are
 * unlinked as soon as they are created, so nothing is left behind
 * whatever way the program ends.  An input already in key order is not
 * sorted again.
 */
#ifndef FERRY_VERIFY_SORTER_H
#define FERRY_VERIFY_SORTER_H

#include <stdbool.h>
#include <stddef.h>

struct sorter;

/* memory: bytes of records and index held before a run is written. */
struct sorter *sorter_new(size_t memory, const char *temporary_directory);

void sorter_add(struct sorter *sorter, const void *key, size_t key_length,
    const void *payload, size_t payload_length);

/* Ends adding; the records can then be read in order. */
void sorter_finish(struct sorter *sorter);

/*
 * The next record in order: true with key and payload set (valid until
 * the next call), false after the last.
 */
bool sorter_next(struct sorter *sorter, const unsigned char **key,
    size_t *key_length, const unsigned char **payload,
    size_t *payload_length);

/* Records added, runs written, temporary bytes written (for --verbose). */
unsigned long long sorter_records(const struct sorter *sorter);
unsigned long long sorter_spilled_bytes(const struct sorter *sorter);

void sorter_free(struct sorter *sorter);

#endif
