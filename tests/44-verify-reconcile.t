#!/bin/bash
# ferry-verify reconcile: source = filtered + rejected + inserted + present
# per table, from the counts files of docs/counts-format.md.
. "$(dirname "$0")/lib.sh"

stage=$work/stage
mkdir -p "$stage"
cat >"$stage/technicians.counts" <<'COUNTS'
ferry-counts 1
# written by pipelines/migrate
table technicians
source 1000
filtered 3 deleted_at IS NOT NULL
rejected 4 transform: no key in profiles.map
rejected 1 load: duplicate key value violates unique constraint "technicians_email_key"
inserted 990
present 2
COUNTS
cat >"$stage/orders.counts" <<'COUNTS'
ferry-counts 1
table orders
source 0
filtered 0
rejected 0
inserted 0
present 0
COUNTS

exits 0 "every table reconciles: exit 0" ferry-verify reconcile "$stage"
is "$(cat "$work/stdout")" "orders: source 0 = filtered 0 + rejected 0 + inserted 0 + present 0
technicians: source 1000 = filtered 3 + rejected 5 + inserted 990 + present 2" \
	"a line per table, categories summed over their lines"

sed -i 's/^inserted 990/inserted 989/' "$stage/technicians.counts"
exits 1 "a row unaccounted for: exit 1" ferry-verify reconcile "$stage"
like "$(cat "$work/stdout")" \
	"^technicians: source 1000 != filtered 3 \\+ rejected 5 \\+ inserted 989 \\+ present 2: 1 rows unaccounted for$" \
	"naming the table and the numbers"
like "$(cat "$work/stdout")" "^orders: source 0 = " "the other tables are still shown"
like "$(cat "$work/stderr")" "1 of 2 tables do not reconcile" "a summary on stderr"

sed -i 's/^inserted 989/inserted 995/' "$stage/technicians.counts"
exits 1 "more rows than the source: exit 1" ferry-verify reconcile "$stage"
like "$(cat "$work/stdout")" "technicians: .*: 5 rows more than the source" "said"

# Malformed counts files: exit 3 with the file and line.
malformed() {	# NAME CONTENT PATTERN
	printf "$2" >"$stage/bad.counts"
	exits 3 "$1: exit 3" ferry-verify reconcile "$stage"
	like "$(cat "$work/stderr")" "$3" "$1: the message"
	rm "$stage/bad.counts"
}
sed -i 's/^inserted 995/inserted 990/' "$stage/technicians.counts"
malformed "no format line" 'table x\nsource 1\n' 'bad.counts:1: not a ferry counts file'
malformed "a later format" 'ferry-counts 2\n' 'bad.counts:1: counts format 2: this ferry reads format 1'
malformed "a count that is not a number" 'ferry-counts 1\ntable x\nsource -1\n' 'bad.counts:3: not a count'
malformed "an unknown keyword" 'ferry-counts 1\ntable x\nskipped 1\n' 'bad.counts:3: unknown keyword "skipped"'
malformed "a missing category" 'ferry-counts 1\ntable x\nsource 1\nfiltered 0\nrejected 0\ninserted 1\n' \
	'bad.counts:6: no present line'
malformed "two source lines" 'ferry-counts 1\ntable x\nsource 1\nsource 1\n' 'bad.counts:4: a second source line'
malformed "no table line" 'ferry-counts 1\nsource 1\nfiltered 0\nrejected 0\ninserted 1\npresent 0\n' \
	'bad.counts:6: no table line'
malformed "a table counted twice" 'ferry-counts 1\ntable orders\nsource 0\nfiltered 0\nrejected 0\ninserted 0\npresent 0\n' \
	'orders.counts: table orders is counted in .*bad.counts too'

exits 3 "no counts files: exit 3" ferry-verify reconcile "$work"
exits 5 "no directory: exit 5" ferry-verify reconcile "$work/nope"
exits 2 "no DIR: usage" ferry-verify reconcile

done_testing
