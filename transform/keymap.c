/*
 * ferry-keymap: builds .map look-up files from CSV (legacy key, UUID) and
 * answers questions about them.  See ferry-keymap(1); the file format is
 * docs/keymap-format.md and lives in lib/keymap.c.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "csv_read.h"
#include "csv_write.h"
#include "error.h"
#include "keymap.h"

static const char usage_text[] =
    "usage: ferry-keymap build -o FILE.map [--text] [--key COL --value COL] < CSV\n"
    "       ferry-keymap get FILE.map KEY...\n"
    "       ferry-keymap info FILE.map\n"
    "       ferry-keymap dump FILE.map\n";

static _Noreturn void
usage(void)
{
	fputs(usage_text, stderr);
	exit(FERRY_EXIT_USAGE);
}

/* The index of the column named name, or dies (exit 2). */
static size_t
column_index(const struct csv_row *header, const char *name,
    const char *input)
{
	int index = csv_header_index(header, name);

	if (index < 0)
		ferry_die(FERRY_EXIT_USAGE, "%s: no column \"%s\" in the header",
		    input, name);
	return (size_t)index;
}

/* A build in progress, freed by ferry_die should the input be bad. */
struct build {
	struct csv_reader *reader;
	struct keymap_builder *builder;
};

static void
free_build(void *argument)
{
	struct build *build = argument;

	csv_reader_close(build->reader);
	keymap_builder_free(build->builder);
}

