/*
 * Keys for compare: the key columns of a row encoded so that memcmp
 * orders them as an operator expects (NULL first, then integers by value,
 * then other text by bytes) and decoded again to be shown.  Two keys are
 * equal only when their values are byte for byte equal: "007" is not 7.
 */
#ifndef FERRY_VERIFY_KEYS_H
#define FERRY_VERIFY_KEYS_H

#include <stddef.h>

#include "buffer.h"
#include "csv_read.h"

/* Appends the encoding of fields[columns[0 .. count)]. */
void key_encode(struct buffer *out, const struct csv_field *fields,
    const size_t *columns, size_t count);

/* Appends "name=value, name=value" for an encoded key (show_value). */
void key_show(struct buffer *out, const unsigned char *key, size_t length,
    char *const *names, size_t count);

#endif
