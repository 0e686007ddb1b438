#!/bin/bash
# Connections: a wrong host, a wrong password and a missing table are exit
# 4 with a clear message and no password anywhere; --range pieces give
# exactly the table; --snapshot sees the state of its snapshot.
. "$(dirname "$0")/lib.sh"

fresh_db conn_db
printf 'id\n1\n' > "$work/one.csv"
secret='s3cret-Passw0rd'
sql conn_db "DROP ROLE IF EXISTS ferry_password;
	CREATE ROLE ferry_password LOGIN PASSWORD '$secret';
	CREATE TABLE items (id int PRIMARY KEY, v text);
	INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1000) g;
	GRANT SELECT ON items TO ferry_password" >/dev/null

exits 4 "a wrong host: exit 4" ferry-extract -d "host=/nonexistent/socket dbname=conn_db" -t items
like "$(cat "$work/stderr")" '^ferry-extract: cannot connect: .*/nonexistent/socket' "the message names the host"

exits 4 "a wrong password: exit 4" ferry-extract -d "dbname=conn_db user=ferry_password password=wrong-$secret" -t items
like "$(cat "$work/stderr")" 'password authentication failed for user "ferry_password"' "the message says authentication failed"
unlike "$(cat "$work/stdout" "$work/stderr")" "$secret" "no password in any output"

exits 4 "a wrong password from the environment: exit 4" env PGPASSWORD="wrong-$secret" ferry-load -d "dbname=conn_db user=ferry_password" -t items "$work/one.csv"
unlike "$(cat "$work/stdout" "$work/stderr")" "$secret" "no password in any output (environment)"

exits 0 "the right password connects" env PGPASSWORD="$secret" ferry-extract -d "dbname=conn_db user=ferry_password" -t items
is "$(wc -l < "$work/stdout")" 1001 "and extracts the table"

exits 4 "a missing table (extract): exit 4" ferry-extract -d dbname=conn_db -t nosuch
like "$(cat "$work/stderr")" '^ferry-extract: no table nosuch$' "the message names the table"

exits 4 "a missing table (load): exit 4" ferry-load -d dbname=conn_db -t nosuch "$work/one.csv"
like "$(cat "$work/stderr")" '^ferry-load: no table nosuch$' "the message names the table"
exits 4 "a bad query: exit 4" ferry-extract -d dbname=conn_db -q 'SELECT nosuch FROM items'
like "$(cat "$work/stderr")" 'column "nosuch" does not exist' "the server's message is passed on"
exits 4 "a missing database: exit 4" ferry-extract -d dbname=no_such_db -t items
like "$(cat "$work/stderr")" 'database "no_such_db" does not exist' "the message names the database"

# A URI and the libpq environment work as conninfo.
exits 0 "a URI conninfo" ferry-extract -d "postgresql:///conn_db?host=$PGHOST&port=$PGPORT" -q 'SELECT count(*) FROM items'
is "$(tail -1 "$work/stdout")" 1000 "the URI reached the database"
exits 0 "no -d: libpq's environment" env PGDATABASE=conn_db ferry-extract -q 'SELECT 42 AS answer'
is "$(cat "$work/stdout" | tr '\n' ' ')" "answer 42 " "PGDATABASE applied"

# --range: adjacent pieces never overlap and together are the table.
ferry-extract -d dbname=conn_db -t items > "$work/whole.csv"
{
	ferry-extract -d dbname=conn_db -t items --range id::300
	ferry-extract -d dbname=conn_db -t items --range id:300:700 | tail -n +2
	ferry-extract -d dbname=conn_db -t items --range id:700: | tail -n +2
} > "$work/pieces.csv"
same_file "--range pieces put together are the table, in order" "$work/whole.csv" "$work/pieces.csv"
is "$(ferry-extract -d dbname=conn_db -t items --range id:300:700 | tail -n +2 | wc -l)" 400 "--range LO:HI takes LO <= id < HI"
sql conn_db "CREATE TABLE items_copy (LIKE items INCLUDING ALL)" >/dev/null
for piece in :300 300:700 700:; do
	ferry-extract -d dbname=conn_db -t items --range "id:$piece" | ferry-load -d dbname=conn_db -t items_copy 2>/dev/null
done
is "$(sql conn_db "SELECT count(*) FROM (TABLE items EXCEPT TABLE items_copy) a") $(sql conn_db "SELECT count(*) FROM items_copy")" \
	"0 1000" "pieces loaded one by one give exactly the table"

# --snapshot: a snapshot exported by another session; rows committed after
# it are absent.
coproc holder { psql -X -q -At -d conn_db 2>&1; }
echo "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT pg_export_snapshot();" >&"${holder[1]}"
read -r -t 10 snapshot <&"${holder[0]}"
like "$snapshot" '^[0-9A-F]+-[0-9A-F]+-[0-9]+$' "another session exported a snapshot"
sql conn_db "INSERT INTO items SELECT g, 'late ' || g FROM generate_series(1001, 1010) g; DELETE FROM items WHERE id = 1" >/dev/null
is "$(ferry-extract -d dbname=conn_db -t items --snapshot "$snapshot" | tail -n +2 | wc -l)" 1000 \
	"--snapshot does not see rows committed after it"
is "$(ferry-extract -d dbname=conn_db -t items --snapshot "$snapshot" | sed -n 2p)" "1,item 1" \
	"--snapshot still sees a row deleted after it"
is "$(ferry-extract -d dbname=conn_db -t items | tail -n +2 | wc -l)" 1009 "without it, the extract sees them"
echo "COMMIT;" >&"${holder[1]}"
exec {holder[1]}>&-
wait "$holder_PID" 2>/dev/null
exits 4 "a snapshot that no longer exists: exit 4" ferry-extract -d dbname=conn_db -t items --snapshot "$snapshot"
like "$(cat "$work/stderr")" 'invalid snapshot identifier' "the message says so"

done_testing
