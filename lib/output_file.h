/*
 * A file that appears whole or not at all: written under a temporary name
 * beside its final path (mode 0600: staged files hold patient data),
 * fsynced and renamed on commit.  Should the program die first, the
 * temporary file is removed (a ferry_die hook), so no half-written file
 * is ever left under the final name.
 */
#ifndef FERRY_OUTPUT_FILE_H
#define FERRY_OUTPUT_FILE_H

struct output_file {
	char *path;		/* the final name */
	char *temporary;	/* where it is written until committed */
	int fd;			/* open for writing; -1 once closed */
};

/* Creates the temporary file, or dies with exit 5. */
void output_file_open(struct output_file *file, const char *path);
/* fsyncs, closes and renames into place, or dies with exit 5. */
void output_file_commit(struct output_file *file);
/* Closes and removes the temporary file. */
void output_file_discard(struct output_file *file);

#endif
