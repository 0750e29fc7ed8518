#!/bin/sh
# The compose file's PostgreSQL runs this once, on an empty data volume (/docker-entrypoint-initdb.d):
# the application gets a role of its own that owns its database and nothing else. The superuser
# (POSTGRES_USER, default postgres) stays with the database administrator.
set -eu
psql -v ON_ERROR_STOP=1 -v app_password="$APP_DB_PASSWORD" --username "$POSTGRES_USER" --dbname postgres <<'SQL'
CREATE ROLE auditcaseos LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
CREATE DATABASE auditcaseos OWNER auditcaseos;
SQL
