/*
 * The digest of a regular file computed in parts, one thread each: the
 * digest is a sum, so parts may be digested apart and added.  libcsv
 * parses one byte at a time at about 220 MB/s on this kind of machine;
 * two cores double that.
 *
 * The file is cut just after a line feed near each 1/N of its size.  A
 * cut inside a quoted field is not a record boundary, and a part cannot
 * know where it starts; but each part is parsed to its end, and the part
 * before a cut ends there cleanly only if the cut is a record boundary
 * (its parse started at a true boundary, by induction from the file's
 * first byte).  Any part that does not end cleanly, or any error at all,
 * makes the caller read the file the plain way, which gives the right
 * answer or the right message.
 */
#ifndef FERRY_VERIFY_PARTS_H
#define FERRY_VERIFY_PARTS_H

#include <stdbool.h>
#include <stddef.h>

#include "csv_read.h"
#include "digest.h"

/* Parts smaller than this are not worth a thread. */
#define PART_MINIMUM (256 * 1024)

/*
 * Digests the data rows of the regular file open on fd (header as
 * given, columns count of them) in up to threads parts.  True with the
 * rows added to digest; false, digest untouched, when the file should be
 * read the plain way.
 */
bool digest_in_parts(int fd, const struct csv_row *header,
    const size_t *columns, size_t count, unsigned threads,
    struct digest *digest);

/* The default number of threads: the CPUs online, at most 8. */
unsigned default_threads(void);

#endif
