#!/usr/bin/env bash
# The people pages at 100,000 faces and 5,000 persons, on SQLite and PostgreSQL (a benchmark, not a test).
#
#   scripts/bench/people-pages.sh SOURCE_DATA_DIR [FACES] [PERSONS]
#
# SOURCE_DATA_DIR is a real library's data directory (frs.sqlite and thumbnails/), e.g. made by
# `FRS_DATA=/tmp/lfwlib/data frs run DIR_OF_LFW_PHOTOS`. Uses the release build (swift build -c release).
set -euo pipefail
cd "$(dirname "$0")/../.."
SOURCE="$1"; FACES="${2:-100000}"; PERSONS="${3:-5000}"
FRS="$PWD/.build/release/frs"
WORK="$(mktemp -d)"
chmod 755 "$WORK"  # the PostgreSQL server runs as its own user
export HOME="$WORK" FRS_MODELS="${FRS_MODELS:-/root/.cache/frs/models}"
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT

serve_and_measure() {  # DATA DATABASE LABEL
    local port=$((18000 + RANDOM % 1000))
    FRS_DATA="$1" "$FRS" serve --database "$2" --port "$port" > "$WORK/serve-$3.log" 2>&1 &
    local pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/api/status" > /dev/null && break; sleep 0.3; done
    # The server reads the embeddings and makes the suggestions in the background when it starts.
    for _ in $(seq 1 600); do grep -q "warmed up" "$WORK/serve-$3.log" && break; sleep 0.5; done
    echo "### $3"
    python3 scripts/bench/people_pages.py "http://127.0.0.1:$port" --runs 5
    kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "generating $FACES faces of $PERSONS persons from $SOURCE"
FRS_DATA="$WORK/sqlite" /usr/bin/time -f "SQLite: %e s, %M KB" "$FRS" generate-library --faces "$FACES" --persons "$PERSONS" \
    --source "$SOURCE/frs.sqlite" --source-data "$SOURCE" --database "$WORK/sqlite/frs.sqlite"
serve_and_measure "$WORK/sqlite" "$WORK/sqlite/frs.sqlite" "SQLite"

PG_URL="$(FRS_PG_DIR="$WORK/pg" scripts/pg-test-server start)"
FRS_DATA="$WORK/pg-data" /usr/bin/time -f "PostgreSQL: %e s, %M KB" "$FRS" generate-library --faces "$FACES" --persons "$PERSONS" \
    --source "$SOURCE/frs.sqlite" --source-data "$SOURCE" --database "$PG_URL"
serve_and_measure "$WORK/pg-data" "$PG_URL" "PostgreSQL"
FRS_PG_DIR="$WORK/pg" scripts/pg-test-server stop
