#!/usr/bin/env bash
# The ranking page under load: wrk at 64 connections against Cardwatch's home page with 1,000 platforms (30 days of
# hourly purchase runs each), and against nginx serving the same HTML as a static file (the ceiling), in one run.
# Needs the Debian packages wrk and nginx (apt-get install -y wrk nginx). PAGE picks another page than the ranking
# (PAGE=/platforms/shop-0001/now, PAGE="/compare?p=shop-0001,shop-0002"); nginx serves the same HTML of it.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
DURATION="${2:-30s}"
PAGE="${PAGE:-/}"
./mvnw -q -B -ntp -Pbench -pl monitor,bench -am package -DskipTests
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; rm -rf "$work"' EXIT
java -cp bench/target/cardwatch-bench-0.1.0-SNAPSHOT.jar -Dloader.main=cardwatch.bench.SiteSeed \
  org.springframework.boot.loader.launch.PropertiesLauncher \
  "$work/db/cardwatch" monitor/src/main/resources/db/migration "$work/platforms.yml" "$N" 30

# the seed ran the SQL migrations from the source tree; the Java ones (V16, Quartz's tables: nothing on H2) run here
started=$(date +%s)
BENCH_API_KEY=bench java -Xmx1g -jar monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar --server.port=18080 \
  --cardwatch.platforms-file="$work/platforms.yml" \
  --spring.datasource.url="jdbc:h2:file:$work/db/cardwatch;DB_CLOSE_ON_EXIT=FALSE" \
  --spring.flyway.out-of-order=true \
  --logging.level.root=warn ${MONITOR_ARGS:-} > "$work/monitor.log" 2>&1 &
monitor_pid=$!
echo "waiting for the monitor to roll up the runs"
if curl -s -o /dev/null http://127.0.0.1:18080/; then echo "port 18080 is taken" >&2; exit 1; fi
for _ in $(seq 1 300); do
  if ! kill -0 "$monitor_pid" 2>/dev/null; then echo "the monitor stopped; its log:" >&2; tail -20 "$work/monitor.log" >&2; exit 1; fi
  if curl -sf http://127.0.0.1:18080/ 2>/dev/null | grep -q 'class="ranking"' \
     && ! curl -sf http://127.0.0.1:18080/ | grep -q 'class="notice" role="status"'; then break; fi
  sleep 1
done
echo "figures ready $(( $(date +%s) - started )) s after the start"
curl -sf "http://127.0.0.1:18080$PAGE" > "$work/index.html"
echo "page $PAGE: $(wc -c < "$work/index.html") bytes, $(grep -c '<tr' "$work/index.html" || true) table rows"

mkdir -p "$work/www" && cp "$work/index.html" "$work/www/index.html"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/index.html"   # nginx workers run as nobody
cat > "$work/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { text/html html; }
  server { listen 127.0.0.1:18781; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

run() { # name url
  wrk -t2 -c64 -d10s "$2" > /dev/null   # warm-up (JIT, caches)
  wrk -t2 -c64 -d"$DURATION" --latency "$2" > "$work/$1.txt"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/$1.txt")
  p99=$(awk '$1 == "99%" {print $2}' "$work/$1.txt")
  printf '%-10s %12s req/s   p99 %s\n' "$1" "$rps" "$p99"
}
echo "wrk -t2 -c64 -d$DURATION, $N platforms, $(date -u +%F)"
run cardwatch "http://127.0.0.1:18080$PAGE"
run nginx http://127.0.0.1:18781/index.html
if grep -h "Non-2xx\|Socket errors" "$work"/cardwatch.txt "$work"/nginx.txt; then
  echo "errors during the run: the figures above are not valid" >&2; exit 1
fi
