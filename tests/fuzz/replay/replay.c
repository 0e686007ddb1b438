/*
 * A main() for the fuzz targets without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line, so
 * that tests/35-fuzz-corpus.t replays the seed corpora under AddressSanitizer
 * with the ordinary C compiler.  Exit 2 when a file cannot be read.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *file = fopen(argv[i], "rb");
		uint8_t *data;
		long size;

		if (file == NULL || fseek(file, 0, SEEK_END) != 0 ||
		    (size = ftell(file)) < 0) {
			perror(argv[i]);
			return 2;
		}
		rewind(file);
		/* Exactly the file's size, so a sanitizer sees any over-read. */
		data = malloc(size > 0 ? (size_t)size : 1);
		if (fread(data, 1, (size_t)size, file) != (size_t)size) {
			perror(argv[i]);
			return 2;
		}
		fclose(file);
		LLVMFuzzerTestOneInput(data, (size_t)size);
		free(data);
	}
	return 0;
}
