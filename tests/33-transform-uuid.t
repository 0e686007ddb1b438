#!/bin/bash
# --uuid: v5 UUIDs are RFC 9562's (its own example value), the default
# namespace is the documented one, the same input always gives the same
# bytes, and two independent implementations (Perl's SHA-1 and
# PostgreSQL's uuid-ossp) agree; v4 UUIDs are random and well formed.
. "$(dirname "$0")/lib.sh"

cd "$work" || exit 1
DNS=6ba7b810-9dad-11d1-80b4-00c04fd430c8
DEFAULT=253228a4-a621-5e4c-9eb6-b32ff5028a7d

# v5 NAMESPACE NAME: UUIDv5 computed by Perl's core Digest::SHA.
v5() {
	perl -MDigest::SHA=sha1 -e '
		(my $ns = $ARGV[0]) =~ s/-//g;
		my @b = unpack "C16", sha1(pack("H32", $ns) . $ARGV[1]);
		$b[6] = ($b[6] & 0x0f) | 0x50;
		$b[8] = ($b[8] & 0x3f) | 0x80;
		my $h = unpack "H32", pack "C16", @b;
		print join("-", unpack "A8 A4 A4 A4 A12", $h), "\n"' "$1" "$2"
}

is "$(v5 $DNS www.example.com)" 2ed6657d-e927-568b-95e1-2665a8aea6a2 \
	"the Perl reference gives RFC 9562's example value (A.4)"

printf 'host\nwww.example.com\n' > host.csv
is "$(ferry-transform --namespace $DNS --uuid id=v5::host < host.csv 2>/dev/null)" \
	"host,id
www.example.com,2ed6657d-e927-568b-95e1-2665a8aea6a2" \
	"RFC 9562's UUIDv5 example: DNS namespace, www.example.com (an empty SCOPE hashes the value alone)"

printf 'name\nferry.invalid\n' > ns.csv
is "$(ferry-transform --namespace $DNS --uuid id=v5::name --columns id < ns.csv 2>/dev/null | tail -1)" \
	"$DEFAULT" "the default namespace is UUIDv5(DNS namespace, \"ferry.invalid\"), as documented"

# 1,000 ids, one NULL, one empty string, odd text.
{
	echo 'id,user_id,note'
	for i in $(seq 1 1000); do echo "$i,$((i * 7)),n$i"; done
	echo ',5,null id'
	echo '"",6,empty id'
	echo '"a,b ""c"" zoë",7,odd'
} > rows.csv

ferry-transform --uuid uuid=v5:technicians:id < rows.csv > out.csv 2>/dev/null
is "$(head -1 out.csv)" "id,user_id,note,uuid" "a new column is added after the input's"
is "$(sed -n 2p out.csv)" "1,7,n1,$(v5 $DEFAULT technicians:1)" "UUIDv5(default namespace, \"technicians:1\")"
is "$(sed -n 1001p out.csv)" "1000,7000,n1000,$(v5 $DEFAULT technicians:1000)" "and for 1000"
is "$(sed -n 1002p out.csv)" ",5,null id," "a NULL source gives a NULL UUID"
is "$(sed -n 1003p out.csv)" "\"\",6,empty id,$(v5 $DEFAULT technicians:)" "the empty string is a value: \"technicians:\""
is "$(sed -n 1004p out.csv)" "\"a,b \"\"c\"\" zoë\",7,odd,$(v5 $DEFAULT 'technicians:a,b "c" zoë')" \
	"the value is hashed as it is, not as CSV quotes it"

ferry-transform --uuid uuid=v5:technicians:id < rows.csv > again.csv 2>/dev/null
same_file "the same input twice gives byte-identical output" out.csv again.csv
ferry-transform --uuid id=v5:technicians:id --copy legacy_id=id < rows.csv > replaced.csv 2>/dev/null
is "$(sed -n '1p;2p' replaced.csv)" "id,user_id,note,legacy_id
$(v5 $DEFAULT technicians:1),7,n1,1" "a column the input has is replaced in place, and options read the input's value"
ferry-transform --uuid uuid=v5:a:b:user_id --columns uuid < rows.csv 2>/dev/null | sed -n 2p > scoped.txt
is "$(cat scoped.txt)" "$(v5 $DEFAULT a:b:7)" "a SCOPE may hold colons: the source is after the last"
other=$(ferry-transform --namespace 0f0e0d0c-0b0a-4908-8706-050403020100 --uuid uuid=v5:technicians:id --columns uuid < rows.csv 2>/dev/null | sed -n 2p)
is "$other" "$(v5 0f0e0d0c-0b0a-4908-8706-050403020100 technicians:1)" "--namespace changes every UUID"

# PostgreSQL's uuid-ossp as a second, independent implementation.
fresh_db transform_uuid
if sql transform_uuid 'CREATE EXTENSION "uuid-ossp"' >/dev/null 2>&1; then
	sql transform_uuid "CREATE TABLE t (id text, user_id int, note text, uuid uuid)" >/dev/null
	head -1001 out.csv | psql -X -q -v ON_ERROR_STOP=1 -d transform_uuid -c "\\copy t FROM stdin (FORMAT csv, HEADER)"
	is "$(sql transform_uuid "SELECT count(*) FROM t WHERE uuid = uuid_generate_v5('$DEFAULT', 'technicians:' || id)")" 1000 \
		"all 1,000 agree with PostgreSQL's uuid_generate_v5"
else
	fail "PostgreSQL's uuid-ossp extension is available"
fi

# --- v4 -----------------------------------------------------------------
ferry-transform --uuid id=v4 < rows.csv > v4.csv 2>/dev/null
ferry-transform --uuid id=v4 < rows.csv > v4-again.csv 2>/dev/null
is "$(tail -n +2 v4.csv | cut -d, -f1 | grep -cE '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$')" 1003 \
	"--uuid COL=v4: every row gets a version 4, variant 10 UUID, in lower case"
is "$(tail -n +2 v4.csv v4-again.csv | grep -v '^==>' | cut -d, -f1 | grep . | sort | uniq -d | wc -l)" 0 \
	"and no two are the same, within a run or across runs"

# --- bad --uuid ---------------------------------------------------------
for spec in "x=v5:scope" "x=v5:scope:" "x=v6" "x=" "x=v5" "=v4"; do
	exits 2 "--uuid $spec: exit 2" sh -c "ferry-transform --uuid '$spec' < rows.csv"
done
like "$(cat stderr)" "expected NAME=VALUE|expected COL=v5:SCOPE:SRC or COL=v4" "the message gives the syntax"
exits 2 "--uuid from a column the input lacks: exit 2" sh -c 'ferry-transform --uuid x=v5:s:nope < rows.csv'
exits 2 "--namespace that is not a UUID: exit 2" sh -c 'ferry-transform --namespace dns < rows.csv'

done_testing
