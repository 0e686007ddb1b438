# tests/lib.sh: sourced by every tests/*.t.  TAP output for prove, named
# expectations in the style of git's t/, and helpers for the private
# PostgreSQL that tests/run started (PGHOST, PGPORT, PGUSER are set).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
fixtures=$top/tests/fixtures
export PGOPTIONS="-c client_min_messages=warning"
test_number=0
test_failures=0
# A scratch folder for this test file, removed on exit.
work=$(mktemp -d "${FERRY_TMP:-/tmp}/t.XXXXXX")
chmod 0755 "$work"
trap 'rm -rf "$work"' EXIT

# pass NAME / fail NAME [DIAGNOSTIC...]
pass() { test_number=$((test_number + 1)); echo "ok $test_number - $1"; }
fail() {
	test_number=$((test_number + 1))
	test_failures=$((test_failures + 1))
	echo "not ok $test_number - $1"
	shift
	local line
	for line in "$@"; do printf '%s\n' "$line" | sed 's/^/#   /'; done
}

# ok NAME COMMAND...: passes when COMMAND exits 0.
ok() {
	local name=$1
	shift
	if "$@" >"$work/.out" 2>&1; then pass "$name"
	else fail "$name" "command failed: $*" "$(tail -20 "$work/.out")"; fi
}

# is GOT EXPECTED NAME
is() {
	if [ "$1" = "$2" ]; then pass "$3"
	else fail "$3" "got:      $(printf '%s' "$1" | head -c 2000)" \
		"expected: $(printf '%s' "$2" | head -c 2000)"; fi
}

# like GOT PATTERN NAME: GOT matches the grep -E pattern.
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then pass "$3"
	else fail "$3" "got:      $(printf '%s' "$1" | head -c 2000)" \
		"expected to match: $2"; fi
}

# unlike GOT PATTERN NAME
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		fail "$3" "got:      $(printf '%s' "$1" | head -c 2000)" \
			"expected not to match: $2"
	else pass "$3"; fi
}

# exits STATUS NAME COMMAND...: COMMAND exits with STATUS; its stderr is
# left in $work/stderr and its stdout in $work/stdout.
exits() {
	local expected=$1 name=$2 status
	shift 2
	"$@" >"$work/stdout" 2>"$work/stderr"
	status=$?
	if [ "$status" -eq "$expected" ]; then pass "$name"
	else fail "$name" "exit status $status, expected $expected: $*" \
		"$(head -c 2000 "$work/stderr")"; fi
}

# same_file NAME EXPECTED ACTUAL: byte for byte.
same_file() {
	if cmp -s "$2" "$3"; then pass "$1"
	else fail "$1" "$(diff "$2" "$3" | head -20)"; fi
}

done_testing() {
	echo "1..$test_number"
	[ "$test_failures" -eq 0 ]
}

# --- the private PostgreSQL -------------------------------------------

# fresh_db NAME: an empty database NAME (dropped first if it exists).
fresh_db() {
	dropdb --if-exists "$1" >/dev/null 2>&1
	createdb "$1"
}

# sql DB QUERY: the query's result, unaligned, tuples only.
sql() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# sql_file DB FILE
sql_file() {
	psql -X -q -At -v ON_ERROR_STOP=1 -d "$1" -f "$2" >/dev/null
}

# --- migrations --------------------------------------------------------

# migration_databases NAME SCALE: NAME_legacy filled by gen-legacy at
# SCALE, NAME_target holding the target schema; sets legacy and target to
# their names and points FERRY_SOURCE, FERRY_TARGET and FERRY_STAGE
# ($work/stage) at them.
migration_databases() {
	legacy=$1_legacy
	target=$1_target
	fresh_db "$legacy"
	fresh_db "$target"
	ok "gen-legacy --scale $2" gen-legacy -d "dbname=$legacy" --create --scale "$2"
	ok "the target schema" psql -X -q -1 -v ON_ERROR_STOP=1 -d "$target" \
		-f "$top/pipelines/schema/target.sql"
	export FERRY_SOURCE="dbname=$legacy" FERRY_TARGET="dbname=$target" \
		FERRY_STAGE=$work/stage
}

# run_counts RUN TABLE: "source filtered rejected inserted present" of a
# run's RUN/TABLE.counts (the filtered and rejected lines summed).
run_counts() {
	awk '$1 == "source" { s = $2 } $1 == "filtered" { f += $2 } $1 == "rejected" { r += $2 }
	     $1 == "inserted" { i += $2 } $1 == "present" { p += $2 }
	     END { print s + 0, f + 0, r + 0, i + 0, p + 0 }' "$1/$2.counts"
}

# expected_counts TABLE: "source filtered rejected inserted" of TABLE as
# the generator declared them in ferry_expected of the database $legacy.
expected_counts() {
	sql "$legacy" "SELECT concat_ws(' ', source, filtered, rejected, inserted)
		FROM ferry_expected WHERE target_table = '$1'"
}

# run_of TABLE RUNS...: the run (of those given) that counted TABLE.
run_of() {
	local t=$1 r
	shift
	for r in "$@"; do [ -e "$r/$t.counts" ] && { echo "$r"; return; }; done
}

# counts_mismatches first|again RUNS TABLE...: the tables whose counts,
# in the run of RUNS that counted each, differ from ferry_expected's, one
# "TABLE: got, expected ...;" each; empty when all agree.  A first run
# inserts what ferry_expected says and finds nothing present; a run
# again inserts nothing and finds those rows present.
counts_mismatches() {
	local when=$1 runs=$2 table run source filtered rejected inserted want got bad=
	shift 2
	for table in "$@"; do
		run=$(run_of "$table" $runs)
		read -r source filtered rejected inserted <<<"$(expected_counts "$table")"
		if [ "$when" = first ]; then want="$source $filtered $rejected $inserted 0"
		else want="$source $filtered $rejected 0 $inserted"; fi
		got=$(run_counts "$run" "$table" 2>&1)
		[ "$got" = "$want" ] || bad="$bad $table: $got, expected $want;"
	done
	echo "$bad"
}

# The runner's plan (PLAN in pipelines/migrate): every table, in
# dependency order, one a line.
plan_tables() {
	sed -n '/^PLAN=(/,/^)/p' "$top/pipelines/migrate" | sed '1d;$d' |
		tr -s ' \t' '\n' | grep .
}
