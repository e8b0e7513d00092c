#!/bin/sh
# Prestart: migrate the database, then run the requested role.
set -e
receptionist migrate
case "${1:-web}" in
  web)    exec receptionist serve --host 0.0.0.0 --port "${PORT:-8000}" ;;
  web-only) exec receptionist serve --no-jobs --host 0.0.0.0 --port "${PORT:-8000}" ;;
  worker) exec receptionist worker ;;
  *)      exec "$@" ;;
esac
