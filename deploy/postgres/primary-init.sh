#!/bin/sh
# Run once by the postgis image when it creates the primary's cluster
# (/docker-entrypoint-initdb.d): replication connections for the replica, and
# jit off for the application's role. PgBouncer refuses the startup option the
# application otherwise sends (-c jit=off), so the role carries it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" <<SQL
ALTER ROLE "$POSTGRES_USER" SET jit = off;
SQL
echo "host replication $POSTGRES_USER all scram-sha-256" >> "$PGDATA/pg_hba.conf"
