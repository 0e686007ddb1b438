#include "copy_binary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "connection.h"
#include "error.h"

/*
 * The formats are PostgreSQL's send/receive formats as its documentation
 * and protocol describe them; the target is PostgreSQL 13 or later
 * (pipelines/schema/target.sql), where timestamps are int64 microseconds
 * and float4 input is read with strtof.
 */

/* Days from 0001-01-01 to 2000-01-01, the epoch of dates and timestamps. */
#define EPOCH_DAY 730119
/* A name's receive function refuses what its input function truncates. */
#define NAME_LIMIT 64
/* The most digits a numeric may have on either side of the point here:
 * the largest precision a numeric column can declare. */
#define NUMERIC_DIGITS_MAX 1000
/* Every encoder writes at most its text's length plus this. */
#define ENCODED_EXTRA 16

static void
put16(unsigned char *at, uint16_t value)
{
	at[0] = (unsigned char)(value >> 8);
	at[1] = (unsigned char)value;
}

static void
put32(unsigned char *at, uint32_t value)
{
	put16(at, (uint16_t)(value >> 16));
	put16(at + 2, (uint16_t)value);
}

static void
put64(unsigned char *at, uint64_t value)
{
	put32(at, (uint32_t)(value >> 32));
	put32(at + 4, (uint32_t)value);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The value of length decimal digits at text, or -1 unless all are. */
static int
digits_value(const char *text, size_t length)
{
	int value = 0;

	for (size_t i = 0; i < length; i++) {
		if (!is_digit(text[i]))
			return -1;
		value = value * 10 + (text[i] - '0');
	}
	return value;
}

/*
 * Each encoder writes the binary form of the value text (length bytes,
 * NUL-terminated) to out, which has room for length + ENCODED_EXTRA
 * bytes, and returns its size; or returns -1 when text is not in the
 * canonical form the encoder takes.
 */

static long
encode_bool(const char *text, size_t length, unsigned char *out)
{
	if (length != 1 || (text[0] != 't' && text[0] != 'f'))
		return -1;
	out[0] = text[0] == 't';
	return 1;
}

/* [+-]digits, in [minimum, maximum]: big-endian in size bytes. */
static long
encode_integer(const char *text, size_t length, unsigned char *out,
    int size, int64_t minimum, int64_t maximum)
{
	const char *end = text + length;
	bool negative = false;
	uint64_t magnitude = 0, limit;
	int64_t value;

	if (text < end && (*text == '+' || *text == '-'))
		negative = *text++ == '-';
	if (text == end)
		return -1;
	limit = negative ? (uint64_t)(-(minimum + 1)) + 1 : (uint64_t)maximum;
	for (; text < end; text++) {
		unsigned digit;

		if (!is_digit(*text))
			return -1;
		digit = (unsigned)(*text - '0');
		if (magnitude > (limit - digit) / 10)
			return -1;
		magnitude = magnitude * 10 + digit;
	}
	if (!negative)
		value = (int64_t)magnitude;
	else if (magnitude == 0)
		value = 0;
	else
		value = -(int64_t)(magnitude - 1) - 1;
	if (size == 2)
		put16(out, (uint16_t)value);
	else if (size == 4)
		put32(out, (uint32_t)value);
	else
		put64(out, (uint64_t)value);
	return size;
}

/*
 * [-]digits[.digits][(e|E)[+-]digits] with at most max_significant
 * significant digits: what the server prints for a finite value (the
 * shortest text that reads back exactly), and few enough digits that
 * every correctly rounding strtod or strtof, the server's included, reads
 * it alike.
 */
static bool
float_syntax(const char *text, size_t length, int max_significant)
{
	const char *end = text + length;
	int significant = 0, mantissa = 0;
	bool point = false;

	if (text < end && *text == '-')
		text++;
	for (; text < end && (is_digit(*text) || *text == '.'); text++) {
		if (*text == '.') {
			if (point || mantissa == 0 || text + 1 == end ||
			    !is_digit(text[1]))
				return false;
			point = true;
			continue;
		}
		mantissa++;
		if (significant > 0 || *text != '0')
			significant++;
	}
	if (mantissa == 0 || significant > max_significant)
		return false;
	if (text < end && (*text == 'e' || *text == 'E')) {
		text++;
		if (text < end && (*text == '+' || *text == '-'))
			text++;
		if (text == end)
			return false;
		while (text < end && is_digit(*text))
			text++;
	}
	return text == end;
}

static long
encode_float4(const char *text, size_t length, unsigned char *out)
{
	char *end;
	float value;
	uint32_t bits;

	if (!float_syntax(text, length, 9))
		return -1;
	errno = 0;
	value = strtof(text, &end);
	if (errno != 0 || end != text + length || !isfinite(value))
		return -1;
	memcpy(&bits, &value, sizeof(bits));
	put32(out, bits);
	return 4;
}

static long
encode_float8(const char *text, size_t length, unsigned char *out)
{
	char *end;
	double value;
	uint64_t bits;

	if (!float_syntax(text, length, 17))
		return -1;
	errno = 0;
	value = strtod(text, &end);
	if (errno != 0 || end != text + length || !isfinite(value))
		return -1;
	memcpy(&bits, &value, sizeof(bits));
	put64(out, bits);
	return 8;
}

/*
 * [-]digits[.digits] as numeric's base-10000 digits, aligned on the
 * point: int16 ndigits, weight (of the first digit), sign (0x4000
 * negative), dscale (the digits after the point as written), then the
 * digits, with no leading or trailing zero digit, as the server stores
 * them.  The column's typmod is applied by the server.
 */
static long
encode_numeric(const char *text, size_t length, unsigned char *out)
{
	const char *end = text + length, *whole, *fraction = "";
	size_t whole_digits, fraction_digits = 0, count = 0, first = 0;
	uint16_t groups[2 * (NUMERIC_DIGITS_MAX / 4 + 1)];
	bool negative = false;
	int weight;

	if (text < end && *text == '-') {
		negative = true;
		text++;
	}
	for (whole = text; text < end && is_digit(*text); text++)
		;
	whole_digits = (size_t)(text - whole);
	if (text < end && *text == '.') {
		for (fraction = ++text; text < end && is_digit(*text); text++)
			;
		fraction_digits = (size_t)(text - fraction);
		if (fraction_digits == 0)
			return -1;
	}
	if (text != end || whole_digits == 0 ||
	    whole_digits > NUMERIC_DIGITS_MAX ||
	    fraction_digits > NUMERIC_DIGITS_MAX)
		return -1;
	while (whole_digits > 0 && *whole == '0') {
		whole++;
		whole_digits--;
	}

	/* The whole part's first group takes the digits left over from
	 * groups of four; the fraction's last is padded with zeros. */
	weight = (int)((whole_digits + 3) / 4) - 1;
	for (size_t i = 0; i < whole_digits; ) {
		size_t take = i == 0 && whole_digits % 4 != 0 ?
		    whole_digits % 4 : 4;

		groups[count++] = (uint16_t)digits_value(whole + i, take);
		i += take;
	}
	for (size_t i = 0; i < fraction_digits; i += 4) {
		int group = 0;

		for (size_t j = i; j < i + 4; j++)
			group = group * 10 +
			    (j < fraction_digits ? fraction[j] - '0' : 0);
		groups[count++] = (uint16_t)group;
	}
	while (count > first && groups[count - 1] == 0)
		count--;
	while (first < count && groups[first] == 0) {
		first++;
		weight--;
	}
	if (first == count) {
		/* Zero: no digits, weight 0, positive (-0.00 is 0.00). */
		weight = 0;
		negative = false;
	}

	put16(out, (uint16_t)(count - first));
	put16(out + 2, (uint16_t)weight);
	put16(out + 4, negative ? 0x4000 : 0);
	put16(out + 6, (uint16_t)fraction_digits);
	for (size_t i = first; i < count; i++)
		put16(out + 8 + 2 * (i - first), groups[i]);
	return (long)(8 + 2 * (count - first));
}

/*
 * 8-4-4-4-12 hex digits, either case: the 16 bytes (libuuid's parser,
 * which takes exactly that form and nothing else).
 */
static long
encode_uuid(const char *text, size_t length, unsigned char *out)
{
	char terminated[37];

	if (length != 36)
		return -1;
	memcpy(terminated, text, 36);
	terminated[36] = '\0';
	return uuid_parse(terminated, out) == 0 ? 16 : -1;
}

/*
 * The bytes as they are: the server's receive functions still check
 * UTF-8, varchar and bpchar lengths, enum labels and JSON, as its input
 * functions do.
 */
static long
encode_text(const char *text, size_t length, unsigned char *out)
{
	memcpy(out, text, length);
	return (long)length;
}

static long
encode_jsonb(const char *text, size_t length, unsigned char *out)
{
	out[0] = 1;	/* jsonb's binary format version */
	memcpy(out + 1, text, length);
	return (long)length + 1;
}

static bool
is_leap(int year)
{
	return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

/*
 * YYYY-MM-DD (the 10 bytes at text), years 1 to 9999, a day its month
 * has: days since 2000-01-01 (negative before).  False for anything else.
 */
static bool
parse_date(const char *text, int32_t *days)
{
	static const int month_days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
	};
	static const int days_before_month[12] = {
		0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
	};
	int year = digits_value(text, 4);
	int month = digits_value(text + 5, 2);
	int day = digits_value(text + 8, 2);
	int leap, before;

	if (text[4] != '-' || text[7] != '-' || year < 1 || month < 1 ||
	    month > 12 || day < 1)
		return false;
	leap = is_leap(year);
	if (day > month_days[month - 1] + (month == 2 ? leap : 0))
		return false;
	before = year - 1;	/* whole years since 0001-01-01 */
	*days = 365 * before + before / 4 - before / 100 + before / 400 +
	    days_before_month[month - 1] + (month > 2 ? leap : 0) + day - 1 -
	    EPOCH_DAY;
	return true;
}

static long
encode_date(const char *text, size_t length, unsigned char *out)
{
	int32_t days;

	if (length != 10 || !parse_date(text, &days))
		return -1;
	put32(out, (uint32_t)days);
	return 4;
}

/*
 * YYYY-MM-DD HH:MM:SS[.f], 1 to 6 fraction digits, at the start of text:
 * microseconds since 2000-01-01 00:00:00.  Returns the bytes it took, 0
 * when it is not one (hour 24, second 60 and 7 digits are not).
 */
static size_t
parse_timestamp(const char *text, size_t length, int64_t *microseconds)
{
	int32_t days;
	int hour, minute, second;
	int64_t fraction = 0;
	size_t at = 19;

	if (length < 19 || !parse_date(text, &days) || text[10] != ' ' ||
	    text[13] != ':' || text[16] != ':')
		return 0;
	hour = digits_value(text + 11, 2);
	minute = digits_value(text + 14, 2);
	second = digits_value(text + 17, 2);
	if (hour < 0 || hour > 23 || minute < 0 || minute > 59 ||
	    second < 0 || second > 59)
		return 0;
	if (at < length && text[at] == '.') {
		size_t first = ++at;
		int64_t unit = 1000000;

		while (at < length && is_digit(text[at]) && at - first < 6) {
			unit /= 10;
			fraction += (text[at++] - '0') * unit;
		}
		if (at == first)
			return 0;
	}
	*microseconds = (((int64_t)days * 24 + hour) * 60 + minute) * 60 +
	    second;
	*microseconds = *microseconds * 1000000 + fraction;
	return at;
}

static long
encode_timestamp(const char *text, size_t length, unsigned char *out)
{
	int64_t microseconds;

	if (length == 0 || parse_timestamp(text, length, &microseconds) != length)
		return -1;
	put64(out, (uint64_t)microseconds);
	return 8;
}

/*
 * A timestamp, then +HH, +HH:MM or +HH:MM:SS (or -), hours up to 15 as
 * the server takes them: the UTC instant.
 */
static long
encode_timestamptz(const char *text, size_t length, unsigned char *out)
{
	int64_t microseconds;
	size_t at = parse_timestamp(text, length, &microseconds);
	const char *offset = text + at;
	size_t offset_length = length - at;
	int hours, minutes = 0, seconds = 0, east;

	if (at == 0 || (offset_length != 3 && offset_length != 6 &&
	    offset_length != 9) || (offset[0] != '+' && offset[0] != '-'))
		return -1;
	hours = digits_value(offset + 1, 2);
	if (offset_length >= 6) {
		if (offset[3] != ':')
			return -1;
		minutes = digits_value(offset + 4, 2);
	}
	if (offset_length == 9) {
		if (offset[6] != ':')
			return -1;
		seconds = digits_value(offset + 7, 2);
	}
	if (hours < 0 || hours > 15 || minutes < 0 || minutes > 59 ||
	    seconds < 0 || seconds > 59)
		return -1;
	east = (hours * 60 + minutes) * 60 + seconds;
	if (offset[0] == '-')
		east = -east;
	put64(out, (uint64_t)(microseconds - (int64_t)east * 1000000));
	return 8;
}

static long
encode(enum copy_encoding encoding, const char *text, size_t length,
    unsigned char *out)
{
	switch (encoding) {
	case ENCODE_BOOL:
		return encode_bool(text, length, out);
	case ENCODE_INT2:
		return encode_integer(text, length, out, 2, INT16_MIN, INT16_MAX);
	case ENCODE_INT4:
		return encode_integer(text, length, out, 4, INT32_MIN, INT32_MAX);
	case ENCODE_INT8:
		return encode_integer(text, length, out, 8, INT64_MIN, INT64_MAX);
	case ENCODE_FLOAT4:
		return encode_float4(text, length, out);
	case ENCODE_FLOAT8:
		return encode_float8(text, length, out);
	case ENCODE_NUMERIC:
		return encode_numeric(text, length, out);
	case ENCODE_UUID:
		return encode_uuid(text, length, out);
	case ENCODE_TEXT:
		return encode_text(text, length, out);
	case ENCODE_NAME:
		return length < NAME_LIMIT ? encode_text(text, length, out) : -1;
	case ENCODE_JSONB:
		return encode_jsonb(text, length, out);
	case ENCODE_DATE:
		return encode_date(text, length, out);
	case ENCODE_TIMESTAMP:
		return encode_timestamp(text, length, out);
	case ENCODE_TIMESTAMPTZ:
		return encode_timestamptz(text, length, out);
	}
	return -1;
}

bool
copy_binary_row(struct buffer *out, const enum copy_encoding *encodings,
    const struct csv_field *fields, size_t count)
{
	size_t start = out->length;

	buffer_reserve(out, 2);
	put16((unsigned char *)out->data + out->length, (uint16_t)count);
	out->length += 2;
	for (size_t i = 0; i < count; i++) {
		unsigned char *at;
		long size = -1;

		if (fields[i].length > INT32_MAX - ENCODED_EXTRA) {
			out->length = start;	/* the server's to refuse */
			return false;
		}
		buffer_reserve(out, 4 + fields[i].length + ENCODED_EXTRA);
		at = (unsigned char *)out->data + out->length;
		if (fields[i].value != NULL) {
			size = encode(encodings[i], fields[i].value,
			    fields[i].length, at + 4);
			if (size < 0) {
				out->length = start;
				return false;
			}
		}
		put32(at, (uint32_t)size);	/* -1 for NULL */
		out->length += 4 + (size > 0 ? (size_t)size : 0);
	}
	return true;
}

void
copy_binary_header(struct buffer *out)
{
	/* The signature (its last byte a NUL), flags, extension length. */
	static const char header[] = "PGCOPY\n\377\r\n\0" "\0\0\0\0" "\0\0\0\0";

	buffer_append(out, header, sizeof(header) - 1);
}

void
copy_binary_trailer(struct buffer *out)
{
	buffer_append(out, "\377\377", 2);
}

bool
copy_binary_encodings(PGconn *conn, const char *table,
    const struct csv_row *header, enum copy_encoding *encodings,
    char *reason, size_t reason_size)
{
	/* The base types of pg_catalog that have an encoder. */
	static const struct {
		const char *name;
		enum copy_encoding encoding;
	} types[] = {
		{ "bool", ENCODE_BOOL },
		{ "int2", ENCODE_INT2 },
		{ "int4", ENCODE_INT4 },
		{ "int8", ENCODE_INT8 },
		{ "float4", ENCODE_FLOAT4 },
		{ "float8", ENCODE_FLOAT8 },
		{ "numeric", ENCODE_NUMERIC },
		{ "uuid", ENCODE_UUID },
		{ "text", ENCODE_TEXT },
		{ "varchar", ENCODE_TEXT },
		{ "bpchar", ENCODE_TEXT },
		{ "json", ENCODE_TEXT },
		{ "name", ENCODE_NAME },
		{ "jsonb", ENCODE_JSONB },
		{ "date", ENCODE_DATE },
		{ "timestamp", ENCODE_TIMESTAMP },
		{ "timestamptz", ENCODE_TIMESTAMPTZ },
	};
	const char *parameters[1] = { table };
	/* Each column with its type, domains followed down to their base. */
	PGresult *result = ferry_exec_params(conn,
	    "WITH RECURSIVE resolved (name, type) AS ("
	    "  SELECT attname::text, atttypid FROM pg_attribute"
	    "   WHERE attrelid = to_regclass($1) AND attnum > 0"
	    "     AND NOT attisdropped"
	    "  UNION ALL"
	    "  SELECT resolved.name, t.typbasetype"
	    "    FROM resolved JOIN pg_type t ON t.oid = resolved.type"
	    "   WHERE t.typtype = 'd')"
	    " SELECT resolved.name, t.typname, t.typtype,"
	    "        t.typnamespace = 'pg_catalog'::regnamespace,"
	    "        format_type(t.oid, NULL)"
	    "   FROM resolved JOIN pg_type t ON t.oid = resolved.type"
	    "  WHERE t.typtype <> 'd'", 1, parameters);
	int rows = PQntuples(result);

	for (size_t i = 0; i < header->count; i++) {
		const char *name = header->fields[i].value;
		char shown[128];
		bool found = false;
		int row;

		for (row = 0; row < rows; row++)
			if (strcmp(PQgetvalue(result, row, 0), name) == 0)
				break;
		if (row < rows && strcmp(PQgetvalue(result, row, 2), "e") == 0) {
			encodings[i] = ENCODE_TEXT;	/* an enum's label */
			found = true;
		} else if (row < rows &&
		    strcmp(PQgetvalue(result, row, 3), "t") == 0) {
			for (size_t j = 0; j < sizeof(types) / sizeof(types[0]); j++)
				if (strcmp(PQgetvalue(result, row, 1),
				    types[j].name) == 0) {
					encodings[i] = types[j].encoding;
					found = true;
				}
		}
		if (!found) {
			ferry_escape(shown, sizeof(shown), name, strlen(name));
			if (row < rows)
				snprintf(reason, reason_size, "column \"%s\" is "
				    "%s, which has no binary encoder", shown,
				    PQgetvalue(result, row, 4));
			else
				snprintf(reason, reason_size, "column \"%s\" is "
				    "not in the table", shown);
			PQclear(result);
			return false;
		}
	}
	PQclear(result);
	return true;
}
