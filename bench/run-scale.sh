#!/usr/bin/env bash
# The run engine at fleet scale, in one go on one machine: N platforms (20,000 by default), each with its storefront
# checked every 30 s against a page nginx serves and a purchase every 5 minutes against the standalone simulator
# (each platform its own merchant account there), 1 % of them on the stuck, hung, slow-answer and notify-lost
# profiles in turn. The monitor runs with -Xmx512m on the embedded H2 database or on PostgreSQL; after a warm-up it
# measures runs achieved per kind against plan, skipped runs, scheduler lag, RSS, the monitor's CPU per run and the
# scrape time.
#
#   bench/run-scale.sh [N] [h2|postgres] [warm-up seconds] [measured seconds] [faulty percent]
#
# Needs the Debian packages nginx, curl and bc. Extra monitor arguments: MONITOR_ARGS; extra JVM options for it
# (a flight recording, say): MONITOR_JVM. PURCHASES=no leaves the
# purchases out, to measure what a storefront check costs on its own. RULES=yes also runs Prometheus (the Debian
# package) scraping the monitor every 15 s with the project's rules (alerts/rules), and reports what evaluating them
# costs beside what scraping the monitor costs the same Prometheus.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-20000}"
DB="${2:-h2}"
WARMUP="${3:-420}"
MEASURE="${4:-300}"
FAULTY="${5:-1}"
NGINX_PORT=18782
SIM_PORT=19100
PG_PORT=15432
PORT=18090
PROM_PORT=19190
KEY=cardwatch-bench-key

./mvnw -q -B -ntp -Pbench -pl monitor,simulator,bench -am package -DskipTests
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for port in $PORT $NGINX_PORT $SIM_PORT $PG_PORT $PROM_PORT; do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then echo "port $port is taken" >&2; exit 1; fi
done
BENCH_JAR=bench/target/cardwatch-bench-0.1.0-SNAPSHOT.jar
bench_main() { java -cp "$BENCH_JAR" -Dloader.main="$1" org.springframework.boot.loader.launch.PropertiesLauncher "${@:2}"; }

# the storefront page: nginx on every loopback address
mkdir -p "$work/www"
printf '<!doctype html><html><head><meta charset="utf-8"><title>小店</title></head><body><h1>自动发货</h1>%s</body></html>\n' \
  "$(head -c 3000 /dev/zero | tr '\0' 'x')" > "$work/www/index.html"
chmod 755 "$work" "$work/www" && chmod 644 "$work/www/index.html"
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { text/html html; }
  charset utf-8;
  server { listen $NGINX_PORT; root $work/www; }
}
CONF
nginx -c "$work/nginx.conf" -p "$work"

java -Xmx1g -jar simulator/target/cardwatch-simulator-0.1.0-SNAPSHOT-exec.jar --port $SIM_PORT --bind 0.0.0.0 \
  --profiles reliable,stuck,hung,slow-answer,notify-lost --accounts "$N" --api-key $KEY > "$work/sim.log" 2>&1 &
sim_pid=$!
bench_main cardwatch.bench.ScaleFleet "$work/platforms.yml" "$N" $NGINX_PORT $SIM_PORT "$FAULTY" "${PURCHASES:-yes}"
printf 'sim-key=%s\n' $KEY > "$work/secrets.properties"
for _ in $(seq 1 60); do grep -q "notify-lost" "$work/sim.log" && break; sleep 1; done

DB_ARGS=()   # H2: the service's default, ./data under its working directory
if [ "$DB" = postgres ]; then
  bench_main cardwatch.bench.ScalePostgres $PG_PORT "$work/pg" > "$work/pg.log" 2>&1 &
  for _ in $(seq 1 60); do grep -q POSTGRES-READY "$work/pg.log" && break; sleep 1; done
  url=$(awk '/POSTGRES-READY/ {print $2}' "$work/pg.log")
  [ -n "$url" ] || { cat "$work/pg.log" >&2; exit 1; }
  DB_ARGS=(--spring.datasource.url="$url" --spring.datasource.username=postgres --spring.datasource.password=postgres)
fi

started=$(date +%s.%N)
jar=$PWD/monitor/target/cardwatch-monitor-0.1.0-SNAPSHOT.jar
(cd "$work" && exec java -Xmx512m ${MONITOR_JVM:-} -jar "$jar" --server.port=$PORT \
  --cardwatch.platforms-file="$work/platforms.yml" --cardwatch.secrets-file="$work/secrets.properties" \
  --cardwatch.callback-base-url=http://127.0.0.1:$PORT --cardwatch.budget.daily-global=100000000 \
  --logging.level.root=warn --logging.level.cardwatch.monitor.platform.PlatformConfiguration=info "${DB_ARGS[@]}" ${MONITOR_ARGS:-} > "$work/monitor.log" 2>&1) &
