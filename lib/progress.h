/*
 * A progress line on stderr: rows, MB, rows/s and, when the total size is
 * known, the ETA.  Shown when stderr is a terminal or when forced
 * (--progress); redrawn at most four times a second, so calling
 * progress_update for every row costs a counter and a compare.
 */
#ifndef FERRY_PROGRESS_H
#define FERRY_PROGRESS_H

#include <stdbool.h>
#include <time.h>

struct progress {
	const char *label;		/* what is counted: "stdin", a table */
	bool enabled;
	unsigned long long total_bytes;	/* 0 when unknown */
	unsigned long calls;		/* updates since the last clock read */
	struct timespec start;
	struct timespec last_drawn;
};

void progress_init(struct progress *progress, const char *label,
    bool forced, unsigned long long total_bytes);
void progress_update(struct progress *progress, unsigned long long rows,
    unsigned long long bytes);
/* Draws the final figures and ends the line. */
void progress_finish(struct progress *progress, unsigned long long rows,
    unsigned long long bytes);
/* Seconds since progress_init. */
double progress_seconds(const struct progress *progress);

#endif
