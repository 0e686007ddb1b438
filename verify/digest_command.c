/*
 * ferry-verify digest: rows=N digest=HEX for each input, the digest of
 * docs/digest-format.md over the whole header or a projection of it.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "digest.h"
#include "error.h"
#include "json.h"
#include "input.h"
#include "parts.h"
#include "progress.h"
#include "verify.h"

struct digest_options {
	struct column_list columns;	/* --columns, or none */
	struct column_list exclude;	/* --exclude, or none */
	bool json;			/* --json: a JSON object per line */
	bool progress;			/* --progress */
	bool name_files;		/* more than one input: name each */
	unsigned threads;		/* --threads */
};

/* Digests one input and prints its line. */
static void
digest_one(const struct digest_options *options, const char *path)
{
	struct input input;
	struct csv_reader *reader = input_open(&input, path, true, false);
	const struct csv_row *header = csv_reader_header(reader);
	const char *name = strcmp(path, "-") == 0 ? "stdin" : path;
	struct digest digest = DIGEST_INIT;
	struct projection projection;
	struct buffer scratch = BUFFER_INIT, line = BUFFER_INIT;
	struct progress progress;
	struct stat status;
	const struct csv_row *row;
	char hex[DIGEST_HEX_SIZE], error[256];
	int got;

	if (header == NULL)
		input_die(&input);
	projection_make(&projection, header, &options->columns,
	    &options->exclude, name);
	progress_init(&progress, name, options->progress,
	    input.gzip == 0 && fstat(input.fd, &status) == 0 &&
	    S_ISREG(status.st_mode) ? (unsigned long long)status.st_size : 0);
	/* A plain file may be read in parts, side by side (verify/parts.h);
	 * the reader, used for its header only so far, then reads no more. */
	if (progress.enabled || input.gzip != 0 || input.fd == STDIN_FILENO ||
	    !digest_in_parts(input.fd, header, projection.columns,
	    projection.count, options->threads, &digest)) {
		while ((got = csv_reader_next(reader, &row)) == 1) {
			digest_add_row(&digest, &scratch, row->fields,
			    projection.columns, projection.count);
			progress_update(&progress, digest.rows, input.bytes);
		}
		if (got < 0)
			input_die(&input);
		progress_finish(&progress, digest.rows, input.bytes);
	}

	digest_hex(&digest, hex);
	if (options->json) {
		buffer_append_string(&line, "{\"file\":");
		json_append_string(&line, name, strlen(name));
		buffer_printf(&line, ",\"rows\":%llu,\"digest\":\"%s\","
		    "\"format\":%d,\"columns\":[", digest.rows, hex,
		    DIGEST_FORMAT);
		for (size_t i = 0; i < projection.count; i++) {
			const struct csv_field *column =
			    &header->fields[projection.columns[i]];

			if (i > 0)
				buffer_append_char(&line, ',');
			json_append_string(&line, column->value, column->length);
		}
		buffer_append_string(&line, "]}");
	} else {
		buffer_printf(&line, "rows=%llu digest=%s", digest.rows, hex);
		if (options->name_files)
			buffer_printf(&line, " %s", name);
	}
	buffer_append_char(&line, '\n');
	/* The header is the reader's: the line is made before it goes. */
	if (!input_close(&input, error, sizeof(error)))
		ferry_die(FERRY_EXIT_MALFORMED, "%s: %s", path, error);
	if (fwrite(line.data, 1, line.length, stdout) != line.length)
		ferry_die_errno(FERRY_EXIT_IO, "stdout");
	projection_free(&projection);
	buffer_free(&scratch);
	buffer_free(&line);
}

int
digest_command(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "columns", required_argument, NULL, 'c' },
		{ "exclude", required_argument, NULL, 'x' },
		{ "json", no_argument, NULL, 'j' },
		{ "progress", no_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct digest_options options;
	int option;

	memset(&options, 0, sizeof(options));
	options.threads = default_threads();
	while ((option = getopt_long(argc, argv, "+c:x:", long_options,
	    NULL)) != -1) {
		switch (option) {
		case 'c':
			column_list_free(&options.columns);
			column_list_parse(&options.columns, optarg, "--columns");
			break;
		case 'x':
			column_list_free(&options.exclude);
			column_list_parse(&options.exclude, optarg, "--exclude");
			break;
		case 'j':
			options.json = true;
			break;
		case 'p':
			options.progress = true;
			break;
		case 't': {
			unsigned long long threads = parse_count(optarg,
			    "--threads");

			if (threads < 1 || threads > 64) {
				ferry_warn("--threads: 1 to 64");
				usage("digest");
			}
			options.threads = (unsigned)threads;
			break;
		}
		default:
			usage("digest");
		}
	}
	argc -= optind;
	argv += optind;
	if (options.columns.count > 0 && options.exclude.count > 0) {
		ferry_warn("--columns and --exclude exclude each other");
		usage("digest");
	}
	options.name_files = argc > 1;
	if (argc == 0)
		digest_one(&options, "-");
	for (int i = 0; i < argc; i++)
		digest_one(&options, argv[i]);
	column_list_free(&options.columns);
	column_list_free(&options.exclude);
	ferry_close_stdout();
	return FERRY_EXIT_DONE;
}
