/*
 * A growable byte buffer.  Invariant: data is NULL only while capacity is
 * 0; length <= capacity.  The contents are bytes, not a C string, unless
 * buffer_terminate has been called since the last append.
 */
#ifndef FERRY_BUFFER_H
#define FERRY_BUFFER_H

#include <stddef.h>

struct buffer {
	char *data;		/* the bytes, or NULL before the first append */
	size_t length;		/* bytes in use */
	size_t capacity;	/* bytes allocated */
};

#define BUFFER_INIT { NULL, 0, 0 }

/* Makes room for at least more further bytes (dies on no memory). */
void buffer_reserve(struct buffer *buffer, size_t more);
void buffer_append(struct buffer *buffer, const void *bytes, size_t length);
void buffer_append_string(struct buffer *buffer, const char *string);
void buffer_append_char(struct buffer *buffer, char c);
void buffer_printf(struct buffer *buffer, const char *format, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds a NUL after the contents (not counted in length); returns data. */
char *buffer_terminate(struct buffer *buffer);
void buffer_reset(struct buffer *buffer);
void buffer_free(struct buffer *buffer);

#endif
