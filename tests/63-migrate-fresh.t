#!/bin/bash
# The fast path, pipelines/migrate --fresh, into an empty database at scale
# 0.01: the same counts as ferry_expected and the same rows, keys and
# foreign keys as the ordinary run; a table that fails leaves its table
# empty and the resumed run finishes; pipelines/foreign-keys names the
# rows that violate a foreign key and adds none of them.
. "$(dirname "$0")/lib.sh"

migration_databases fast 0.01
fresh_db fast_empty		# no schema: the fast path creates it
plan=$(plan_tables)
# The target's constraints, one a line: table, kind, definition.
constraints() {
	sql "$1" "SELECT conrelid::regclass || ' ' || contype::text || ' ' || pg_get_constraintdef(oid)
		FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1"
}

# --- a table that fails stops the run ---------------------------------------
# ferry-load through a FERRY_BIN wrapper: FAIL=kill SIGKILLs the load of
# messages half-way (no clean-up of its own); FAIL=after lets it commit,
# then fails the pipeline (as a failing tee or transform would).
mkdir -p "$work/bin"
for program in "$top"/bin/ferry-*; do ln -s "$program" "$work/bin/"; done
rm "$work/bin/ferry-load"
cat > "$work/bin/ferry-load" <<WRAP
#!/bin/bash
case "\$FAIL: \$* " in
kill:*" -t messages "*)
	(head -c 200000; sleep 4) | timeout -s KILL 2 "$top/bin/ferry-load" "\$@" --batch-rows 50
	exit 1 ;;
after:*" -t messages "*) "$top/bin/ferry-load" "\$@"; exit 1 ;;
*) exec "$top/bin/ferry-load" "\$@" ;;
esac
WRAP
chmod +x "$work/bin/ferry-load"
FAIL=kill FERRY_BIN=$work/bin exits 1 "--fresh: a table whose load is killed stops the run" \
	env FERRY_TARGET=dbname=fast_empty pipelines/migrate --fresh -j 2
like "$(cat "$work/stderr")" "messages failed" "the failed table is named"
is "$(sql fast_empty "SELECT count(*) FROM messages")" 0 \
	"its table is empty: its one transaction rolled back"
is "$(sql fast_empty "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")" 0 \
	"no foreign key yet: they come after every table"
is "$(sql fast_empty "SELECT string_agg(indexdef, '; ' ORDER BY indexname) FROM pg_indexes
	WHERE tablename = 'messages'")" \
	"CREATE UNIQUE INDEX messages_legacy_record_id_key ON public.messages USING btree (legacy_record_id); CREATE UNIQUE INDEX messages_pkey ON public.messages USING btree (id)" \
	"the failed table keeps its primary key and unique key"

FAIL=after FERRY_BIN=$work/bin exits 1 "a pipeline that fails after its load committed stops the run" \
	env FERRY_TARGET=dbname=fast_empty pipelines/migrate --fresh -j 2
like "$(cat "$work/stderr")" "resuming" "it resumed the run"
is "$(sql fast_empty "SELECT count(*) FROM messages")" "$(expected_counts messages | cut -d' ' -f4)" \
	"the load committed every row before the pipeline failed"

exits 0 "the resumed --fresh run finishes" \
	env FERRY_TARGET=dbname=fast_empty pipelines/migrate -j 2
like "$(cat "$work/stderr")" "resuming" "it resumed the run (a --fresh run, without saying --fresh)"
run=$(readlink -f "$FERRY_STAGE/current")
is "$(counts_mismatches first "$run" $plan)" "" "every table's counts equal ferry_expected ($(echo $plan | wc -w) tables)"
grep -q 'every table reconciles; no orphans' "$run/report.md"
ok "the report: every table reconciles, no orphans" test $? = 0
like "$(cat "$run/foreign-keys.log")" "54 foreign keys added" "the foreign keys were added after the tables"

# --- the same target as the ordinary path ----------------------------------
exits 0 "the ordinary migration of the same source" pipelines/migrate --stage "$work/ordinary"
same_constraints=$(diff <(constraints "$target") <(constraints fast_empty))
is "$same_constraints" "" "the same keys and foreign keys as the ordinary path's target"
bad=
for t in $plan; do
	a=$(ferry-verify digest <(ferry-extract -d "dbname=$target" -t "$t" 2>/dev/null))
	b=$(ferry-verify digest <(ferry-extract -d dbname=fast_empty -t "$t" 2>/dev/null))
	[ "$a" = "$b" ] || bad="$bad $t"
done
is "$bad" "" "every table holds the same rows, value for value (digests)"

exits 1 "--fresh into a database that has the tables: refused" \
	env FERRY_TARGET=dbname=fast_empty pipelines/migrate --fresh --new
like "$(cat "$work/stderr")" "needs an empty target database; it has tables already: teams" \
	"the message names the tables"
exits 0 "an ordinary re-run over the fast path's target" \
	env FERRY_TARGET=dbname=fast_empty pipelines/migrate --new
run=$(readlink -f "$FERRY_STAGE/current")
is "$(awk '$1 == "inserted" { i += $2 } END { print i + 0 }' "$run"/*.counts)" 0 \
	"it inserts nothing: the keys the skip mode needs are there"
exits 2 "--fresh with --only: refused" pipelines/migrate --fresh --only teams

# --- foreign keys that the rows violate ------------------------------------
fresh_db fk_target
sed '/^-- ferry: foreign keys$/,$d' "$top/pipelines/schema/target.sql" |
	psql -X -q -1 -v ON_ERROR_STOP=1 -d fk_target -f - >/dev/null
ferry-extract -d "dbname=fast_empty" -t profiles > "$work/profiles.csv"
ferry-extract -d "dbname=fast_empty" -q "SELECT * FROM messages ORDER BY legacy_record_id LIMIT 20" \
	> "$work/messages.csv"
ok "profiles loaded" ferry-load -d dbname=fk_target -t profiles "$work/profiles.csv"
ok "messages loaded without their foreign keys" ferry-load -d dbname=fk_target -t messages \
	--mode copy "$work/messages.csv"
orphan_key=$(sql fk_target "SELECT legacy_record_id FROM messages WHERE sender_id IS NOT NULL
	ORDER BY legacy_record_id LIMIT 1")
sql fk_target "DELETE FROM profiles WHERE id = (SELECT sender_id FROM messages
	WHERE legacy_record_id = $orphan_key)" >/dev/null
exits 1 "pipelines/foreign-keys: a violated foreign key fails" \
	env FERRY_TARGET=dbname=fk_target pipelines/foreign-keys
like "$(cat "$work/stderr")" "messages.sender_id -> profiles: [0-9]+ rows without their parent" \
	"it names the foreign key and counts the orphans"
like "$(cat "$work/stderr")" "messages \\(legacy_record_id\\)=\\($orphan_key\\) sender_id=" \
	"it names the orphan row by its legacy key"
like "$(cat "$work/stderr")" "messages.recipient_patient_id -> patients" \
	"every violated foreign key is named (patients is empty here)"
is "$(sql fk_target "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")" 0 \
	"none of the foreign keys was added: one transaction"

done_testing