static int
build(int argc, char **argv)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "text", no_argument, NULL, 't' },
		{ "key", required_argument, NULL, 'k' },
		{ "value", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *key_name = NULL, *value_name = NULL;
	enum keymap_kind kind = KEYMAP_INT64;
	struct keymap_builder *builder;
	struct csv_reader *reader;
	struct build state;
	const struct csv_row *header, *row;
	size_t key_column = 0, value_column = 1;
	unsigned long long rows = 0;
	uint64_t written;
	int option, status;

	while ((option = getopt_long(argc, argv, "o:h", options, NULL)) != -1) {
		switch (option) {
		case 'o':
			output = optarg;
			break;
		case 't':
			kind = KEYMAP_TEXT;
			break;
		case 'k':
			key_name = optarg;
			break;
		case 'v':
			value_name = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || output == NULL ||
	    (key_name == NULL) != (value_name == NULL))
		usage();

	reader = csv_reader_open(STDIN_FILENO, "stdin");
	builder = keymap_builder_new(kind, "stdin");
	state.reader = reader;
	state.builder = builder;
	ferry_on_die(free_build, &state);
	header = csv_reader_header(reader);
	if (header == NULL)
		csv_reader_die(reader);
	if (key_name != NULL) {
		key_column = column_index(header, key_name, "stdin");
		value_column = column_index(header, value_name, "stdin");
	} else if (header->count < 2) {
		ferry_die(FERRY_EXIT_MALFORMED, "stdin:%lu: the header has "
		    "%zu column; a map needs a key and a UUID", header->line,
		    header->count);
	}

	while ((status = csv_reader_next(reader, &row)) == 1) {
		const struct csv_field *key = &row->fields[key_column];
		const struct csv_field *value = &row->fields[value_column];
		unsigned char uuid[16];
		char shown[128];

		rows++;
		if (key->value == NULL)
			ferry_die(FERRY_EXIT_MALFORMED, "stdin:%lu: record %lu: "
			    "the key is NULL", row->line, row->record);
		if (value->value == NULL || !keymap_parse_uuid(value->value,
		    value->length, uuid))
			ferry_die(FERRY_EXIT_MALFORMED, "stdin:%lu: record %lu: "
			    "%s is not a UUID", row->line, row->record,
			    value->value == NULL ? "NULL" :
			    ferry_escape(shown, sizeof(shown), value->value,
			    value->length));
		if (uuid_is_null(uuid))
			ferry_die(FERRY_EXIT_MALFORMED, "stdin:%lu: record %lu: "
			    "the nil UUID cannot be a key's UUID", row->line,
			    row->record);
		if (kind == KEYMAP_INT64) {
			int64_t number;

			if (!keymap_parse_int64(key->value, key->length, &number))
				ferry_die(FERRY_EXIT_MALFORMED, "stdin:%lu: "
				    "record %lu: key \"%s\" is not a 64-bit "
				    "integer (--text builds a map of text keys)",
				    row->line, row->record, ferry_escape(shown,
				    sizeof(shown), key->value, key->length));
			keymap_builder_add_int(builder, number, uuid, row->line);
		} else {
			keymap_builder_add_text(builder, key->value, key->length,
			    uuid, row->line);
		}
	}
	if (status < 0)
		csv_reader_die(reader);
	csv_reader_close(reader);
	state.reader = NULL;

	written = keymap_builder_write(builder, output);
	ferry_forget_on_die(free_build, &state);
	keymap_builder_free(builder);
	ferry_warn("%s: %" PRIu64 " keys from %llu rows", output, written, rows);
	return FERRY_EXIT_DONE;
}

static int
get(int argc, char **argv)
{
	struct keymap *map;
	int status = FERRY_EXIT_DONE;

	if (argc < 3)
		usage();
	map = keymap_open(argv[1]);
	for (int i = 2; i < argc; i++) {
		int64_t number;

		if (keymap_kind(map) == KEYMAP_INT64 &&
		    !keymap_parse_int64(argv[i], strlen(argv[i]), &number)) {
			keymap_close(map);
			ferry_die(FERRY_EXIT_USAGE, "key \"%s\" is not an "
			    "integer; %s has int64 keys", argv[i], argv[1]);
		}
	}
	for (int i = 2; i < argc; i++) {
		const unsigned char *uuid;
		char text[37];

		if (keymap_find(map, argv[i], strlen(argv[i]), &uuid) ==
		    KEYMAP_FOUND) {
			uuid_unparse_lower(uuid, text);
			printf("%s\n", text);
		} else {
			char shown[128];

			printf("\n");
			ferry_warn("no key %s in %s", ferry_escape(shown,
			    sizeof(shown), argv[i], strlen(argv[i])), argv[1]);
			status = FERRY_EXIT_DIFFERENCE;
		}
	}
	keymap_close(map);
	ferry_close_stdout();
	return status;
}

static int
info(int argc, char **argv)
{
	struct keymap_info about;
	struct keymap *map;

	if (argc != 2)
		usage();
	map = keymap_open(argv[1]);
	keymap_get_info(map, &about);
	printf("file: %s\n", argv[1]);
	printf("format: ferry key map version %" PRIu32 "\n", about.version);
	printf("keys: %s\n", about.kind == KEYMAP_INT64 ? "int64" : "text");
	printf("entries: %" PRIu64 "\n", about.count);
	printf("slots: %" PRIu64 "\n", about.slots);
	printf("load: %.3f\n", (double)about.count / (double)about.slots);
	printf("longest probe: %" PRIu64 "\n", about.longest_probe);
	printf("string bytes: %" PRIu64 "\n", about.string_bytes);
	printf("bytes: %" PRIu64 "\n", about.file_bytes);
	printf("checksum: xxh3-64:%016" PRIx64 " verified\n", about.checksum);
	keymap_close(map);
	ferry_close_stdout();
	return FERRY_EXIT_DONE;
}

static int
dump(int argc, char **argv)
{
	struct keymap_info about;
	struct csv_writer *writer;
	struct keymap *map;

	if (argc != 2)
		usage();
	map = keymap_open(argv[1]);
	keymap_get_info(map, &about);
	writer = csv_writer_open(STDOUT_FILENO, "stdout");
	csv_write_string(writer, "key");
	csv_write_string(writer, "uuid");
	csv_write_end_row(writer);
	for (uint64_t slot = 0; slot < about.slots; slot++) {
		struct keymap_entry entry;
		char key[24], uuid[37];

		if (!keymap_entry(map, slot, &entry))
			continue;
		if (about.kind == KEYMAP_INT64) {
			snprintf(key, sizeof(key), "%" PRId64, entry.int_key);
			csv_write_string(writer, key);
		} else {
			csv_write_field(writer, entry.text_key,
			    entry.text_length);
		}
		uuid_unparse_lower(entry.uuid, uuid);
		csv_write_string(writer, uuid);
		csv_write_end_row(writer);
	}
	csv_writer_close(writer);
	keymap_close(map);
	return FERRY_EXIT_DONE;
}

int
main(int argc, char **argv)
{
	ferry_init("ferry-keymap");
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return FERRY_EXIT_DONE;
	}
	argc--;
	argv++;
	if (strcmp(argv[0], "build") == 0)
		return build(argc, argv);
	if (strcmp(argv[0], "get") == 0)
		return get(argc, argv);
	if (strcmp(argv[0], "info") == 0)
		return info(argc, argv);
	if (strcmp(argv[0], "dump") == 0)
		return dump(argc, argv);
	usage();
}
