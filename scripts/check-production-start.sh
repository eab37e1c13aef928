#!/usr/bin/env bash
# What the Docker image does, without Docker (there is no engine in CI): build dist, copy exactly
# what the Dockerfile's runtime stage holds (package.json, package-lock.json, dist, artifacts,
# datasets) into a fresh folder, install production dependencies only (npm ci --omit=dev), then in
# production mode: run the migrations, create an ingest key with the compiled CLI, start the
# service, wait for /health, send one ingestBatch and check its predictions, stop it with SIGTERM
# and check it exits 0 with the final "stopped" log line. A package the build loads but
# "dependencies" lacks fails here (and in scripts/check-runtime-deps.js, run first).
#
# Database: a fresh database on DATABASE_URL's server when DATABASE_URL is set (dropped at the
# end), otherwise the embedded PostgreSQL in the temporary folder. Exits non-zero with a message
# naming the failed step; the temporary folder, the service and the database are always removed.
# Usage: scripts/check-production-start.sh   (npm run check:production-start)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started_at=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/production-start-XXXXXX")
# PostgreSQL refuses to run as root, so embedded-postgres runs it as the `postgres` user, which
# must be able to reach the binaries and the data folder inside this one.
chmod 755 "$work"
app="$work/app"
log="$work/service.log"
service_pid=""
database_name=""
admin_url=""
step="setup"

say() { printf '== %s\n' "$*"; }

fail() {
  printf 'check-production-start: FAILED at "%s": %s\n' "$step" "$*" >&2
  if [ -s "$log" ]; then
    printf -- '--- service log (last 40 lines) ---\n' >&2
    tail -n 40 "$log" >&2
  fi
  exit 1
}

# node with the copy's own node_modules (pg), for the database steps.
node_in_app() { (cd "$app" && node "$@"); }

cleanup() {
  local status=$?
  set +e
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill -TERM "$service_pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$service_pid" 2>/dev/null
  fi
  # An embedded server left behind by a failed step (its pid is the first line of postmaster.pid).
  if [ -f "$work/pg/postmaster.pid" ]; then
    local pg_pid
    pg_pid=$(head -n 1 "$work/pg/postmaster.pid")
    if [ -n "$pg_pid" ] && kill -0 "$pg_pid" 2>/dev/null; then
      kill -INT "$pg_pid" 2>/dev/null
      for _ in $(seq 1 50); do kill -0 "$pg_pid" 2>/dev/null || break; sleep 0.2; done
    fi
  fi
  if [ -n "$database_name" ] && [ -d "$app/node_modules/pg" ]; then
    ADMIN_URL="$admin_url" DATABASE_NAME="$database_name" node_in_app -e '
      const { Client } = require("pg");
      const client = new Client({ connectionString: process.env.ADMIN_URL });
      client.connect()
        .then(() => client.query(`DROP DATABASE IF EXISTS "${process.env.DATABASE_NAME}" WITH (FORCE)`))
        .catch((error) => console.error(`could not drop ${process.env.DATABASE_NAME}: ${error.message}`))
        .finally(() => client.end());
    '
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step="npm run build"
say "$step"
npm run build --silent >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; fail "the build failed"; }

step="runtime dependencies"
say "$step (scripts/check-runtime-deps.js)"
node scripts/check-runtime-deps.js || fail "the build loads packages that are not in \"dependencies\""

step="copy"
say "copy package.json, package-lock.json, dist, artifacts, datasets (the image's runtime stage) to $app"
mkdir -p "$app"
cp package.json package-lock.json "$app/"
cp -R dist artifacts datasets "$app/"

step="npm ci --omit=dev"
say "$step"
(cd "$app" && npm ci --omit=dev --no-audit --no-fund --prefer-offline --loglevel=error) || fail "production install failed"
for dev_only in jest eslint @nestjs/cli; do [ ! -e "$app/node_modules/$dev_only" ] || fail "a devDependency ($dev_only) was installed"; done

# Production mode throughout, as in the image: metrics need their token, and the service needs a key.
export NODE_ENV=production
METRICS_TOKEN=$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')
export METRICS_TOKEN
export LOG_LEVEL=info

