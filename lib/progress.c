#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "error.h"

static double
seconds_between(const struct timespec *from, const struct timespec *to)
{
	return (double)(to->tv_sec - from->tv_sec) +
	    (double)(to->tv_nsec - from->tv_nsec) / 1e9;
}

void
progress_init(struct progress *progress, const char *label, bool forced,
    unsigned long long total_bytes)
{
	progress->label = label;
	progress->enabled = forced || isatty(STDERR_FILENO);
	progress->total_bytes = total_bytes;
	progress->calls = 0;
	clock_gettime(CLOCK_MONOTONIC, &progress->start);
	progress->last_drawn = progress->start;
}

static void
draw(struct progress *progress, unsigned long long rows,
    unsigned long long bytes, const struct timespec *now, bool final)
{
	double seconds = seconds_between(&progress->start, now);
	double rate = seconds > 0 ? (double)rows / seconds : 0;
	char eta[32] = "";

	if (progress->total_bytes > 0 && bytes > 0 && !final &&
	    bytes < progress->total_bytes) {
		double left = seconds * (double)(progress->total_bytes - bytes) /
		    (double)bytes;

		snprintf(eta, sizeof(eta), "  ETA %d:%02d", (int)left / 60,
		    (int)left % 60);
	}
	fprintf(stderr, "\r%s: %s: %llu rows  %.1f MB  %.0f rows/s%s\033[K%s",
	    ferry_program(), progress->label, rows, (double)bytes / 1e6, rate,
	    eta, final ? "\n" : "");
	progress->last_drawn = *now;
}

void
progress_update(struct progress *progress, unsigned long long rows,
    unsigned long long bytes)
{
	struct timespec now;

	if (!progress->enabled || ++progress->calls < 1024)
		return;
	progress->calls = 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (seconds_between(&progress->last_drawn, &now) >= 0.25)
		draw(progress, rows, bytes, &now, false);
}

void
progress_finish(struct progress *progress, unsigned long long rows,
    unsigned long long bytes)
{
	struct timespec now;

	if (!progress->enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	draw(progress, rows, bytes, &now, true);
}

double
progress_seconds(const struct progress *progress)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return seconds_between(&progress->start, &now);
}
