/*
 * JSON object columns for --json: one object per row, members in the
 * order the option names them, strings escaped by lib/json.c (RFC 8259).
 * The input is valid UTF-8 (the CSV reader refuses anything else).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json.h"
#include "transform.h"

static size_t
skip_digits(const char *text, size_t length, size_t i)
{
	while (i < length && text[i] >= '0' && text[i] <= '9')
		i++;
	return i;
}

bool
json_is_number(const char *text, size_t length)
{
	size_t i = 0, after;

	if (i < length && text[i] == '-')
		i++;
	if (i == length)
		return false;
	if (text[i] == '0')
		i++;
	else if (text[i] >= '1' && text[i] <= '9')
		i = skip_digits(text, length, i);
	else
		return false;
	if (i < length && text[i] == '.') {
		after = skip_digits(text, length, i + 1);
		if (after == i + 1)
			return false;
		i = after;
	}
	if (i < length && (text[i] == 'e' || text[i] == 'E')) {
		i++;
		if (i < length && (text[i] == '+' || text[i] == '-'))
			i++;
		after = skip_digits(text, length, i);
		if (after == i)
			return false;
		i = after;
	}
	return i == length;
}

static bool
parse_type(const char *name, enum json_type *type)
{
	if (strcmp(name, "string") == 0)
		*type = JSON_STRING;
	else if (strcmp(name, "number") == 0)
		*type = JSON_NUMBER;
	else if (strcmp(name, "boolean") == 0)
		*type = JSON_BOOLEAN;
	else
		return false;
	return true;
}

const char *
json_parse_members(const char *spec, struct json_member **members,
    size_t *count)
{
	char *copy = ferry_strdup(spec), *item, *rest = copy;
	const char *problem = NULL;

	*members = NULL;
	*count = 0;
	while (problem == NULL && (item = strsep(&rest, ",")) != NULL) {
		struct json_member *member;
		struct buffer rendered = BUFFER_INIT;
		char *colon = strrchr(item, ':'), *equals;
		enum json_type type = JSON_STRING;

		if (colon != NULL) {
			*colon = '\0';
			if (!parse_type(colon + 1, &type)) {
				problem = "a member's type is string, number "
				    "or boolean";
				break;
			}
		}
		equals = strchr(item, '=');
		if (equals != NULL)
			*equals = '\0';
		if (item[0] == '\0' || (equals != NULL && equals[1] == '\0')) {
			problem = "a member is [KEY=]COLUMN[:TYPE]";
			break;
		}
		*members = ferry_realloc(*members,
		    (*count + 1) * sizeof(**members));
		member = &(*members)[(*count)++];
		member->key = ferry_strdup(item);
		member->source = ferry_strdup(equals != NULL ? equals + 1 : item);
		member->input = 0;
		member->type = type;
		json_append_string(&rendered, member->key, strlen(member->key));
		buffer_append_char(&rendered, ':');
		member->rendered_key = ferry_strdup(buffer_terminate(&rendered));
		buffer_free(&rendered);
		for (size_t i = 0; i + 1 < *count; i++)
			if (strcmp((*members)[i].key, member->key) == 0)
				problem = "a key is named twice";
	}
	free(copy);
	return problem;
}

const struct json_member *
json_render(struct buffer *out, const struct json_member *members,
    size_t count, const struct csv_row *row)
{
	buffer_reset(out);
	buffer_append_char(out, '{');
	for (size_t i = 0; i < count; i++) {
		const struct json_member *member = &members[i];
		const struct csv_field *field = &row->fields[member->input];
		char shown[128];

		if (i > 0)
			buffer_append_char(out, ',');
		buffer_append_string(out, member->rendered_key);
		if (field->value == NULL) {
			buffer_append(out, "null", 4);
		} else if (member->type == JSON_STRING) {
			json_append_string(out, field->value, field->length);
		} else if (member->type == JSON_NUMBER) {
			if (!json_is_number(field->value, field->length)) {
				buffer_reset(out);
				buffer_printf(out, "%s \"%s\" is not a JSON "
				    "number", member->source, ferry_escape(shown,
				    sizeof(shown), field->value, field->length));
				return member;
			}
			buffer_append(out, field->value, field->length);
		} else {
			const char *text = field->value;

			if (strcmp(text, "t") == 0 || strcmp(text, "true") == 0) {
				buffer_append(out, "true", 4);
			} else if (strcmp(text, "f") == 0 ||
			    strcmp(text, "false") == 0) {
				buffer_append(out, "false", 5);
			} else {
				buffer_reset(out);
				buffer_printf(out, "%s \"%s\" is not a boolean",
				    member->source, ferry_escape(shown,
				    sizeof(shown), field->value, field->length));
				return member;
			}
		}
	}
	buffer_append_char(out, '}');
	return NULL;
}

void
json_free_members(struct json_member *members, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		free(members[i].key);
		free(members[i].source);
		free(members[i].rendered_key);
	}
	free(members);
}
