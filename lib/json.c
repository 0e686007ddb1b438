#include "json.h"

void
json_append_string(struct buffer *out, const char *text, size_t length)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;

	buffer_append_char(out, '"');
	for (size_t i = 0; i < length; i++) {
		unsigned char c = (unsigned char)text[i];
		char escape[6];
		size_t escape_length = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buffer_append(out, text + start, i - start);
		start = i + 1;
		escape[0] = '\\';
		switch (c) {
		case '"':  escape[1] = '"'; break;
		case '\\': escape[1] = '\\'; break;
		case '\b': escape[1] = 'b'; break;
		case '\f': escape[1] = 'f'; break;
		case '\n': escape[1] = 'n'; break;
		case '\r': escape[1] = 'r'; break;
		case '\t': escape[1] = 't'; break;
		default:
			escape[1] = 'u';
			escape[2] = '0';
			escape[3] = '0';
			escape[4] = hex[c >> 4];
			escape[5] = hex[c & 15];
			escape_length = 6;
		}
		buffer_append(out, escape, escape_length);
	}
	buffer_append(out, text + start, length - start);
	buffer_append_char(out, '"');
}
