#include "digest.h"

#include <endian.h>
#include <string.h>
#include <xxhash.h>

/* The length written for a NULL: no real field is that long. */
#define NULL_LENGTH UINT64_MAX

/* Appends value as 8 bytes, least significant first. */
static void
append_u64le(char *out, uint64_t value)
{
	uint64_t little_endian = htole64(value);

	memcpy(out, &little_endian, 8);
}

void
digest_encode_row(struct buffer *out, const struct csv_field *fields,
    const size_t *columns, size_t count)
{
	size_t needed = 8 + 8 * count;

	for (size_t i = 0; i < count; i++)
		needed += fields[columns != NULL ? columns[i] : i].length;
	buffer_reserve(out, needed);
	append_u64le(out->data + out->length, (uint64_t)count);
	out->length += 8;
	for (size_t i = 0; i < count; i++) {
		const struct csv_field *field =
		    &fields[columns != NULL ? columns[i] : i];

		if (field->value == NULL) {
			append_u64le(out->data + out->length, NULL_LENGTH);
			out->length += 8;
			continue;
		}
		append_u64le(out->data + out->length, (uint64_t)field->length);
		out->length += 8;
		memcpy(out->data + out->length, field->value, field->length);
		out->length += field->length;
	}
}

struct row_hash
digest_hash_row(struct buffer *scratch, const struct csv_field *fields,
    const size_t *columns, size_t count)
{
	XXH128_hash_t hash;
	struct row_hash result;

	scratch->length = 0;
	digest_encode_row(scratch, fields, columns, count);
	hash = XXH3_128bits(scratch->data, scratch->length);
	result.high = hash.high64;
	result.low = hash.low64;
	return result;
}

void
digest_add_hash(struct digest *digest, struct row_hash hash)
{
	digest->low += hash.low;
	digest->high += hash.high + (digest->low < hash.low);
	digest->rows++;
}

void
digest_add_row(struct digest *digest, struct buffer *scratch,
    const struct csv_field *fields, const size_t *columns, size_t count)
{
	digest_add_hash(digest, digest_hash_row(scratch, fields, columns,
	    count));
}

void
digest_merge(struct digest *digest, const struct digest *part)
{
	digest->low += part->low;
	digest->high += part->high + (digest->low < part->low);
	digest->rows += part->rows;
}

bool
digest_equal(const struct digest *a, const struct digest *b)
{
	return a->rows == b->rows && a->high == b->high && a->low == b->low;
}

char *
digest_hex(const struct digest *digest, char out[DIGEST_HEX_SIZE])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		out[i] = hex[(digest->high >> (60 - 4 * i)) & 15];
		out[16 + i] = hex[(digest->low >> (60 - 4 * i)) & 15];
	}
	out[32] = '\0';
	return out;
}

static int
hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool
digest_parse_hex(const char *hex, struct digest *digest)
{
	uint64_t halves[2] = { 0, 0 };

	for (int i = 0; i < 32; i++) {
		int value = hex_value(hex[i]);

		if (value < 0)
			return false;
		halves[i / 16] = halves[i / 16] << 4 | (uint64_t)value;
	}
	if (hex[32] != '\0')
		return false;
	digest->high = halves[0];
	digest->low = halves[1];
	return true;
}

int
digest_csv(struct csv_reader *reader, const size_t *columns, size_t count,
    struct digest *digest)
{
	struct buffer scratch = BUFFER_INIT;
	const struct csv_row *header = csv_reader_header(reader);
	const struct csv_row *row;
	int status;

	if (header == NULL)
		return -1;
	if (columns == NULL)
		count = header->count;
	while ((status = csv_reader_next(reader, &row)) == 1)
		digest_add_row(digest, &scratch, row->fields, columns, count);
	buffer_free(&scratch);
	return status;
}
