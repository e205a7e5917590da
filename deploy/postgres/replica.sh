#!/bin/sh
# The streaming replica's entrypoint (docker-compose.yml, service db-replica),
# run as the postgres user: the first time, a base backup of the primary with
# a replication slot of its own (so the primary keeps the WAL it still needs)
# and standby.signal (-R); then PostgreSQL as a hot standby.
set -eu
: "${PRIMARY_HOST:=db}"
: "${REPLICA_SLOT:=replica_1}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -q -h "$PRIMARY_HOST" -p 5432; do sleep 1; done
    PGPASSWORD="$POSTGRES_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p 5432 \
        -U "$POSTGRES_USER" -D "$PGDATA" -X stream -R -C -S "$REPLICA_SLOT" \
        --checkpoint=fast
    chmod 700 "$PGDATA"
fi
# hot_standby_feedback: the primary keeps the rows a long read on the replica
# (a streamed export, a keyset walk) still sees, so replay never cancels it.
exec postgres -c hot_standby=on -c hot_standby_feedback=on
