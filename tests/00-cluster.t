#!/bin/bash
# The private PostgreSQL that tests/run started: reachable on its Unix
# socket only, UTF-8, and the password role really authenticates.
. "$(dirname "$0")/lib.sh"

is "$(sql postgres 'select 1')" 1 "the private cluster answers on its socket"
is "$(sql postgres 'show listen_addresses')" "" "it listens on no TCP address"
like "$PGHOST" "^/" "PGHOST is a socket folder"
is "$(sql postgres 'show server_encoding')" UTF8 "the cluster is UTF-8"
like "$(sql postgres 'show server_version_num')" '^15' "the server is PostgreSQL 15"
is "$(head -1 "$(psql -XAtc 'show hba_file' postgres)")" \
	"local all ferry_password scram-sha-256" "a password role must authenticate"
done_testing
