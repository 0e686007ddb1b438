#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"

extern char **environ;

bool
input_is_gzip(const char *path)
{
	size_t length = strlen(path);

	return length > 3 && strcmp(path + length - 3, ".gz") == 0;
}

static ssize_t
input_read(void *context, void *buffer, size_t size)
{
	struct input *input = context;
	ssize_t got;

	do
		got = read(input->fd, buffer, size);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		input->read_errno = errno;
		return -1;
	}
	if (input->hash != NULL && got > 0)
		XXH3_128bits_update(input->hash, buffer, (size_t)got);
	input->bytes += (unsigned long long)got;
	return got;
}

/* A ferry_die hook: gzip must not outlive us. */
static void
stop_gzip(void *argument)
{
	struct input *input = argument;

	if (input->gzip > 0)
		kill(input->gzip, SIGTERM);
}

static void
start_gzip(struct input *input, const char *path)
{
	posix_spawn_file_actions_t actions;
	char *arguments[] = { "gzip", "-dc", "--", (char *)path, NULL };
	int pipe_fds[2];
	int status;

	if (pipe2(pipe_fds, O_CLOEXEC) != 0)
		ferry_die_errno(FERRY_EXIT_IO, "%s: pipe", path);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0);
	status = posix_spawnp(&input->gzip, "gzip", &actions, NULL, arguments,
	    environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipe_fds[1]);
	if (status != 0) {
		errno = status;
		ferry_die_errno(FERRY_EXIT_IO, "%s: cannot run gzip -dc", path);
	}
	input->fd = pipe_fds[0];
	ferry_on_die(stop_gzip, input);
}

struct csv_reader *
input_open(struct input *input, const char *path, bool decompress, bool hash)
{
	memset(input, 0, sizeof(*input));
	input->path = ferry_strdup(path);
	input->fd = -1;
	if (strcmp(path, "-") == 0) {
		input->fd = STDIN_FILENO;
	} else if (decompress && input_is_gzip(path)) {
		if (access(path, R_OK) != 0)
			ferry_die_errno(FERRY_EXIT_IO, "%s", path);
		start_gzip(input, path);
	} else {
		input->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (input->fd < 0)
			ferry_die_errno(FERRY_EXIT_IO, "%s", path);
	}
	if (hash) {
		input->hash = XXH3_createState();
		if (input->hash == NULL)
			ferry_die(FERRY_EXIT_IO, "out of memory");
		XXH3_128bits_reset(input->hash);
	}
	input->reader = csv_reader_open_function(input_read, input,
	    strcmp(path, "-") == 0 ? "stdin" : path);
	return input->reader;
}

bool
input_drain(struct input *input)
{
	char buffer[64 * 1024];
	ssize_t got;

	while ((got = input_read(input, buffer, sizeof(buffer))) > 0)
		continue;
	return got == 0;
}

XXH128_hash_t
input_hash(const struct input *input)
{
	return XXH3_128bits_digest(input->hash);
}

bool
input_close(struct input *input, char *error, size_t error_size)
{
	bool good = true;

	csv_reader_close(input->reader);
	input->reader = NULL;
	if (input->fd >= 0 && input->fd != STDIN_FILENO)
		close(input->fd);
	input->fd = -1;
	if (input->gzip > 0) {
		int status;
		pid_t reaped;

		do
			reaped = waitpid(input->gzip, &status, 0);
		while (reaped < 0 && errno == EINTR);
		ferry_forget_on_die(stop_gzip, input);
		input->gzip = 0;
		if (reaped < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0) {
			good = false;
			if (reaped >= 0 && WIFSIGNALED(status))
				snprintf(error, error_size, "gzip -dc was "
				    "killed by signal %d", WTERMSIG(status));
			else
				snprintf(error, error_size, "gzip -dc failed "
				    "(exit status %d): not a whole gzip file",
				    reaped < 0 ? -1 : WEXITSTATUS(status));
		}
	}
	if (input->hash != NULL)
		XXH3_freeState(input->hash);
	input->hash = NULL;
	free(input->path);
	input->path = NULL;
	return good;
}

char *
hash128_hex(XXH128_hash_t hash, char out[33])
{
	XXH128_canonical_t canonical;
	static const char hex[] = "0123456789abcdef";

	XXH128_canonicalFromHash(&canonical, hash);
	for (int i = 0; i < 16; i++) {
		out[2 * i] = hex[canonical.digest[i] >> 4];
		out[2 * i + 1] = hex[canonical.digest[i] & 15];
	}
	out[32] = '\0';
	return out;
}

void
input_die(struct input *input)
{
	char message[1024], error[256], path[512];
	int status = csv_reader_error_status(input->reader);

	snprintf(message, sizeof(message), "%s",
	    csv_reader_error(input->reader));
	snprintf(path, sizeof(path), "%s", input->path);
	if (input->gzip > 0) {
		(void)input_drain(input);
		if (!input_close(input, error, sizeof(error)))
			ferry_die(FERRY_EXIT_MALFORMED, "%s: %s", path, error);
	}
	ferry_die((enum ferry_exit)status, "%s", message);
}

void
input_close_or_die(struct input *input)
{
	char error[256], path[512];

	snprintf(path, sizeof(path), "%s", input->path);
	if (!input_close(input, error, sizeof(error)))
		ferry_die(FERRY_EXIT_MALFORMED, "%s: %s", path, error);
}
