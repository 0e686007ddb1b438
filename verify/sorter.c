#include "sorter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buffer.h"
#include "error.h"

/* Runs one merge takes at most, and each run's read buffer. */
#define FAN_IN 64
#define READ_SIZE (64 * 1024)
/* Bytes gathered before a write to a run file. */
#define WRITE_SIZE (256 * 1024)
/* A record: key length, payload length (4 bytes each), key, payload. */
#define RECORD_HEADER 8

/* A record in memory: the first 8 key bytes as a number, to compare
 * most keys without touching the records, and where the record is. */
struct entry {
	uint64_t prefix;
	size_t offset;
};

/* A sorted run in the run file. */
struct run {
	off_t offset;
	off_t length;
};

/* Reads one run through a buffer. */
struct run_reader {
	int fd;
	off_t position;			/* next file offset to read */
	off_t end;			/* where the run ends */
	unsigned char *buffer;
	size_t size;			/* allocated */
	size_t start;			/* the current record's first byte */
	size_t filled;			/* bytes valid in buffer */
	size_t record_length;		/* the current record, 0 if none */
};

struct sorter {
	size_t memory;			/* budget for records and index */
	char *directory;		/* for temporary files */

	unsigned char *records;		/* records in memory, as added */
	size_t used, capacity;
	struct entry *index;		/* one entry per record in memory */
	size_t count, index_capacity;
	bool sorted;			/* records in memory are in order */
	unsigned long long total;	/* records added in all */

	int fd;				/* the run file, or -1 */
	off_t file_size;
	struct run *runs;
	size_t run_count, run_capacity;
	struct buffer last_key;		/* the last key of the last run */
	unsigned long long spilled;	/* bytes written to temporary files */

	bool finished;
	size_t next;			/* in memory: the next entry */
	struct run_reader *readers;	/* merging: one per run */
	size_t reader_count;
	size_t *heap;			/* reader numbers, a binary min-heap */
	size_t heap_count;
	bool advance_top;		/* the top record was handed out */
};

static uint32_t
get_u32(const unsigned char *bytes)
{
	uint32_t value;

	memcpy(&value, bytes, 4);
	return value;
}

static uint64_t
key_prefix(const unsigned char *key, size_t length)
{
	uint64_t prefix = 0;

	for (size_t i = 0; i < 8; i++)
		prefix = prefix << 8 | (i < length ? key[i] : 0);
	return prefix;
}

static int
compare_keys(const unsigned char *a, size_t a_length, const unsigned char *b,
    size_t b_length)
{
	int order = memcmp(a, b, a_length < b_length ? a_length : b_length);

	if (order != 0)
		return order;
	return (a_length > b_length) - (a_length < b_length);
}

/* qsort_r's comparison: records is the memory the entries point into. */
static int
compare_entries(const void *left, const void *right, void *records)
{
	const struct entry *a = left, *b = right;
	const unsigned char *ra, *rb;
	int order;

	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	ra = (const unsigned char *)records + a->offset;
	rb = (const unsigned char *)records + b->offset;
	order = compare_keys(ra + RECORD_HEADER, get_u32(ra),
	    rb + RECORD_HEADER, get_u32(rb));
	if (order != 0)
		return order;
	return (a->offset > b->offset) - (a->offset < b->offset);
}

