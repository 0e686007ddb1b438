/*
 * An input file for the CSV reader whose bytes can be counted and hashed
 * (XXH3 128-bit) as the reader takes them, so that one pass gives both a
 * file's row digest and its byte hash.  A path ending in ".gz" may be read
 * through `gzip -dc`: the reader then sees, and the hash covers, the
 * decompressed bytes.
 */
#ifndef FERRY_VERIFY_INPUT_H
#define FERRY_VERIFY_INPUT_H

#include <stdbool.h>
#include <sys/types.h>
#include <xxhash.h>

#include "csv_read.h"

struct input {
	char *path;			/* as given; "-" is stdin */
	int fd;				/* the file, stdin or gzip's pipe */
	pid_t gzip;			/* the gzip -dc child, or 0 */
	XXH3_state_t *hash;		/* hashes the bytes read, or NULL */
	unsigned long long bytes;	/* bytes read so far */
	int read_errno;			/* a read error, or 0 */
	struct csv_reader *reader;	/* reads through input_read */
};

/* Whether path names a gzip file (ends in ".gz"). */
bool input_is_gzip(const char *path);

/*
 * Opens path (dies with exit 5 when it cannot), through gzip -dc when
 * decompress is set and the path ends in ".gz"; hash asks for the byte
 * hash.  Returns the reader, also in input->reader.
 */
struct csv_reader *input_open(struct input *input, const char *path,
    bool decompress, bool hash);

/* Reads what the CSV reader left (after an error) so that the byte
 * count and hash cover the whole input.  False on a read error. */
bool input_drain(struct input *input);

/* The hash of every byte read so far. */
XXH128_hash_t input_hash(const struct input *input);

/*
 * Closes the input and reaps gzip.  Returns true, or false with why in
 * error (gzip failed: a corrupt or truncated file).
 */
bool input_close(struct input *input, char *error, size_t error_size);

/*
 * Dies with the reader's error (after csv_reader_next gave -1 or the
 * header NULL); for a .gz input whose gzip failed, with that instead,
 * since a cut-off .gz file shows as bad CSV.
 */
_Noreturn void input_die(struct input *input);

/* input_close, dying (exit 3) when gzip failed. */
void input_close_or_die(struct input *input);

/* Hex of a 128-bit hash, high half first: 32 digits and a NUL. */
char *hash128_hex(XXH128_hash_t hash, char out[33]);

#endif
