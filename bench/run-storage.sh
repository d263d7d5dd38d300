#!/usr/bin/env bash
# What a year of runs costs on disk on the embedded H2 database: N platforms at the defaults sampled for D days in
# the real schema, rolled up and pruned by the real retention, sizes taken after compaction and carried to a year
# (bench/storage/StorageCost.java). Usage: bench/run-storage.sh [N=1000] [days=2]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl monitor -am package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar")
cp="$work/BOOT-INF/classes:$work/BOOT-INF/lib/*"
javac -nowarn -cp "$cp" -d "$work/bench" bench/storage/StorageCost.java
mkdir -p "$work/db"
java -Xmx1g -cp "$cp:$work/bench" StorageCost "$work/db" "${1:-1000}" "${2:-2}"
