#include "parts.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buffer.h"
#include "csv_write.h"
#include "error.h"

#define MAXIMUM_PARTS 8
/* How far past a cut point a line feed is looked for. */
#define SEARCH_LIMIT (1024 * 1024)

struct part {
	int fd;
	off_t position;			/* next byte to read */
	off_t end;			/* the part's end (exclusive) */
	const struct buffer *header;	/* fed first, to parts after the first */
	size_t header_offset;		/* bytes of it fed */
	const size_t *columns;
	size_t count;
	struct digest digest;		/* of the part's rows */
	bool good;			/* parsed to its end, no error */
	pthread_t thread;
};

static ssize_t
part_read(void *context, void *buffer, size_t size)
{
	struct part *part = context;
	size_t want;
	ssize_t got;

	if (part->header != NULL && part->header_offset < part->header->length) {
		want = part->header->length - part->header_offset;
		if (want > size)
			want = size;
		memcpy(buffer, part->header->data + part->header_offset, want);
		part->header_offset += want;
		return (ssize_t)want;
	}
	if (part->position >= part->end)
		return 0;
	want = size;
	if ((off_t)want > part->end - part->position)
		want = (size_t)(part->end - part->position);
	do
		got = pread(part->fd, buffer, want, part->position);
	while (got < 0 && errno == EINTR);
	if (got > 0)
		part->position += got;
	return got;
}

static void *
digest_part(void *argument)
{
	struct part *part = argument;
	struct csv_reader *reader = csv_reader_open_function(part_read, part,
	    "part");

	part->good = digest_csv(reader, part->columns, part->count,
	    &part->digest) == 0 && part->position == part->end;
	csv_reader_close(reader);
	return NULL;
}

/* The offset just after the first line feed at or after from, or -1. */
static off_t
next_line(int fd, off_t from, off_t size)
{
	char buffer[64 * 1024];
	off_t searched = 0;

	while (from < size && searched < SEARCH_LIMIT) {
		ssize_t got = pread(fd, buffer, sizeof(buffer), from);
		char *feed;

		if (got <= 0)
			return -1;
		feed = memchr(buffer, '\n', (size_t)got);
		if (feed != NULL)
			return from + (feed - buffer) + 1;
		from += got;
		searched += got;
	}
	return -1;
}

unsigned
default_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (cpus < 1)
		return 1;
	return cpus > MAXIMUM_PARTS ? MAXIMUM_PARTS : (unsigned)cpus;
}

bool
digest_in_parts(int fd, const struct csv_row *header, const size_t *columns,
    size_t count, unsigned threads, struct digest *digest)
{
	struct part parts[MAXIMUM_PARTS];
	struct buffer header_line = BUFFER_INIT;
	struct stat status;
	size_t part_count = 0, started = 0;
	off_t start = 0;
	bool good = true;

	if (threads > MAXIMUM_PARTS)
		threads = MAXIMUM_PARTS;
	if (threads < 2 || fstat(fd, &status) != 0 ||
	    !S_ISREG(status.st_mode) || status.st_size < 2 * PART_MINIMUM)
		return false;
	if ((off_t)threads > status.st_size / PART_MINIMUM)
		threads = (unsigned)(status.st_size / PART_MINIMUM);
	csv_append_row(&header_line, header->fields, header->count);

	for (unsigned i = 0; i < threads; i++) {
		off_t end = status.st_size;

		if (i + 1 < threads) {
			end = next_line(fd, status.st_size / threads *
			    (off_t)(i + 1), status.st_size);
			if (end < 0)
				end = status.st_size;
		}
		if (end <= start)
			continue;
		memset(&parts[part_count], 0, sizeof(parts[0]));
		parts[part_count].fd = fd;
		parts[part_count].position = start;
		parts[part_count].end = end;
		parts[part_count].header = part_count > 0 ? &header_line : NULL;
		parts[part_count].columns = columns;
		parts[part_count].count = count;
		part_count++;
		start = end;
		if (end == status.st_size)
			break;
	}
	if (part_count < 2) {
		buffer_free(&header_line);
		return false;
	}
	for (size_t i = 0; i < part_count; i++) {
		if (pthread_create(&parts[i].thread, NULL, digest_part,
		    &parts[i]) != 0) {
			good = false;
			break;
		}
		started++;
	}
	for (size_t i = 0; i < started; i++) {
		pthread_join(parts[i].thread, NULL);
		good = good && parts[i].good;
	}
	buffer_free(&header_line);
	if (!good || started < part_count)
		return false;
	for (size_t i = 0; i < part_count; i++)
		digest_merge(digest, &parts[i].digest);
	return true;
}
