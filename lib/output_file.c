#include "output_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"

static void
remove_on_die(void *argument)
{
	struct output_file *file = argument;

	if (file->temporary != NULL)
		unlink(file->temporary);
}

void
output_file_open(struct output_file *file, const char *path)
{
	size_t length = strlen(path);

	file->path = ferry_strdup(path);
	file->temporary = ferry_malloc(length + 8);
	memcpy(file->temporary, path, length);
	memcpy(file->temporary + length, ".XXXXXX", 8);
	file->fd = mkostemp(file->temporary, O_CLOEXEC);	/* mode 0600 */
	if (file->fd < 0) {
		free(file->temporary);
		file->temporary = NULL;
		ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	}
	ferry_on_die(remove_on_die, file);
}

void
output_file_commit(struct output_file *file)
{
	if (fsync(file->fd) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: fsync", file->path);
	if (close(file->fd) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: close", file->path);
	file->fd = -1;
	if (rename(file->temporary, file->path) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: rename", file->path);
	ferry_forget_on_die(remove_on_die, file);
	free(file->temporary);
	free(file->path);
	file->temporary = file->path = NULL;
}

void
output_file_discard(struct output_file *file)
{
	if (file->fd >= 0)
		close(file->fd);
	file->fd = -1;
	if (file->temporary != NULL)
		unlink(file->temporary);
	ferry_forget_on_die(remove_on_die, file);
	free(file->temporary);
	free(file->path);
	file->temporary = file->path = NULL;
}
