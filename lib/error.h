/*
 * Exit statuses, messages and last-resort clean-up shared by every ferry
 * program.  Every diagnostic goes to stderr as "PROGRAM: message"; stdout
 * carries data only (DESIGN.md, "The stream").
 */
#ifndef FERRY_ERROR_H
#define FERRY_ERROR_H

#include <stddef.h>

/* The exit statuses of DESIGN.md, the same for every program. */
enum ferry_exit {
	FERRY_EXIT_DONE = 0,		/* done */
	FERRY_EXIT_DIFFERENCE = 1,	/* a difference, or too many rejects */
	FERRY_EXIT_USAGE = 2,		/* bad command line */
	FERRY_EXIT_MALFORMED = 3,	/* malformed input: CSV, .map, dump */
	FERRY_EXIT_DATABASE = 4,	/* connection or server error */
	FERRY_EXIT_IO = 5,		/* read, write, disk full, no memory */
};

/*
 * Names the program for messages (the basename of argv[0] unless a name
 * is given) and ignores SIGPIPE, so that a closed pipe is an EPIPE write
 * error the program reports (exit 5) rather than a silent death.
 */
void ferry_init(const char *program);

/* The program's name as ferry_init set it. */
const char *ferry_program(void);

/* "PROGRAM: message\n" on stderr. */
void ferry_warn(const char *format, ...)
	__attribute__((format(printf, 1, 2)));

/*
 * Prints "PROGRAM: message", runs the clean-up hooks (newest first) and
 * exits with status.  ferry_die_errno appends ": strerror(errno)".
 */
_Noreturn void ferry_die(enum ferry_exit status, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
_Noreturn void ferry_die_errno(enum ferry_exit status, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * A hook that ferry_die runs before exiting: removing a temporary file,
 * aborting a COPY in flight.  At most 16 are registered at once; a hook
 * must not call ferry_die itself (a nested call exits at once).
 */
typedef void ferry_cleanup_fn(void *argument);
void ferry_on_die(ferry_cleanup_fn *hook, void *argument);
void ferry_forget_on_die(ferry_cleanup_fn *hook, void *argument);

/*
 * Copies at most limit bytes of data into out (a buffer of out_size
 * bytes, always NUL-terminated) with control characters, backslashes and
 * invalid bytes escaped (\n, \t, \x01 ...), for echoing input in
 * messages.  Longer data is cut and ends in "...".  Returns out.
 */
char *ferry_escape(char *out, size_t out_size, const char *data,
    size_t length);

/* Allocation that dies (exit 5) instead of returning NULL. */
void *ferry_malloc(size_t size);
void *ferry_realloc(void *pointer, size_t size);
char *ferry_strdup(const char *string);

/*
 * Flushes and closes stdout; a write error there (EPIPE, ENOSPC) is exit
 * 5.  Every program that writes data to stdout calls it on the way out.
 */
void ferry_close_stdout(void);

#endif
