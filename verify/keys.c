#include "keys.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "verify.h"

/* The first byte of each encoded field: what follows and how it sorts. */
enum key_kind {
	KEY_NULL = 1,		/* nothing follows */
	KEY_NEGATIVE = 2,	/* 255 - digit count, digits as 9 - BCD */
	KEY_INTEGER = 3,	/* digit count, digits as BCD */
	KEY_TEXT = 4,		/* bytes (never NUL), then a NUL */
};

/*
 * Integers are packed two digits a byte (BCD, high nibble first; an odd
 * count ends in a 0 nibble), after a one-byte digit count: a 12-digit id
 * fits in the 8 bytes the sorter compares first.  Longer integers (more
 * than 254 digits) are keyed as text.
 */
#define MAXIMUM_DIGITS 254

/* An integer as PostgreSQL prints one: -?(0|[1-9][0-9]*), not "-0". */
static bool
is_integer(const char *value, size_t length)
{
	size_t i = 0;

	if (length > 0 && value[0] == '-')
		i = 1;
	if (i == length || length - i > MAXIMUM_DIGITS)
		return false;
	if (value[i] == '0')
		return length == 1;
	for (; i < length; i++)
		if (value[i] < '0' || value[i] > '9')
			return false;
	return true;
}

void
key_encode(struct buffer *out, const struct csv_field *fields,
    const size_t *columns, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct csv_field *field = &fields[columns[i]];

		if (field->value == NULL) {
			buffer_append_char(out, KEY_NULL);
		} else if (is_integer(field->value, field->length)) {
			bool negative = field->value[0] == '-';
			const char *digits = field->value + negative;
			size_t digit_count = field->length - negative;

			buffer_append_char(out, negative ? KEY_NEGATIVE :
			    KEY_INTEGER);
			buffer_append_char(out, (char)(unsigned char)(negative ?
			    255 - digit_count : digit_count));
			for (size_t d = 0; d < digit_count; d += 2) {
				unsigned high = (unsigned)(digits[d] - '0');
				unsigned low = d + 1 < digit_count ?
				    (unsigned)(digits[d + 1] - '0') : 0;

				if (negative) {
					high = 9 - high;
					low = d + 1 < digit_count ? 9 - low : 0;
				}
				buffer_append_char(out,
				    (char)(unsigned char)(high << 4 | low));
			}
		} else {
			buffer_append_char(out, KEY_TEXT);
			buffer_append(out, field->value, field->length);
			buffer_append_char(out, '\0');
		}
	}
}

void
key_show(struct buffer *out, const unsigned char *key, size_t length,
    char *const *names, size_t count)
{
	const unsigned char *end = key + length;
	struct buffer value = BUFFER_INIT;

	for (size_t i = 0; i < count && key < end; i++) {
		enum key_kind kind = (enum key_kind)*key++;

		if (i > 0)
			buffer_append_string(out, ", ");
		buffer_append_string(out, names[i]);
		buffer_append_char(out, '=');
		value.length = 0;
		switch (kind) {
		case KEY_NULL:
			show_value(out, NULL, 0);
			continue;
		case KEY_NEGATIVE:
		case KEY_INTEGER: {
			unsigned digits = kind == KEY_NEGATIVE ? 255u - *key :
			    *key;

			key++;
			if (kind == KEY_NEGATIVE)
				buffer_append_char(&value, '-');
			for (unsigned d = 0; d < digits; d++) {
				unsigned nibble = d % 2 == 0 ? key[d / 2] >> 4 :
				    key[d / 2] & 15u;

				if (kind == KEY_NEGATIVE)
					nibble = 9 - nibble;
				buffer_append_char(&value, (char)('0' + nibble));
			}
			key += (digits + 1) / 2;
			break;
		}
		case KEY_TEXT: {
			size_t text = strlen((const char *)key);

			buffer_append(&value, key, text);
			key += text + 1;
			break;
		}
		default:
			ferry_die(FERRY_EXIT_IO, "internal: a bad key encoding");
		}
		show_value(out, value.data != NULL ? value.data : "",
		    value.length);
	}
	buffer_free(&value);
}
