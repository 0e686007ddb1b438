#!/bin/bash
# pipelines/migrate killed (SIGKILL of its whole process group) in the
# middle of the files table, after ferry-load has committed a batch of it,
# then run again: the run resumes at files, completes, doubles nothing and
# verifies.  Scale 0.1, not 0.01: files then has 32,778 rows, more than one
# load batch (20,000), so the kill lands with part of the table committed.
# To land there every time, a session holds an uncommitted files row with
# the legacy key of the last file: the load of the batch holding that file
# waits for it (ON CONFLICT waits for the other transaction), and the kill
# comes while it waits.
. "$(dirname "$0")/lib.sh"

migration_databases kill_migrate 0.1
plan=$(plan_tables)
tables=$plan

# The blocker: an open transaction holding the last file's legacy key.
last_file=$(sql $legacy "SELECT max(id) FROM dispatch_file")
mkfifo "$work/blocker"
psql -X -q -v ON_ERROR_STOP=1 -d $target <"$work/blocker" >"$work/blocker.out" 2>&1 &
blocker=$!
exec 7>"$work/blocker"
echo "BEGIN; INSERT INTO files (file_uid, filename, extension, file_type, mime_type, status,
	legacy_file_id) VALUES ('blocker', 'blocker', '', 0, 'x', 0, $last_file);" >&7
for _ in $(seq 1 100); do
	[ "$(sql $target "SELECT count(*) FROM pg_stat_activity WHERE datname = '$target'
		AND state = 'idle in transaction'")" = 1 ] && break
	sleep 0.1
done

# The runner in a process group of its own, killed once the load of files
# has committed rows and waits.
set -m
pipelines/migrate >"$work/run1.out" 2>"$work/run1.err" &
runner=$!
set +m
waiting=
for _ in $(seq 1 1200); do
	kill -0 $runner 2>/dev/null || break
	waiting=$(sql $target "SELECT (SELECT count(*) FROM files) || ' '
		|| (SELECT count(*) FROM pg_stat_activity WHERE datname = '$target'
		    AND wait_event_type = 'Lock')")
	case $waiting in 0\ *|*\ 0) ;; *) break ;; esac
	sleep 0.1
done
exec 3>&2 2>/dev/null	# not the shell's notice of the killed job
kill -KILL -- -$runner
wait $runner
exec 2>&3 3>&-
committed=${waiting% *}
like "$waiting" '^[1-9][0-9]* [1-9]' "the load of files committed a batch, then waited: killed there"
# The server ends the killed load's session (its client is gone) before the
# blocker lets go, as it would when its connection dropped.
sql $target "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	WHERE datname = '$target' AND wait_event_type = 'Lock'" >/dev/null
echo "ROLLBACK;" >&7
exec 7>&-
wait $blocker
is "$(sql $target "SELECT count(*) FROM files")" "$committed" "after the kill: the committed batch of files"
run=$(cd "$FERRY_STAGE/current" && pwd -P)
ok "the run is unfinished, files not done" test ! -e "$run/.state/finished" -a ! -e "$run/.state/files.done"
is "$(sql $target "SELECT count(*) FROM messages")" 0 "the tables after files did not start"

# The next run resumes at files and completes.
exits 0 "run again: exit 0" pipelines/migrate
like "$(cat "$work/stderr")" "migrate: resuming " "it resumes the killed run"
bad=
for t in $tables; do
	key=$(sed -n 's/^# key: *//p' "$top/pipelines/tables/$t")
	inserted=$(expected_counts "$t" | cut -d' ' -f4)
	got=$(sql $target "SELECT count(*) || ' ' || count(DISTINCT ($key)) FROM $t")
	[ "$got" = "$inserted $inserted" ] || bad="$bad $t: $got, expected $inserted;"
done
is "$bad" "" "every table complete (ferry_expected), nothing doubled (by the legacy key)"
read -r source filtered rejected inserted <<<"$(expected_counts files)"
is "$(awk '$1 == "inserted" || $1 == "present" { printf "%s %s ", $1, $2 }' "$run/files.counts")" \
	"inserted $((inserted - committed)) present $committed " \
	"files: the rest inserted, the committed batch present"
ok "files: the staged file matches the table" ferry-verify table -d "$FERRY_TARGET" -t files \
	--key legacy_file_id --rejects "$run/files.load-rejects.csv" "$run/files.csv"
ok "every table of the run reconciles" ferry-verify reconcile "$run"
like "$(cat "$run/report.md")" "every table reconciles; no orphans" "the report says so"

done_testing
