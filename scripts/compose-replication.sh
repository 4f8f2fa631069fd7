#!/bin/sh
# Run once by the postgres image when it creates the primary's data (docker-entrypoint-initdb.d):
# let the standby of the `scale` profile stream from it (docker-compose.yml, docs/scaling.md).
set -e
echo "host replication ${POSTGRES_USER:-booker} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
