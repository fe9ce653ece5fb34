#!/usr/bin/env bash
# The whole check, as CI runs it: lint, types, seed overlap, then every test against SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

$BIN/ruff check --no-cache bot dialogs tests bench
$BIN/mypy

shared=../shared
if [ -f "$shared/tools/seed_overlap.py" ]; then
  overlap=$(python3 "$shared/tools/seed_overlap.py" content dialogs bot || true)
  if [ -n "$overlap" ]; then
    echo "Text copied from the seed articles:"; echo "$overlap"; exit 1
  fi
fi

# A throwaway PostgreSQL on loopback, so the store contract runs against both backends.
if [ -z "${REKINDLE_TEST_PG_DSN:-}" ]; then
  scripts/pg.sh start >/dev/null
  trap 'scripts/pg.sh stop >/dev/null 2>&1 || true' EXIT
  REKINDLE_TEST_PG_DSN=$(scripts/pg.sh dsn)
  export REKINDLE_TEST_PG_DSN
fi

# Two workers, one per core: most of the suite waits on sockets, processes and PostgreSQL. Each
# takes the next test as it frees up (worksteal), so one long test at the end does not leave the
# other idle. A third worker was faster (258 s against 286 s) but once starved a graceful-stop test
# of the time it needed on a busy machine.
$BIN/pytest -q -p no:cacheprovider -n 2 --dist worksteal "$@"
