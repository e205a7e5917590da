#!/bin/sh
# Run once by the postgis image when it creates the primary's cluster
# (/docker-entrypoint-initdb.d): replication connections for the replica, and
# the application's connection settings on its role (jit off, no parallel
# workers but where a statement asks: tracker/settings.py
# CONNECTION_SETTINGS). PgBouncer refuses the startup options the application
# otherwise sends (-c jit=off ...), so the role carries them.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
ALTER ROLE "$POSTGRES_USER" SET jit = off;
ALTER ROLE "$POSTGRES_USER" SET max_parallel_workers_per_gather = 0;
SQL
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