pid=$!
for _ in $(seq 1 300); do
  curl -sf -o /dev/null http://127.0.0.1:$PORT/actuator/health && break
  kill -0 $pid 2>/dev/null || { tail -50 "$work/monitor.log" >&2; exit 1; }
  sleep 0.5
done
ready=$(date +%s.%N)
echo "$N platforms ($DB): the service answered $(echo "$ready - $started" | bc) s after its start"
grep -o "read and validated.*" "$work/monitor.log" || true

metric() { # file name label-filter: the sum of the samples
  awk -v name="$2" -v filter="$3" 'index($0, name "{") == 1 || $1 == name { if (filter == "" || index($0, filter)) s += $NF } END { printf "%.0f", s }' "$1"
}
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks per thread group (the thread's name with its numbers taken out): what the run cost goes to, GC and the
# JIT compiler included
threads() {
  for t in /proc/$1/task/*; do
    printf '%s\t%s\n' "$(tr -d '0-9' < "$t/comm" | sed 's/[ #:-]*$//')" "$(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0)"
  done | awk -F'\t' '{s[$1] += $2} END {for (k in s) print k "\t" s[k]}' | sort
}
ticks=$(getconf CLK_TCK)

if [ "${RULES:-no}" = yes ]; then
  mkdir -p "$work/prom"
  cat > "$work/prometheus.yml" <<CONF
global: { scrape_interval: 15s, evaluation_interval: 15s, scrape_timeout: 14s }
rule_files: ["$PWD/alerts/rules/*.rules.yaml"]
scrape_configs:
  - job_name: cardwatch
    metrics_path: /actuator/prometheus
    static_configs: [{ targets: ["127.0.0.1:$PORT"] }]
  - job_name: prometheus
    static_configs: [{ targets: ["127.0.0.1:$PROM_PORT"] }]
CONF
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
    --web.listen-address=127.0.0.1:$PROM_PORT > "$work/prometheus.log" 2>&1 &
  prom_pid=$!
fi

echo "warming up for $WARMUP s"
sleep "$WARMUP"
curl -s --max-time 300 -o "$work/before.txt" http://127.0.0.1:$PORT/actuator/prometheus
cpu0=$(cpu $pid); sim0=$(cpu $sim_pid); t0=$(date +%s.%N)
[ "${RULES:-no}" = yes ] && prom0=$(cpu $prom_pid)
threads $pid > "$work/threads0.tsv"
rss_max=0
end=$(( $(date +%s) + MEASURE ))
while [ "$(date +%s)" -lt "$end" ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  sleep 5
done
cpu1=$(cpu $pid); sim1=$(cpu $sim_pid); t1=$(date +%s.%N)
[ "${RULES:-no}" = yes ] && prom1=$(cpu $prom_pid)
threads $pid > "$work/threads1.tsv"
scrape=$(curl -s --max-time 300 -o "$work/after.txt" -w '%{time_total}' http://127.0.0.1:$PORT/actuator/prometheus)
scrape2=$(curl -s --max-time 300 -o /dev/null -w '%{time_total}' http://127.0.0.1:$PORT/actuator/prometheus)
scrape_bytes=$(wc -c < "$work/after.txt")
elapsed=$(echo "$t1 - $t0" | bc)

delta() { echo "$(metric "$work/after.txt" "$1" "$2") - $(metric "$work/before.txt" "$1" "$2")" | bc; }
avail=$(delta cardwatch_probe_runs_total 'probe="availability"')
buys=$(delta cardwatch_probe_runs_total 'probe="purchase"')
skipped=$(delta cardwatch_scheduler_skipped_total "")
planned_avail=$(echo "$N * $elapsed / 30" | bc)
planned_buys=$(echo "$N * $elapsed / 300" | bc)
[ "${PURCHASES:-yes}" = no ] && planned_buys=0
started_runs=$(delta cardwatch_scheduler_lag_seconds_count "")
lag99="> 60 s"
for le in 0.005 0.01 0.05 0.1 0.5 1.0 5.0 10.0 30.0 60.0; do
  within=$(delta cardwatch_scheduler_lag_seconds_bucket "le=\"$le\"")
  if [ "$(echo "$within >= 0.99 * $started_runs" | bc)" = 1 ]; then lag99="≤ $le s"; break; fi
done
runs=$(echo "$avail + $buys" | bc)
cpu_ms=$(echo "scale=3; ($cpu1 - $cpu0) * 1000 / $ticks / $runs" | bc)
sim_cores=$(echo "scale=2; ($sim1 - $sim0) / $ticks / $elapsed" | bc)
mon_cores=$(echo "scale=2; ($cpu1 - $cpu0) / $ticks / $elapsed" | bc)
series=$(grep -vc '^#' "$work/after.txt")
reasons=$(awk 'index($0, "cardwatch_probe_runs_total{") == 1 && index($0, "probe=\"purchase\"") { match($0, /reason="[a-z_]*"/); r = substr($0, RSTART + 8, RLENGTH - 9); s[r] += $NF } END { for (r in s) printf "%s %d, ", r, s[r] }' "$work/after.txt")

echo
echo "run-scale, $(date -u +%F), N = $N, $DB, warm-up $WARMUP s, measured $(printf '%.0f' "$elapsed") s, faulty $FAULTY %"
printf '%-36s %s\n' "availability runs (of planned)" "$avail of $planned_avail ($(echo "scale=1; 100 * $avail / $planned_avail" | bc) %)"
[ "$planned_buys" = 0 ] || printf '%-36s %s\n' "purchase runs ended (of planned)" "$buys of $planned_buys ($(echo "scale=1; 100 * $buys / $planned_buys" | bc) %)"
printf '%-36s %s\n' "skipped runs" "$skipped"
printf '%-36s %s\n' "scheduler lag p99" "$lag99"
printf '%-36s %s\n' "RSS (max)" "$((rss_max / 1024)) MiB"
printf '%-36s %s\n' "monitor CPU per run (all in)" "$cpu_ms ms ($mon_cores cores)"
printf '%-36s %s\n' "simulator CPU" "$sim_cores cores"
printf '%-36s %s\n' "scrape" "$scrape s, then $scrape2 s; $scrape_bytes bytes, $series series"
printf '%-36s %s\n' "purchase reasons since the start" "$reasons"
# threads that ended during the window are missing from the second reading: the shares are of what both saw
echo "monitor CPU by thread (share of the window's):"
awk -F'\t' 'NR == FNR {a[$1] = $2; next} {d = $2 - a[$1]; if (d > 0) {s[$1] = d; t += d}}
  END {for (k in s) if (s[k] / t >= 0.01) printf "  %5.1f %%  %s\n", 100 * s[k] / t, k}' \
  "$work/threads0.tsv" "$work/threads1.tsv" | sort -rn
if [ "${RULES:-no}" = yes ]; then
  # the last evaluation of each group and the mean over the window, against the last scrape of the monitor
  q() { curl -s --get "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; [print(x["metric"].get("rule_group","").split(";")[-1] or "-", x["value"][1]) for x in r]'; }
  window="$(printf '%.0f' "$elapsed")s"
  echo "Prometheus with the rules (one process, scrape and evaluation every 15 s):"
  printf '  %-40s %s\n' "series in its head" "$(q 'prometheus_tsdb_head_series' | awk '{print $2}')"
  scrape_s=$(q "avg_over_time(scrape_duration_seconds{job=\"cardwatch\"}[$window]) / 15" | awk '{printf "%.4f", $2}')
  rules_s=$(q "sum(rate(prometheus_rule_group_duration_seconds_sum[$window]))" | awk '{printf "%.4f", $2}')
  printf '  %-40s %s s a second\n' "scraping the monitor" "$scrape_s"
  printf '  %-40s %s s a second (%s x the scrape)\n' "evaluating every rule group" "$rules_s" \
    "$(echo "scale=2; $rules_s / $scrape_s" | bc)"
  printf '  %-40s %s\n' "rule evaluations missed" "$(q 'sum(prometheus_rule_group_iterations_missed_total)' | awk '{print $2}')"
  printf '  %-40s %s cores\n' "Prometheus CPU" "$(echo "scale=3; ($prom1 - $prom0) / $ticks / $elapsed" | bc)"
  echo "  each group's last evaluation (s), slowest first:"
  q 'prometheus_rule_group_last_duration_seconds' | sort -k2 -rn | awk '{printf "    %8.4f  %s\n", $2, $1}'
fi
grep -E "ERROR|OutOfMemory" "$work/monitor.log" | head -5 || true
