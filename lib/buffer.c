#include "buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

void
buffer_reserve(struct buffer *buffer, size_t more)
{
	size_t needed = buffer->length + more;
	size_t capacity = buffer->capacity != 0 ? buffer->capacity : 256;

	if (needed <= buffer->capacity)
		return;
	while (capacity < needed)
		capacity *= 2;
	buffer->data = ferry_realloc(buffer->data, capacity);
	buffer->capacity = capacity;
}

void
buffer_append(struct buffer *buffer, const void *bytes, size_t length)
{
	if (length == 0)
		return;
	buffer_reserve(buffer, length);
	memcpy(buffer->data + buffer->length, bytes, length);
	buffer->length += length;
}

void
buffer_append_string(struct buffer *buffer, const char *string)
{
	buffer_append(buffer, string, strlen(string));
}

void
buffer_append_char(struct buffer *buffer, char c)
{
	buffer_reserve(buffer, 1);
	buffer->data[buffer->length++] = c;
}

void
buffer_printf(struct buffer *buffer, const char *format, ...)
{
	va_list arguments;
	int needed;

	va_start(arguments, format);
	needed = vsnprintf(NULL, 0, format, arguments);
	va_end(arguments);
	if (needed < 0)
		ferry_die(FERRY_EXIT_IO, "internal: bad format %s", format);
	buffer_reserve(buffer, (size_t)needed + 1);
	va_start(arguments, format);
	vsnprintf(buffer->data + buffer->length, (size_t)needed + 1, format,
	    arguments);
	va_end(arguments);
	buffer->length += (size_t)needed;
}

char *
buffer_terminate(struct buffer *buffer)
{
	buffer_reserve(buffer, 1);
	buffer->data[buffer->length] = '\0';
	return buffer->data;
}

void
buffer_reset(struct buffer *buffer)
{
	buffer->length = 0;
}

void
buffer_free(struct buffer *buffer)
{
	free(buffer->data);
	buffer->data = NULL;
	buffer->length = buffer->capacity = 0;
}
