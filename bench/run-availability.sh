#!/usr/bin/env bash
# CPU time per availability probe, Cardwatch vs blackbox_exporter, in one run against one local target.
# Needs the Debian package prometheus-blackbox-exporter (apt-get install -y prometheus-blackbox-exporter).
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-3000}"
./mvnw -q -B -ntp -Pbench -pl bench -am package -DskipTests
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
printf '<html><body><h1>稳定卡盟</h1><p>自动发货</p></body></html>' > "$work/index.html"
(cd "$work" && exec python3 -m http.server 18780 --bind 127.0.0.1 >/dev/null 2>&1) &
prometheus-blackbox-exporter --config.file=bench/blackbox.yml --web.listen-address=127.0.0.1:19115 \
  --log.level=error >/dev/null 2>&1 &
bb=$!
sleep 2
java -jar bench/target/cardwatch-bench-0.1.0-SNAPSHOT.jar http://127.0.0.1:18780/ http://127.0.0.1:19115 "$bb" "$N"
