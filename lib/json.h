/*
 * JSON text for the programs' summaries and ferry-transform's object
 * columns.
 */
#ifndef FERRY_JSON_H
#define FERRY_JSON_H

#include <stddef.h>

#include "buffer.h"

/*
 * Appends length bytes of UTF-8 text as a JSON string (RFC 8259): the
 * quote, the backslash and control characters escaped, other bytes as
 * they are.
 */
void json_append_string(struct buffer *out, const char *text, size_t length);

#endif
