#include "error.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_HOOKS 16

static const char *program_name = "ferry";

static struct {
	ferry_cleanup_fn *hook;
	void *argument;
} hooks[MAX_HOOKS];
static int hook_count;
static int dying;

void
ferry_init(const char *program)
{
	const char *slash = strrchr(program, '/');

	program_name = slash != NULL ? slash + 1 : program;
	signal(SIGPIPE, SIG_IGN);
}

const char *
ferry_program(void)
{
	return program_name;
}

static void
vwarn_message(const char *format, va_list arguments, int error_number)
{
	char message[4096];

	vsnprintf(message, sizeof(message), format, arguments);
	if (error_number != 0)
		fprintf(stderr, "%s: %s: %s\n", program_name, message,
		    strerror(error_number));
	else
		fprintf(stderr, "%s: %s\n", program_name, message);
}

void
ferry_warn(const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vwarn_message(format, arguments, 0);
	va_end(arguments);
}

static _Noreturn void
run_hooks_and_exit(enum ferry_exit status)
{
	if (!dying) {
		dying = 1;
		while (hook_count > 0) {
			hook_count--;
			hooks[hook_count].hook(hooks[hook_count].argument);
		}
	}
	fflush(stderr);
	_exit((int)status);
}

void
ferry_die(enum ferry_exit status, const char *format, ...)
{
	va_list arguments;

	va_start(arguments, format);
	vwarn_message(format, arguments, 0);
	va_end(arguments);
	run_hooks_and_exit(status);
}

void
ferry_die_errno(enum ferry_exit status, const char *format, ...)
{
	va_list arguments;
	int error_number = errno;

	va_start(arguments, format);
	vwarn_message(format, arguments, error_number);
	va_end(arguments);
	run_hooks_and_exit(status);
}

void
ferry_on_die(ferry_cleanup_fn *hook, void *argument)
{
	if (hook_count == MAX_HOOKS)
		ferry_die(FERRY_EXIT_IO, "internal: too many clean-up hooks");
	hooks[hook_count].hook = hook;
	hooks[hook_count].argument = argument;
	hook_count++;
}

void
ferry_forget_on_die(ferry_cleanup_fn *hook, void *argument)
{
	for (int i = hook_count - 1; i >= 0; i--) {
		if (hooks[i].hook == hook && hooks[i].argument == argument) {
			memmove(&hooks[i], &hooks[i + 1],
			    (size_t)(hook_count - i - 1) * sizeof(hooks[0]));
			hook_count--;
			return;
		}
	}
}

char *
ferry_escape(char *out, size_t out_size, const char *data, size_t length)
{
	static const char hex[] = "0123456789abcdef";
	size_t used = 0;
	size_t i;

	if (out_size == 0)
		return out;
	for (i = 0; i < length; i++) {
		unsigned char c = (unsigned char)data[i];
		char escaped[5];
		size_t n = 0;

		if (c == '\n')
			escaped[n++] = '\\', escaped[n++] = 'n';
		else if (c == '\r')
			escaped[n++] = '\\', escaped[n++] = 'r';
		else if (c == '\t')
			escaped[n++] = '\\', escaped[n++] = 't';
		else if (c == '\\')
			escaped[n++] = '\\', escaped[n++] = '\\';
		else if (c < 0x20 || c == 0x7f) {
			escaped[n++] = '\\';
			escaped[n++] = 'x';
			escaped[n++] = hex[c >> 4];
			escaped[n++] = hex[c & 15];
		} else
			escaped[n++] = (char)c;
		if (used + n + 4 > out_size)
			break;
		memcpy(out + used, escaped, n);
		used += n;
	}
	if (i < length && used + 4 <= out_size) {
		memcpy(out + used, "...", 3);
		used += 3;
	}
	out[used] = '\0';
	return out;
}

void *
ferry_malloc(size_t size)
{
	void *pointer = malloc(size != 0 ? size : 1);

	if (pointer == NULL)
		ferry_die(FERRY_EXIT_IO, "out of memory (%zu bytes)", size);
	return pointer;
}

void *
ferry_realloc(void *pointer, size_t size)
{
	void *moved = realloc(pointer, size != 0 ? size : 1);

	if (moved == NULL)
		ferry_die(FERRY_EXIT_IO, "out of memory (%zu bytes)", size);
	return moved;
}

char *
ferry_strdup(const char *string)
{
	size_t length = strlen(string) + 1;

	return memcpy(ferry_malloc(length), string, length);
}

void
ferry_close_stdout(void)
{
	int failed = ferror(stdout);

	if (fclose(stdout) != 0 || failed) {
		if (errno == 0)
			errno = EIO;
		ferry_die_errno(FERRY_EXIT_IO, "stdout");
	}
}
