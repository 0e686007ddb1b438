/*
 * ferry-verify: digests and comparisons of CSV streams, staged files,
 * loaded tables and archived stage directories (verify/ferry-verify.1).
 */
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "verify.h"

static const struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *synopsis;
} subcommands[] = {
	{ "digest", digest_command,
	  "digest [--columns COLS | --exclude COLS] [--json] [--progress]\n"
	  "                    [--threads N] [FILE...]" },
	{ "compare", compare_command,
	  "compare --key COLS [--columns COLS | --exclude COLS] [--limit N]\n"
	  "                    [--memory SIZE] [-T DIR] A B" },
	{ "table", table_command,
	  "table [-d CONNINFO] -t TABLE [--key COLS] [--subset]\n"
	  "                    [--rejects FILE] [--columns COLS | --exclude COLS]\n"
	  "                    [--limit N] FILE" },
	{ "manifest", manifest_command,
	  "manifest DIR [FILE...]\n"
	  "       ferry-verify manifest --check [--quiet] DIR" },
	{ "reconcile", reconcile_command,
	  "reconcile DIR" },
};

#define SUBCOMMAND_COUNT (sizeof(subcommands) / sizeof(subcommands[0]))

void
usage(const char *subcommand)
{
	const char *prefix = "usage:";

	for (size_t i = 0; i < SUBCOMMAND_COUNT; i++) {
		if (subcommand != NULL &&
		    strcmp(subcommand, subcommands[i].name) != 0)
			continue;
		fprintf(stderr, "%s ferry-verify %s\n", prefix,
		    subcommands[i].synopsis);
		prefix = "      ";
	}
	fflush(stderr);
	ferry_die(FERRY_EXIT_USAGE, "see ferry-verify(1)");
}

int
main(int argc, char **argv)
{
	ferry_init(argv[0]);
	if (argc < 2)
		usage(NULL);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		const char *prefix = "usage:";

		for (size_t i = 0; i < SUBCOMMAND_COUNT; i++) {
			printf("%s ferry-verify %s\n", prefix,
			    subcommands[i].synopsis);
			prefix = "      ";
		}
		ferry_close_stdout();
		return FERRY_EXIT_DONE;
	}
	for (size_t i = 0; i < SUBCOMMAND_COUNT; i++)
		if (strcmp(argv[1], subcommands[i].name) == 0)
			return subcommands[i].run(argc - 1, argv + 1);
	ferry_warn("no subcommand %s", argv[1]);
	usage(NULL);
}