static int
temporary_file(const char *directory)
{
	size_t length = strlen(directory);
	char *path = ferry_malloc(length + 32);
	int fd;

	memcpy(path, directory, length);
	strcpy(path + length, "/ferry-verify.XXXXXX");
	fd = mkostemp(path, O_CLOEXEC);		/* mode 0600 */
	if (fd < 0)
		ferry_die_errno(FERRY_EXIT_IO, "temporary file in %s",
		    directory);
	if (unlink(path) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: unlink", path);
	free(path);
	return fd;
}

static void
write_at(struct sorter *sorter, int fd, off_t offset, const void *data,
    size_t length)
{
	const char *bytes = data;

	while (length > 0) {
		ssize_t written = pwrite(fd, bytes, length, offset);

		if (written < 0) {
			if (errno == EINTR)
				continue;
			ferry_die_errno(FERRY_EXIT_IO, "temporary file in %s: "
			    "write", sorter->directory);
		}
		bytes += written;
		offset += written;
		length -= (size_t)written;
		sorter->spilled += (unsigned long long)written;
	}
}

struct sorter *
sorter_new(size_t memory, const char *temporary_directory)
{
	struct sorter *sorter = ferry_malloc(sizeof(*sorter));

	memset(sorter, 0, sizeof(*sorter));
	sorter->memory = memory;
	sorter->directory = ferry_strdup(temporary_directory);
	sorter->sorted = true;
	sorter->fd = -1;
	return sorter;
}

/* Writes the records in memory, in order, as a run (or as the tail of
 * the last run, when they all follow it). */
static void
spill(struct sorter *sorter)
{
	struct buffer out = BUFFER_INIT;
	off_t start;
	const unsigned char *first;

	if (sorter->count == 0)
		return;
	if (!sorter->sorted)
		qsort_r(sorter->index, sorter->count, sizeof(struct entry),
		    compare_entries, sorter->records);
	if (sorter->fd < 0)
		sorter->fd = temporary_file(sorter->directory);
	start = sorter->file_size;
	buffer_reserve(&out, WRITE_SIZE + RECORD_HEADER);
	for (size_t i = 0; i < sorter->count; i++) {
		const unsigned char *record = sorter->records +
		    sorter->index[i].offset;
		size_t length = RECORD_HEADER + get_u32(record) +
		    get_u32(record + 4);

		if (out.length + length > WRITE_SIZE && out.length > 0) {
			write_at(sorter, sorter->fd, sorter->file_size,
			    out.data, out.length);
			sorter->file_size += (off_t)out.length;
			out.length = 0;
		}
		buffer_append(&out, record, length);
	}
	write_at(sorter, sorter->fd, sorter->file_size, out.data, out.length);
	sorter->file_size += (off_t)out.length;
	buffer_free(&out);

	first = sorter->records + sorter->index[0].offset;
	if (sorter->run_count > 0 && compare_keys(first + RECORD_HEADER,
	    get_u32(first), (const unsigned char *)sorter->last_key.data,
	    sorter->last_key.length) >= 0) {
		sorter->runs[sorter->run_count - 1].length +=
		    sorter->file_size - start;
	} else {
		if (sorter->run_count == sorter->run_capacity) {
			sorter->run_capacity = sorter->run_capacity ?
			    sorter->run_capacity * 2 : 16;
			sorter->runs = ferry_realloc(sorter->runs,
			    sorter->run_capacity * sizeof(struct run));
		}
		sorter->runs[sorter->run_count].offset = start;
		sorter->runs[sorter->run_count].length =
		    sorter->file_size - start;
		sorter->run_count++;
	}
	{
		const unsigned char *last = sorter->records +
		    sorter->index[sorter->count - 1].offset;

		sorter->last_key.length = 0;
		buffer_append(&sorter->last_key, last + RECORD_HEADER,
		    get_u32(last));
	}
	sorter->used = 0;
	sorter->count = 0;
	sorter->sorted = true;
}

void
sorter_add(struct sorter *sorter, const void *key, size_t key_length,
    const void *payload, size_t payload_length)
{
	size_t length = RECORD_HEADER + key_length + payload_length;
	uint32_t lengths[2] = { (uint32_t)key_length, (uint32_t)payload_length };
	struct entry *entry;

	if (key_length > UINT32_MAX / 2 || payload_length > UINT32_MAX / 2)
		ferry_die(FERRY_EXIT_IO, "internal: a record too large to sort");
	if (sorter->count > 0 && sorter->used + length +
	    (sorter->count + 1) * sizeof(struct entry) > sorter->memory)
		spill(sorter);
	if (sorter->used + length > sorter->capacity) {
		size_t capacity = sorter->capacity ? sorter->capacity : 65536;

		while (capacity < sorter->used + length)
			capacity *= 2;
		sorter->records = ferry_realloc(sorter->records, capacity);
		sorter->capacity = capacity;
	}
	if (sorter->count == sorter->index_capacity) {
		sorter->index_capacity = sorter->index_capacity ?
		    sorter->index_capacity * 2 : 1024;
		sorter->index = ferry_realloc(sorter->index,
		    sorter->index_capacity * sizeof(struct entry));
	}
	if (sorter->sorted && sorter->count > 0) {
		const unsigned char *last = sorter->records +
		    sorter->index[sorter->count - 1].offset;

		if (compare_keys(key, key_length, last + RECORD_HEADER,
		    get_u32(last)) < 0)
			sorter->sorted = false;
	}
	entry = &sorter->index[sorter->count++];
	entry->prefix = key_prefix(key, key_length);
	entry->offset = sorter->used;
	memcpy(sorter->records + sorter->used, lengths, RECORD_HEADER);
	memcpy(sorter->records + sorter->used + RECORD_HEADER, key, key_length);
	memcpy(sorter->records + sorter->used + RECORD_HEADER + key_length,
	    payload, payload_length);
	sorter->used += length;
	sorter->total++;
}

/* --- merging ---------------------------------------------------------- */

/* Makes the next record of reader current: false at the run's end. */
static bool
reader_advance(struct sorter *sorter, struct run_reader *reader)
{
	size_t need;

	reader->start += reader->record_length;
	reader->record_length = 0;
	for (;;) {
		size_t have = reader->filled - reader->start;

		need = RECORD_HEADER;
		if (have >= RECORD_HEADER)
			need += get_u32(reader->buffer + reader->start) +
			    get_u32(reader->buffer + reader->start + 4);
		if (have >= need) {
			reader->record_length = need;
			return true;
		}
		if (reader->position == reader->end) {
			if (have != 0)
				ferry_die(FERRY_EXIT_IO, "temporary file in %s: "
				    "a run ends mid-record", sorter->directory);
			return false;
		}
		memmove(reader->buffer, reader->buffer + reader->start, have);
		reader->start = 0;
		reader->filled = have;
		if (need > reader->size) {
			reader->size = need;
			reader->buffer = ferry_realloc(reader->buffer,
			    reader->size);
		}
		{
			size_t room = reader->size - reader->filled;
			off_t left = reader->end - reader->position;
			ssize_t got;

			if ((off_t)room > left)
				room = (size_t)left;
			do
				got = pread(reader->fd, reader->buffer +
				    reader->filled, room, reader->position);
			while (got < 0 && errno == EINTR);
			if (got <= 0) {
				if (got == 0)
					errno = EIO;
				ferry_die_errno(FERRY_EXIT_IO, "temporary file "
				    "in %s: read", sorter->directory);
			}
			reader->filled += (size_t)got;
			reader->position += got;
		}
	}
}

static const unsigned char *
reader_record(const struct run_reader *reader)
{
	return reader->buffer + reader->start;
}

static bool
heap_less(const struct sorter *sorter, size_t a, size_t b)
{
	const unsigned char *ra = reader_record(&sorter->readers[a]);
	const unsigned char *rb = reader_record(&sorter->readers[b]);
	int order = compare_keys(ra + RECORD_HEADER, get_u32(ra),
	    rb + RECORD_HEADER, get_u32(rb));

	return order < 0 || (order == 0 && a < b);
}

static void
heap_sift_down(struct sorter *sorter, size_t at)
{
	for (;;) {
		size_t smallest = at, left = 2 * at + 1, right = 2 * at + 2;
		size_t swap;

		if (left < sorter->heap_count && heap_less(sorter,
		    sorter->heap[left], sorter->heap[smallest]))
			smallest = left;
		if (right < sorter->heap_count && heap_less(sorter,
		    sorter->heap[right], sorter->heap[smallest]))
			smallest = right;
		if (smallest == at)
			return;
		swap = sorter->heap[at];
		sorter->heap[at] = sorter->heap[smallest];
		sorter->heap[smallest] = swap;
		at = smallest;
	}
}

/* Opens readers on runs[first .. first + count) and builds the heap. */
static void
merge_open(struct sorter *sorter, size_t first, size_t count)
{
	sorter->readers = ferry_malloc(count * sizeof(struct run_reader));
	sorter->heap = ferry_malloc(count * sizeof(size_t));
	sorter->reader_count = count;
	sorter->heap_count = 0;
	for (size_t i = 0; i < count; i++) {
		struct run_reader *reader = &sorter->readers[i];

		memset(reader, 0, sizeof(*reader));
		reader->fd = sorter->fd;
		reader->position = sorter->runs[first + i].offset;
		reader->end = reader->position + sorter->runs[first + i].length;
		reader->size = READ_SIZE;
		reader->buffer = ferry_malloc(reader->size);
		if (reader_advance(sorter, reader))
			sorter->heap[sorter->heap_count++] = i;
	}
	for (size_t i = sorter->heap_count; i-- > 0;)
		heap_sift_down(sorter, i);
	sorter->advance_top = false;
}

static void
merge_close(struct sorter *sorter)
{
	for (size_t i = 0; i < sorter->reader_count; i++)
		free(sorter->readers[i].buffer);
	free(sorter->readers);
	free(sorter->heap);
	sorter->readers = NULL;
	sorter->heap = NULL;
	sorter->reader_count = sorter->heap_count = 0;
}

/* The smallest record of the merge, or NULL; valid until the next call. */
static const unsigned char *
merge_next(struct sorter *sorter)
{
	if (sorter->advance_top) {
		size_t top = sorter->heap[0];

		sorter->advance_top = false;
		if (!reader_advance(sorter, &sorter->readers[top]))
			sorter->heap[0] = sorter->heap[--sorter->heap_count];
		heap_sift_down(sorter, 0);
	}
	if (sorter->heap_count == 0)
		return NULL;
	sorter->advance_top = true;
	return reader_record(&sorter->readers[sorter->heap[0]]);
}

/* Merges groups of FAN_IN runs into a new run file until one merge
 * takes them all. */
static void
merge_pass(struct sorter *sorter)
{
	int fd = temporary_file(sorter->directory);
	struct run *runs = ferry_malloc(((sorter->run_count + FAN_IN - 1) /
	    FAN_IN) * sizeof(struct run));
	size_t run_count = 0;
	off_t size = 0;
	struct buffer out = BUFFER_INIT;

	buffer_reserve(&out, WRITE_SIZE);
	for (size_t first = 0; first < sorter->run_count; first += FAN_IN) {
		size_t count = sorter->run_count - first < FAN_IN ?
		    sorter->run_count - first : FAN_IN;
		const unsigned char *record;

		runs[run_count].offset = size;
		merge_open(sorter, first, count);
		while ((record = merge_next(sorter)) != NULL) {
			size_t length = RECORD_HEADER + get_u32(record) +
			    get_u32(record + 4);

			if (out.length + length > WRITE_SIZE && out.length > 0) {
				write_at(sorter, fd, size, out.data, out.length);
				size += (off_t)out.length;
				out.length = 0;
			}
			buffer_append(&out, record, length);
		}
		write_at(sorter, fd, size, out.data, out.length);
		size += (off_t)out.length;
		out.length = 0;
		merge_close(sorter);
		runs[run_count].length = size - runs[run_count].offset;
		run_count++;
	}
	buffer_free(&out);
	close(sorter->fd);
	sorter->fd = fd;
	sorter->file_size = size;
	free(sorter->runs);
	sorter->runs = runs;
	sorter->run_count = sorter->run_capacity = run_count;
}

void
sorter_finish(struct sorter *sorter)
{
	sorter->finished = true;
	if (sorter->run_count == 0) {
		if (!sorter->sorted)
			qsort_r(sorter->index, sorter->count,
			    sizeof(struct entry), compare_entries,
			    sorter->records);
		sorter->next = 0;
		return;
	}
	spill(sorter);
	free(sorter->records);
	free(sorter->index);
	sorter->records = NULL;
	sorter->index = NULL;
	sorter->capacity = sorter->index_capacity = 0;
	while (sorter->run_count > FAN_IN)
		merge_pass(sorter);
	merge_open(sorter, 0, sorter->run_count);
}

bool
sorter_next(struct sorter *sorter, const unsigned char **key,
    size_t *key_length, const unsigned char **payload,
    size_t *payload_length)
{
	const unsigned char *record;

	if (!sorter->finished)
		sorter_finish(sorter);
	if (sorter->run_count == 0) {
		if (sorter->next == sorter->count)
			return false;
		record = sorter->records +
		    sorter->index[sorter->next++].offset;
	} else if ((record = merge_next(sorter)) == NULL) {
		return false;
	}
	*key_length = get_u32(record);
	*payload_length = get_u32(record + 4);
	*key = record + RECORD_HEADER;
	*payload = record + RECORD_HEADER + *key_length;
	return true;
}

unsigned long long
sorter_records(const struct sorter *sorter)
{
	return sorter->total;
}

unsigned long long
sorter_spilled_bytes(const struct sorter *sorter)
{
	return sorter->spilled;
}

void
sorter_free(struct sorter *sorter)
{
	if (sorter == NULL)
		return;
	merge_close(sorter);
	if (sorter->fd >= 0)
		close(sorter->fd);
	free(sorter->records);
	free(sorter->index);
	free(sorter->runs);
	free(sorter->directory);
	buffer_free(&sorter->last_key);
	free(sorter);
}
