/*
 * ferry-verify manifest: DIR/MANIFEST, the rows, bytes, row digest and
 * byte hash of every file of a stage directory (docs/digest-format.md),
 * and --check, which re-proves a directory against it offline.
 *
 * Files are every regular file under DIR, found recursively, named by
 * their path relative to DIR, except MANIFEST itself (and its temporary
 * MANIFEST.XXXXXX) and anything whose name starts with a dot.  Files
 * named *.csv or *.csv.gz are CSV: they get rows and a row digest (of the
 * decompressed CSV for .gz); bytes and the XXH3-128 byte hash are always
 * of the file as stored.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_write.h"
#include "digest.h"
#include "error.h"
#include "input.h"
#include "output_file.h"
#include "verify.h"

#define MANIFEST_NAME "MANIFEST"
#define MANIFEST_MAGIC "ferry-manifest"
#define MANIFEST_FORMAT 1

/* One line of a MANIFEST, or what a file measures now. */
struct entry {
	char *name;			/* relative to DIR */
	bool csv;			/* has rows and a digest */
	unsigned long long bytes;	/* stored bytes */
	XXH128_hash_t hash;		/* of the stored bytes */
	struct digest digest;		/* rows, for a CSV file */
	unsigned long line;		/* in MANIFEST, for messages */
	bool matched;			/* --check: seen on disk */
};

struct entry_list {
	struct entry *entries;
	size_t count, capacity;
};

/* What a file holds now, for --check: the entry, and more. */
struct measurement {
	struct entry entry;
	bool valid_csv;			/* the CSV was read to its end */
	char error[1024];		/* why not: bad CSV, bad gzip */
	unsigned long long content_bytes;	/* decompressed, for .gz */
	XXH128_hash_t content_hash;
};

static bool
is_csv_name(const char *name)
{
	size_t length = strlen(name);

	return (length > 4 && strcmp(name + length - 4, ".csv") == 0) ||
	    (length > 7 && strcmp(name + length - 7, ".csv.gz") == 0);
}

static struct entry *
entry_add(struct entry_list *list, const char *name)
{
	struct entry *entry;

	if (list->count == list->capacity) {
		list->capacity = list->capacity ? list->capacity * 2 : 64;
		list->entries = ferry_realloc(list->entries,
		    list->capacity * sizeof(struct entry));
	}
	entry = &list->entries[list->count++];
	memset(entry, 0, sizeof(*entry));
	entry->name = ferry_strdup(name);
	entry->csv = is_csv_name(name);
	return entry;
}

static void
entry_list_free(struct entry_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->entries[i].name);
	free(list->entries);
	memset(list, 0, sizeof(*list));
}

static int
compare_entries(const void *left, const void *right)
{
	return strcmp(((const struct entry *)left)->name,
	    ((const struct entry *)right)->name);
}

static struct entry *
entry_find(struct entry_list *list, const char *name)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcmp(list->entries[i].name, name) == 0)
			return &list->entries[i];
	return NULL;
}

static char *
join_path(const char *directory, const char *name)
{
	size_t length = strlen(directory);
	char *path = ferry_malloc(length + strlen(name) + 2);

	sprintf(path, "%s%s%s", directory, length > 0 &&
	    directory[length - 1] == '/' ? "" : "/", name);
	return path;
}

/* --- finding the files ------------------------------------------------- */

static bool
is_manifest_name(const char *name)
{
	return strcmp(name, MANIFEST_NAME) == 0 ||
	    (strncmp(name, MANIFEST_NAME ".", sizeof(MANIFEST_NAME)) == 0 &&
	    strlen(name) == sizeof(MANIFEST_NAME) + 6);
}

