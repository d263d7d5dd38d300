#!/usr/bin/env bash
# The scrape's own CPU at N platforms on an idle machine: /actuator/prometheus's writer against Micrometer's own
# scrape(), on one registry of N platforms' series, in one JVM (bench/scrape/ScrapeCost.java). Usage:
# bench/run-scrape.sh [N=20000] [rounds=8]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp -pl monitor -am package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && jar xf "$OLDPWD/monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar")
cp="$work/BOOT-INF/classes:$work/BOOT-INF/lib/*"
javac -nowarn -cp "$cp" -d "$work/bench" bench/scrape/ScrapeCost.java
java -Xmx512m -cp "$cp:$work/bench" ScrapeCost "${1:-20000}" "${2:-8}"
