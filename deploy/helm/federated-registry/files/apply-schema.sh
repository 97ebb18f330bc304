#!/bin/sh
# Applies the node's PostgreSQL schema (the NNNN_name.sql scripts of src/FederatedRegistry.Storage/Sql/postgres, which
# the chart packages through the symlink files/sql) the way the node's SchemaMigrator does at start
# (src/FederatedRegistry.Storage/SchemaMigrator.cs): under the same advisory lock, each script that
# fedreg_schema_migrations does not record yet runs in one transaction together with its record. A node that starts
# afterwards finds every script recorded and applies nothing; a script a node applied first is skipped here. So the
# two can run in any order, or at the same time.
#
# Connection: the libpq environment (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE, PGSSLROOTCERT).
# SQL_DIR: the directory that holds the scripts (default: this script's directory). Needs psql 10 or newer (\if).
set -eu

sql_dir="${SQL_DIR:-$(dirname "$0")}"

# SchemaMigrator's advisory lock key (0x666564726567, "fedreg") and bookkeeping table, whose DDL is repeated below;
# tests/FederatedRegistry.Deploy.Tests checks that they agree with the migrator and that both give the same schema.
lock_key=112585662948711
table=fedreg_schema_migrations

set -- "$sql_dir"/[0-9][0-9][0-9][0-9]_*.sql
if [ ! -e "$1" ]; then
  echo "apply-schema: no NNNN_name.sql scripts in $sql_dir" >&2
  exit 1
fi

driver="$(mktemp "${TMPDIR:-/tmp}/apply-schema.XXXXXX")"
trap 'rm -f "$driver"' EXIT

{
  # Query results (the lock calls) are of no interest; \echo still reaches the log.
  echo '\o /dev/null'
  echo "SELECT pg_advisory_lock($lock_key);"
  echo "CREATE TABLE IF NOT EXISTS $table (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());"
  for file in "$@"; do
    base="$(basename "$file" .sql)"
    version="$(echo "$base" | cut -c1-4 | sed 's/^0*//')"
    name="${base#????_}"
    # The migrator's file name rule: four digits, '_', then lower-case letters, digits and '_'.
    case "$name" in
      '' | *[!a-z0-9_]*)
        echo "apply-schema: $file must be named NNNN_name.sql (name: a-z, 0-9 and _)" >&2
        exit 1
        ;;
    esac
    if [ -z "$version" ]; then
      echo "apply-schema: $file has version 0000; versions start at 0001" >&2
      exit 1
    fi
    cat <<EOF
BEGIN;
SELECT NOT EXISTS (SELECT 1 FROM $table WHERE version = $version) AS pending \gset
\if :pending
\echo 'applying $base'
\i '$file'
INSERT INTO $table (version, name) VALUES ($version, '$name');
\else
\echo '$base is already applied'
\endif
COMMIT;
EOF
  done
  echo "SELECT pg_advisory_unlock($lock_key);"
} > "$driver"

# ON_ERROR_STOP: the first failing statement ends psql (exit 3) with its transaction rolled back and the lock released.
psql -X -q -v ON_ERROR_STOP=1 -f "$driver"
echo "apply-schema: the schema is current"