/* Adds the regular files under directory/prefix to list. */
static void
list_files(struct entry_list *list, const char *directory,
    const char *prefix)
{
	char *path = prefix[0] != '\0' ? join_path(directory, prefix) :
	    ferry_strdup(directory);
	DIR *folder = opendir(path);
	struct dirent *item;

	if (folder == NULL)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	while ((errno = 0, item = readdir(folder)) != NULL) {
		char *name, *full;
		struct stat status;

		if (item->d_name[0] == '.')
			continue;
		if (prefix[0] == '\0' && is_manifest_name(item->d_name))
			continue;
		name = prefix[0] != '\0' ? join_path(prefix, item->d_name) :
		    ferry_strdup(item->d_name);
		full = join_path(directory, name);
		if (lstat(full, &status) != 0)
			ferry_die_errno(FERRY_EXIT_IO, "%s", full);
		if (S_ISDIR(status.st_mode))
			list_files(list, directory, name);
		else if (S_ISREG(status.st_mode))
			entry_add(list, name);
		free(name);
		free(full);
	}
	if (errno != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	closedir(folder);
	free(path);
}

/* --- measuring a file -------------------------------------------------- */

/* The bytes and hash of a file as stored. */
static bool
hash_file(const char *path, struct entry *entry, char *error,
    size_t error_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	XXH3_state_t *state;
	char *buffer;
	ssize_t got;

	if (fd < 0) {
		snprintf(error, error_size, "%s", strerror(errno));
		return false;
	}
	state = XXH3_createState();
	buffer = ferry_malloc(256 * 1024);
	if (state == NULL)
		ferry_die(FERRY_EXIT_IO, "out of memory");
	XXH3_128bits_reset(state);
	entry->bytes = 0;
	while ((got = read(fd, buffer, 256 * 1024)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			snprintf(error, error_size, "read: %s", strerror(errno));
			break;
		}
		XXH3_128bits_update(state, buffer, (size_t)got);
		entry->bytes += (unsigned long long)got;
	}
	entry->hash = XXH3_128bits_digest(state);
	XXH3_freeState(state);
	free(buffer);
	close(fd);
	return got == 0;
}

/*
 * Measures the file name under directory: bytes and hash as stored and,
 * for a CSV file, rows and digest (and, for .gz, the decompressed bytes
 * and their hash).  A problem (unreadable, bad CSV, bad gzip) is left in
 * measurement->error; the measurement is then partial.
 */
static bool
measure(const char *directory, const char *name,
    struct measurement *measurement)
{
	char *path = join_path(directory, name);
	struct entry *entry = &measurement->entry;
	struct input input;
	struct csv_reader *reader;
	const struct csv_row *row;
	struct buffer scratch = BUFFER_INIT;
	bool gzip = input_is_gzip(name);
	int got = 0;

	memset(measurement, 0, sizeof(*measurement));
	entry->name = (char *)name;
	entry->csv = is_csv_name(name);
	if (!entry->csv || gzip) {
		if (!hash_file(path, entry, measurement->error,
		    sizeof(measurement->error))) {
			free(path);
			return false;
		}
		if (!entry->csv) {
			free(path);
			return true;
		}
	}
	reader = input_open(&input, path, true, true);
	if (csv_reader_header(reader) == NULL)
		got = -1;
	while (got == 0 && (got = csv_reader_next(reader, &row)) == 1) {
		digest_add_row(&entry->digest, &scratch, row->fields, NULL,
		    row->count);
		got = 0;
	}
	if (got < 0) {
		snprintf(measurement->error, sizeof(measurement->error), "%s",
		    csv_reader_error(reader));
		if (!input_drain(&input))
			snprintf(measurement->error,
			    sizeof(measurement->error), "read: %s",
			    strerror(input.read_errno));
	}
	measurement->content_bytes = input.bytes;
	measurement->content_hash = input_hash(&input);
	/* An empty file is a CSV file without rows, not a broken one. */
	measurement->valid_csv = got == 0 || (input.bytes == 0 &&
	    input.read_errno == 0);
	if (measurement->valid_csv)
		measurement->error[0] = '\0';
	if (!gzip) {
		entry->bytes = input.bytes;
		entry->hash = measurement->content_hash;
	}
	{
		char gzip_error[256];

		if (!input_close(&input, gzip_error, sizeof(gzip_error))) {
			snprintf(measurement->error, sizeof(measurement->error),
			    "%s", gzip_error);
			measurement->valid_csv = false;
		}
	}
	buffer_free(&scratch);
	free(path);
	return measurement->valid_csv;
}

/* --- the MANIFEST file ------------------------------------------------- */

static void
append_name(struct buffer *out, const char *name)
{
	for (const char *c = name; *c != '\0'; c++) {
		if (*c == '\\')
			buffer_append_string(out, "\\\\");
		else if (*c == '\n')
			buffer_append_string(out, "\\n");
		else if (*c == '\r')
			buffer_append_string(out, "\\r");
		else
			buffer_append_char(out, *c);
	}
}

static void
append_entry(struct buffer *out, const struct entry *entry)
{
	char hex[DIGEST_HEX_SIZE];

	if (entry->csv)
		buffer_printf(out, "%llu %llu %s ", entry->digest.rows,
		    entry->bytes, digest_hex(&entry->digest, hex));
	else
		buffer_printf(out, "- %llu - ", entry->bytes);
	buffer_append_string(out, hash128_hex(entry->hash, hex));
	buffer_append_char(out, ' ');
	append_name(out, entry->name);
	buffer_append_char(out, '\n');
}

static void
write_manifest(const char *directory, struct entry_list *list)
{
	char *path = join_path(directory, MANIFEST_NAME);
	struct output_file file;
	struct buffer out = BUFFER_INIT;

	if (list->count > 0)	/* entries is NULL when empty */
		qsort(list->entries, list->count, sizeof(struct entry),
		    compare_entries);
	buffer_printf(&out, "%s %d\n", MANIFEST_MAGIC, MANIFEST_FORMAT);
	buffer_append_string(&out, "# rows bytes digest xxh128 file: "
	    "docs/digest-format.md\n");
	for (size_t i = 0; i < list->count; i++)
		append_entry(&out, &list->entries[i]);
	output_file_open(&file, path);
	write_all(file.fd, path, out.data, out.length);
	output_file_commit(&file);
	buffer_free(&out);
	free(path);
}

static _Noreturn void
die_manifest(const char *path, unsigned long line, const char *what)
{
	ferry_die(FERRY_EXIT_MALFORMED, "%s:%lu: %s", path, line, what);
}

/* Reads one space-ended field of a line; NULL when there is none. */
static char *
next_field(char **cursor)
{
	char *start = *cursor, *space = strchr(start, ' ');

	if (space == NULL || space == start)
		return NULL;
	*space = '\0';
	*cursor = space + 1;
	return start;
}

static bool
parse_number(const char *text, unsigned long long *value)
{
	char *end;

	if (text[0] < '0' || text[0] > '9')
		return false;
	errno = 0;
	*value = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool
parse_hash(const char *text, XXH128_hash_t *hash)
{
	struct digest halves;

	if (!digest_parse_hex(text, &halves))
		return false;
	hash->high64 = halves.high;
	hash->low64 = halves.low;
	return true;
}

/* Undoes append_name in place; false on a stray backslash. */
static bool
unescape_name(char *name)
{
	char *to = name;

	for (char *from = name; *from != '\0'; from++) {
		if (*from != '\\') {
			*to++ = *from;
			continue;
		}
		from++;
		if (*from == '\\')
			*to++ = '\\';
		else if (*from == 'n')
			*to++ = '\n';
		else if (*from == 'r')
			*to++ = '\r';
		else
			return false;
	}
	*to = '\0';
	return true;
}

/* Reads DIR/MANIFEST into list; false when there is none. */
static bool
read_manifest(const char *directory, struct entry_list *list)
{
	char *path = join_path(directory, MANIFEST_NAME);
	FILE *file = fopen(path, "re");
	char *line = NULL;
	size_t size = 0;
	ssize_t length;
	unsigned long number = 0;
	bool seen_magic = false;

	if (file == NULL) {
		if (errno == ENOENT) {
			free(path);
			return false;
		}
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	}
	while ((length = getline(&line, &size, file)) >= 0) {
		char *cursor = line, *rows, *bytes, *digest, *hash;
		struct entry *entry;
		unsigned long long value;

		number++;
		if (length > 0 && line[length - 1] == '\n')
			line[--length] = '\0';
		if (!seen_magic) {
			const char *wrong = format_line_error(line,
			    MANIFEST_MAGIC, MANIFEST_FORMAT, "MANIFEST",
			    "MANIFEST");

			if (wrong != NULL)
				die_manifest(path, number, wrong);
			seen_magic = true;
			continue;
		}
		if (line[0] == '#' || line[0] == '\0')
			continue;
		rows = next_field(&cursor);
		bytes = rows != NULL ? next_field(&cursor) : NULL;
		digest = bytes != NULL ? next_field(&cursor) : NULL;
		hash = digest != NULL ? next_field(&cursor) : NULL;
		if (hash == NULL || *cursor == '\0' || !unescape_name(cursor))
			die_manifest(path, number, "expected ROWS BYTES DIGEST "
			    "XXH128 FILE");
		if (entry_find(list, cursor) != NULL)
			die_manifest(path, number, "a file listed twice");
		entry = entry_add(list, cursor);
		entry->line = number;
		entry->csv = strcmp(rows, "-") != 0;
		if (entry->csv != (strcmp(digest, "-") != 0))
			die_manifest(path, number, "rows and digest go together");
		if (entry->csv && (!parse_number(rows, &value) ||
		    !digest_parse_hex(digest, &entry->digest)))
			die_manifest(path, number, "bad rows or digest");
		entry->digest.rows = entry->csv ? value : 0;
		if (!parse_number(bytes, &entry->bytes) ||
		    !parse_hash(hash, &entry->hash))
			die_manifest(path, number, "bad bytes or xxh128");
	}
	if (ferror(file))
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	if (!seen_magic)
		die_manifest(path, 1, "empty: not a ferry MANIFEST");
	fclose(file);
	free(line);
	free(path);
	return true;
}

/* --- the command -------------------------------------------------------- */

static int
lock_directory(const char *directory, int how)
{
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s", directory);
	while (flock(fd, how) != 0)
		if (errno != EINTR)
			ferry_die_errno(FERRY_EXIT_IO, "%s: lock", directory);
	return fd;
}

/* Measures name for the MANIFEST; a file that is not whole dies. */
static void
record(const char *directory, struct entry *entry)
{
	struct measurement measurement;

	if (!measure(directory, entry->name, &measurement))
		ferry_die(measurement.valid_csv || !entry->csv ?
		    FERRY_EXIT_IO : FERRY_EXIT_MALFORMED, "%s: %s",
		    entry->name, measurement.error);
	entry->bytes = measurement.entry.bytes;
	entry->hash = measurement.entry.hash;
	entry->digest = measurement.entry.digest;
}

static int
write_command(const char *directory, int count, char **names)
{
	struct entry_list list = { NULL, 0, 0 };
	int lock = lock_directory(directory, LOCK_EX);

	if (count == 0) {
		list_files(&list, directory, "");
	} else {
		(void)read_manifest(directory, &list);
		for (int i = 0; i < count; i++) {
			struct entry *entry;

			while (strncmp(names[i], "./", 2) == 0)
				names[i] += 2;
			if (names[i][0] == '\0' || names[i][0] == '/' ||
			    strstr(names[i], "..") != NULL ||
			    is_manifest_name(names[i]))
				ferry_die(FERRY_EXIT_USAGE, "%s: name a file "
				    "inside DIR, relative to it", names[i]);
			entry = entry_find(&list, names[i]);
			if (entry == NULL)
				entry = entry_add(&list, names[i]);
			entry->csv = is_csv_name(names[i]);
		}
	}
	for (size_t i = 0; i < list.count; i++) {
		bool named = count == 0;

		for (int j = 0; j < count && !named; j++)
			named = strcmp(list.entries[i].name, names[j]) == 0;
		if (named)
			record(directory, &list.entries[i]);
	}
	write_manifest(directory, &list);
	close(lock);
	entry_list_free(&list);
	ferry_close_stdout();
	return FERRY_EXIT_DONE;
}

struct check_counts {
	unsigned long long ok, changed, truncated, missing, added;
};

static void
say(bool quiet, bool problem, const char *name, const char *format, ...)
	__attribute__((format(printf, 4, 5)));

static void
say(bool quiet, bool problem, const char *name, const char *format, ...)
{
	struct buffer line = BUFFER_INIT;
	char text[2048];
	va_list arguments;

	if (quiet && !problem)
		return;
	va_start(arguments, format);
	vsnprintf(text, sizeof(text), format, arguments);
	va_end(arguments);
	append_name(&line, name);
	buffer_printf(&line, ": %s\n", text);
	if (fwrite(line.data, 1, line.length, stdout) != line.length)
		ferry_die_errno(FERRY_EXIT_IO, "stdout");
	buffer_free(&line);
}

/* The difference between a MANIFEST entry and what a file holds now. */
static void
judge(const struct entry *expected, const struct measurement *now,
    unsigned long long bytes, XXH128_hash_t hash, const char *as,
    bool quiet, struct check_counts *counts)
{
	bool same_bytes = bytes == expected->bytes &&
	    XXH128_isEqual(hash, expected->hash);
	bool same_rows = !expected->csv || (now->valid_csv &&
	    digest_equal(&now->entry.digest, &expected->digest));
	char rows[1200] = "";

	if (expected->csv && !now->valid_csv)
		snprintf(rows, sizeof(rows), "; %s", now->error);
	else if (expected->csv && same_rows)
		snprintf(rows, sizeof(rows), "; the rows and their digest "
		    "still match");
	else if (expected->csv)
		snprintf(rows, sizeof(rows), "; %llu rows (was %llu), the "
		    "row digest differs", now->entry.digest.rows,
		    expected->digest.rows);
	if (same_bytes && same_rows) {
		say(quiet, false, expected->name, "ok%s", as);
		counts->ok++;
	} else if (same_bytes) {
		say(quiet, true, expected->name, "changed%s: the same bytes "
		    "give another row digest%s", as, rows);
		counts->changed++;
	} else if (bytes < expected->bytes) {
		say(quiet, true, expected->name, "truncated%s: %llu of %llu "
		    "bytes%s", as, bytes, expected->bytes, rows);
		counts->truncated++;
	} else if (bytes == expected->bytes) {
		say(quiet, true, expected->name, "changed%s: the same size "
		    "(%llu bytes), another byte hash%s", as, bytes, rows);
		counts->changed++;
	} else {
		say(quiet, true, expected->name, "changed%s: %llu bytes (was "
		    "%llu)%s", as, bytes, expected->bytes, rows);
		counts->changed++;
	}
}

static int
check_command(const char *directory, bool quiet)
{
	struct entry_list expected = { NULL, 0, 0 }, found = { NULL, 0, 0 };
	struct check_counts counts = { 0, 0, 0, 0, 0 };
	int lock = lock_directory(directory, LOCK_SH);
	unsigned long long problems;

	if (!read_manifest(directory, &expected))
		ferry_die(FERRY_EXIT_IO, "%s/" MANIFEST_NAME ": %s", directory,
		    strerror(ENOENT));
	list_files(&found, directory, "");
	for (size_t i = 0; i < expected.count; i++) {
		struct entry *entry = &expected.entries[i];
		struct entry *on_disk = entry_find(&found, entry->name);
		struct measurement now;

		if (on_disk != NULL) {
			on_disk->matched = true;
			if (!measure(directory, entry->name, &now) &&
			    !entry->csv) {
				say(quiet, true, entry->name, "unreadable: %s",
				    now.error);
				counts.changed++;
				continue;
			}
			judge(entry, &now, now.entry.bytes, now.entry.hash, "",
			    quiet, &counts);
			continue;
		}
		/* Compressed after the MANIFEST was written: NAME.gz holds
		 * the very bytes NAME had, or it does not. */
		if (entry->csv && !input_is_gzip(entry->name)) {
			char *compressed = ferry_malloc(strlen(entry->name) + 4);

			sprintf(compressed, "%s.gz", entry->name);
			on_disk = entry_find(&found, compressed);
			if (on_disk != NULL &&
			    entry_find(&expected, compressed) == NULL) {
				char as[1100];

				on_disk->matched = true;
				(void)measure(directory, compressed, &now);
				snprintf(as, sizeof(as), " (as %s)", compressed);
				judge(entry, &now, now.content_bytes,
				    now.content_hash, as, quiet, &counts);
				free(compressed);
				continue;
			}
			free(compressed);
		}
		say(quiet, true, entry->name, "missing");
		counts.missing++;
	}
	for (size_t i = 0; i < found.count; i++) {
		if (found.entries[i].matched)
			continue;
		say(quiet, true, found.entries[i].name, "added");
		counts.added++;
	}
	close(lock);
	ferry_close_stdout();
	problems = counts.changed + counts.truncated + counts.missing +
	    counts.added;
	ferry_warn("%s: %zu files in MANIFEST: %llu ok, %llu changed, "
	    "%llu truncated, %llu missing; %llu added", directory,
	    expected.count, counts.ok, counts.changed, counts.truncated,
	    counts.missing, counts.added);
	entry_list_free(&expected);
	entry_list_free(&found);
	return problems > 0 ? FERRY_EXIT_DIFFERENCE : FERRY_EXIT_DONE;
}

int
manifest_command(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	bool check = false, quiet = false;
	int option;

	while ((option = getopt_long(argc, argv, "+q", long_options,
	    NULL)) != -1) {
		switch (option) {
		case 'c':
			check = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			usage("manifest");
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || (check && argc != 1) || (quiet && !check))
		usage("manifest");
	if (check)
		return check_command(argv[0], quiet);
	return write_command(argv[0], argc - 1, argv + 1);
}
