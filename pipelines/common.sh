# pipelines/common.sh: sourced by every pipelines/tables/TABLE script.
#
# A table script is one readable chain,
#
#     ferry-extract | tee TABLE.src.csv | ferry-transform | tee TABLE.csv |
#         ferry-load
#
# between a few declarations (its source count, its filter rules) and
# `finish`, which builds the table's key map from what was really loaded,
# verifies the staged file against the table and writes TABLE.counts.
# The runner (pipelines/migrate) sets FERRY_SOURCE, FERRY_TARGET (libpq
# conninfo strings) and STAGE (this run's stage directory); a script can
# also be run by hand with the three set.  Staged files hold patient data:
# everything is written under umask 077, and a failed stage fails the table
# (pipefail).
set -euo pipefail
umask 077

: "${FERRY_SOURCE:?FERRY_SOURCE must name the legacy database (a libpq conninfo)}"
: "${FERRY_TARGET:?FERRY_TARGET must name the target database (a libpq conninfo)}"
: "${STAGE:?STAGE must name the stage directory of the run}"

TABLE=$(basename "$0")		# a script is named after its target table
MAPS=${MAPS:-$STAGE/maps}	# the .map files tables build for later ones
VALUES=$(cd "$(dirname "$0")/../values" && pwd)	# code -> value CSV files
mkdir -p "$MAPS"
# pipelines/migrate --fresh: a table's own load is ferry-load --fresh (an
# empty table loaded in one transaction, its indexes built after its rows);
# a part that adds to a table loaded before (technicians' profiles) is not.
FRESH=
if [ "${FERRY_LOAD_FRESH:-0}" = 1 ]; then FRESH=--fresh; fi

# A script may load another table first, as a part of its own (technicians
# completes profiles): in a subshell, TABLE names the part (its staged
# files, its counts file and the table line in it, technicians.profiles)
# and LOAD_TABLE the table it loads (profiles), whose map finish rebuilds.

# The first column of the first row of a query, run on the source or the
# target (ferry-extract prints a header line first).
source_value() { ferry-extract -d "$FERRY_SOURCE" -q "$1" | sed -n 2p; }
target_value() { ferry-extract -d "$FERRY_TARGET" -q "$1" | sed -n 2p; }

# source_rows SQL: the table's source, counted on its own (not through the
# pipeline's query).  With FERRY_ACTION=count (pipelines/migrate --check)
# the script prints this count and stops.
source_rows() {
	local count
	count=$(source_value "$1")
	if [ "${FERRY_ACTION:-run}" = count ]; then
		echo "$count"
		exit 0
	fi
	counts_part=$STAGE/$TABLE.counts.part
	{
		echo "ferry-counts 1"
		echo "# $TABLE, pipelines/migrate $(date -u +%Y-%m-%dT%H:%M:%SZ)"
		echo "table $TABLE"
		echo "source $count"
	} > "$counts_part"
}

# filtered RULE SQL: rows the extract leaves out by a documented rule
# (docs/mapping.md), counted by their own query.
filtered() {
	echo "filtered $(source_value "$2") $1" >> "$counts_part"
}

# needs MAP...: the key maps this table resolves through; a missing one
# stops the table before anything is extracted (not a count: --check
# counts the sources before any map is built).
needs() {
	local map
	[ "${FERRY_ACTION:-run}" = run ] || return 0
	for map in "$@"; do
		if [ ! -s "$MAPS/$map.map" ]; then
			echo "$TABLE: no key map $MAPS/$map.map: run the $map table first" >&2
			exit 1
		fi
	done
}

# build_map NAME KEY [TABLE [WHERE]]: NAME.map of KEY -> id, from what the
# target really holds (the key map is the check that a parent exists).
build_map() {
	"$(dirname "$0")/../map-from-target" "$MAPS/$1.map" "${3:-$TABLE}" "$2" "${4:-true}"
}

# json_number FILE FIELD: a number out of a one-line JSON summary.
json_number() {
	sed -n "s/.*\"$2\": \\([0-9][0-9]*\\).*/\\1/p" "$1"
}

# finish KEY: after the chain.  Verifies the staged file against the
# table (the load's rejects left out; VERIFY_OPTIONS=--subset where other
# rows may be there too), builds TABLE.map (LOAD_TABLE's, for a part)
# unless told otherwise (FINISH_MAP=no), and completes TABLE.counts.
finish() {
	local key=$1 summary=$STAGE/$TABLE.load.json loaded=${LOAD_TABLE:-$TABLE}
	# shellcheck disable=SC2086
	ferry-verify table -d "$FERRY_TARGET" -t "$loaded" --key "$key" ${VERIFY_OPTIONS:-} \
		--rejects "$STAGE/$TABLE.load-rejects.csv" "$STAGE/$TABLE.csv" \
		> "$STAGE/$TABLE.verify"
	if [ "${FINISH_MAP:-yes}" = yes ]; then
		build_map "$loaded" "$key" "$loaded"
	fi
	{
		grep -q '^filtered ' "$counts_part" || echo "filtered 0"
		transform_rejects
		load_rejects
		echo "inserted $(json_number "$summary" inserted)"
		echo "present $(json_number "$summary" skipped)"
	} >> "$counts_part"
	mv "$counts_part" "$STAGE/$TABLE.counts"
}

# The load's rejects by reason ("unique violation (t_code_key)"), from
# rejected_by_reason in its --summary file.
load_rejects() {
	sed -n 's/.*"rejected_by_reason": {\(.*\)}}$/\1/p' "$STAGE/$TABLE.load.json" |
		awk '{
			while (match($0, /"([^"\\]|\\.)*": [0-9]+/)) {
				item = substr($0, RSTART, RLENGTH)
				$0 = substr($0, RSTART + RLENGTH)
				count = item; sub(/.*": /, "", count)
				kind = item; sub(/": [0-9]+$/, "", kind); sub(/^"/, "", kind)
				printf "rejected %s load: %s\n", count, kind
			}
		}'
	echo "rejected 0 load"
}

# The transform's rejects by reason, from the summary it ends its stderr
# (TABLE.transform.log) with: "ferry-transform: rejected N: column C: ...";
# optional references set NULL become comments.
transform_rejects() {
	local log=$STAGE/$TABLE.transform.log
	grep -q '^ferry-transform: stdin: read ' "$log" || {
		echo "$TABLE: ferry-transform left no summary in $log" >&2
		exit 1
	}
	sed -n 's/^ferry-transform: rejected \([0-9][0-9]*\): /rejected \1 transform: /p
		s/^ferry-transform: set NULL \([0-9][0-9]*\): /# set NULL \1: /p' "$log"
	echo "rejected 0 transform"
}