step="database"
if [ -n "${DATABASE_URL:-}" ]; then
  database_name="cm_production_start_$(node -e 'console.log(require("crypto").randomBytes(5).toString("hex"))')"
  admin_url=$(BASE_URL="$DATABASE_URL" node -e 'const u = new URL(process.env.BASE_URL); u.pathname = "/postgres"; console.log(u.toString())')
  say "create database $database_name on DATABASE_URL's server"
  ADMIN_URL="$admin_url" DATABASE_NAME="$database_name" node_in_app -e '
    const { Client } = require("pg");
    const client = new Client({ connectionString: process.env.ADMIN_URL });
    client.connect()
      .then(() => client.query(`CREATE DATABASE "${process.env.DATABASE_NAME}"`))
      .then(() => client.end())
      .catch((error) => { console.error(error.message); process.exit(1); });
  ' || fail "could not create a database on DATABASE_URL's server"
  DATABASE_URL=$(BASE_URL="$DATABASE_URL" DATABASE_NAME="$database_name" node -e '
    const u = new URL(process.env.BASE_URL); u.pathname = `/${process.env.DATABASE_NAME}`; console.log(u.toString())')
  export DATABASE_URL
else
  say "DATABASE_URL is unset: embedded PostgreSQL in $work/pg"
  unset DATABASE_URL
  export EMBEDDED_PG_DIR="$work/pg"
  EMBEDDED_PG_PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  export EMBEDDED_PG_PORT
fi

step="migrations"
say "node dist/src/database/migrate.js"
(cd "$app" && node dist/src/database/migrate.js) || fail "migrations failed"

step="keys create"
say "node dist/src/cli/main.js keys create --name ci --role ingest"
created=$(cd "$app" && node dist/src/cli/main.js keys create --name ci --role ingest) || fail "the compiled CLI could not create a key"
key=$(printf '%s' "$created" | node -e 'let s = ""; process.stdin.on("data", (c) => (s += c)).on("end", () => console.log(JSON.parse(s).key))') ||
  fail "keys create printed no key: $created"

step="start"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
say "NODE_ENV=production node dist/src/main.js on port $port"
(cd "$app" && PORT=$port HOST=127.0.0.1 exec node --max-semi-space-size=64 dist/src/main.js) >"$log" 2>&1 &
service_pid=$!

step="health"
healthy=""
for _ in $(seq 1 180); do
  kill -0 "$service_pid" 2>/dev/null || fail "the service exited during start"
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/health"; then
    healthy=yes
    break
  fi
  sleep 0.5
done
[ -n "$healthy" ] || fail "/health did not answer 200 within 90 s"
say "/health answers 200"

step="ingestBatch"
say "one ingestBatch of 5 records with the ingest key"
URL="http://127.0.0.1:$port/graphql" KEY="$key" node -e '
  const records = Array.from({ length: 5 }, (_, i) => ({
    customerId: `production-start-${i}`,
    age: 25 + 7 * i,
    annualIncome: 42000 + 9000 * i,
    debtToIncome: 0.15 + 0.05 * i,
    creditUtilization: 0.2 + 0.1 * i,
    numOpenAccounts: 1 + i,
    delinquencyCount: i % 2,
    loanAmount: 5000 + 2500 * i,
    employmentYears: 1 + 2 * i,
  }));
  const query = `mutation Ingest($input: IngestBatchInput!) {
    ingestBatch(input: $input) { batchId size predictions { customerId probability riskLabel } } }`;
  fetch(process.env.URL, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${process.env.KEY}` },
    body: JSON.stringify({ query, variables: { input: { batchId: `production-start-${Date.now()}`, records } } }),
  })
    .then(async (response) => {
      const body = await response.json();
      const predictions = body.data?.ingestBatch?.predictions ?? [];
      const valid = predictions.filter((p) => p.probability >= 0 && p.probability <= 1 && ["LOW", "MEDIUM", "HIGH"].includes(p.riskLabel));
      if (response.status !== 200 || body.errors || predictions.length !== records.length || valid.length !== records.length) {
        console.error(`unexpected answer (HTTP ${response.status}): ${JSON.stringify(body)}`);
        process.exit(1);
      }
      console.log(`   ${predictions.length} predictions, e.g. ${JSON.stringify(predictions[0])}`);
    })
    .catch((error) => { console.error(error.message); process.exit(1); });
' || fail "ingestBatch did not answer with a prediction per record"

step="SIGTERM"
say "SIGTERM"
kill -TERM "$service_pid"
set +e
wait "$service_pid"
exit_code=$?
set -e
service_pid=""
[ "$exit_code" -eq 0 ] || fail "the service exited with $exit_code after SIGTERM (expected 0)"
last_line=$(tail -n 1 "$log")
case "$last_line" in
  *'"msg":"stopped"'*) ;;
  *) fail "the last log line is not the \"stopped\" line: $last_line" ;;
esac
if grep -q '"level":"\(warn\|error\)"' "$log"; then
  grep '"level":"\(warn\|error\)"' "$log" >&2
  fail "the service logged warnings or errors"
fi

say "production start check passed in $(($(date +%s) - started_at)) s"
