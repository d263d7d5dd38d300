#!/usr/bin/env bash
# What a year of runs costs on disk, on the embedded H2 database and on PostgreSQL: N platforms at the defaults
# sampled for D days in the real schema, rolled up and pruned by the real retention, sizes taken after compaction
# and carried to a year; then the year is written out from the sample's rolled-up rows and measured too
# (bench/storage/StorageCost.java).
# Usage: bench/run-storage.sh [N=1000] [days=2] [h2|postgres|both]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
DAYS="${2:-2}"
DB="${3:-both}"
PG_PORT=15433
./mvnw -q -B -ntp -Pbench -pl monitor,bench -am package -DskipTests
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
(cd "$work" && jar xf "$OLDPWD/monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar")
cp="$work/BOOT-INF/classes:$work/BOOT-INF/lib/*"
javac -nowarn -cp "$cp" -d "$work/bench" bench/storage/StorageCost.java
if [ "$DB" != postgres ]; then
  mkdir -p "$work/db"
  java -Xmx1g -cp "$cp:$work/bench" StorageCost "$work/db" "$N" "$DAYS"
fi
if [ "$DB" != h2 ]; then
  java -cp bench/target/cardwatch-bench-0.1.0-SNAPSHOT.jar -Dloader.main=cardwatch.bench.ScalePostgres \
    org.springframework.boot.loader.launch.PropertiesLauncher $PG_PORT "$work/pg" > "$work/pg.log" 2>&1 &
  for _ in $(seq 1 60); do grep -q POSTGRES-READY "$work/pg.log" && break; sleep 1; done
  url=$(awk '/POSTGRES-READY/ {print $2}' "$work/pg.log")
  [ -n "$url" ] || { cat "$work/pg.log"; exit 1; }
  java -Xmx1g -cp "$cp:$work/bench" StorageCost "${url}&reWriteBatchedInserts=true" "$N" "$DAYS"
fi
