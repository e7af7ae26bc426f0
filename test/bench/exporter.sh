#!/usr/bin/env bash
# test/bench/exporter.sh — what `shoji exporter` costs beside node_exporter, in ONE run: both on
# loopback, scraped by one real Prometheus every 15 s (as deployed) for MINUTES minutes, each
# reading this machine's own /proc and /sys. Reported per exporter: CPU seconds in the window
# (the process and its children, from /proc/PID/stat; and its own, without the programs it ran,
# such as the updates module's apt-get) and per scrape, resident memory (VmRSS
# sampled every 5 s: median and max; VmHWM, the peak, at the end), the response size as
# Prometheus received it (scrape_body_size_bytes, median over the window) and gzipped (what
# goes over the wire: Prometheus asks for gzip), samples per scrape and scrape duration.
#
# node_exporter runs with its default collectors (as Debian's package deploys it); shoji exporter
# with factory defaults (a fresh config folder).
#
# Usage: bash test/bench/exporter.sh         Env: MINUTES=10 (MINUTES=2 for a quick look)
#        WORK=DIR (emptied first; default: a new folder from mktemp -d) SCRAPE=15
# Needs /usr/bin/prometheus, /usr/bin/prometheus-node-exporter (`bash .ci/run` installs them) and
# `npm run build`. Only the processes it starts are signalled (by PID), at exit.
set -u
MINUTES=${MINUTES:-10}; SCRAPE=${SCRAPE:-15}; WORK=${WORK:-$(mktemp -d)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/bench
PY=/usr/bin/python3
NODE=$(command -v node)
CLEANPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WINDOW=$((MINUTES * 60))

for b in /usr/bin/prometheus /usr/bin/prometheus-node-exporter; do
  [ -x "$b" ] || { echo "$b is missing: bash .ci/run installs it" >&2; exit 1; }
done
[ -f "$ROOT/dist/shoji.cjs" ] || { echo "build shoji first: npm run build" >&2; exit 1; }

. "$HERE/prom-lib.sh"
work_in home tsdb

NE_PORT=$(free_port)
/usr/bin/prometheus-node-exporter --web.listen-address="127.0.0.1:$NE_PORT" --log.level=warn >node_exporter.log 2>&1 &
NE_PID=$!; PIDS+=("$NE_PID")

# shoji exporter in a clean environment with fresh config/state/cache folders (factory defaults).
env -i HOME="$WORK/home" USER="$(id -un)" LANG=C.UTF-8 PATH="$CLEANPATH" \
  SHOJI_CONFIG_DIR="$WORK/shoji-config" SHOJI_STATE_DIR="$WORK/shoji-state" SHOJI_CACHE_DIR="$WORK/shoji-cache" \
  SHOJI_RUNTIME_DIR="$WORK/shoji-run" AWS_EC2_METADATA_DISABLED=true \
  "$NODE" "$ROOT/bin/shoji" exporter --listen 127.0.0.1:0 >shoji.out 2>shoji.err &
SHOJI_PID=$!; PIDS+=("$SHOJI_PID")
SHOJI_ADDR=
for ((i = 0; i < 100; i++)); do
  SHOJI_ADDR=$(grep -soE '127\.0\.0\.1:[0-9]+' shoji.err | head -1) && [ -n "$SHOJI_ADDR" ] && break
  kill -0 "$SHOJI_PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$SHOJI_ADDR" ] || { echo "shoji exporter did not say where it listens:" >&2; cat shoji.err >&2; exit 1; }
wait_http "http://$SHOJI_ADDR/metrics" 10 || exit 1
wait_http "http://127.0.0.1:$NE_PORT/metrics" 10 || exit 1

PROM_PORT=$(free_port); PROM=http://127.0.0.1:$PROM_PORT
cat >prometheus.yml <<EOF
global:
  scrape_interval: ${SCRAPE}s
  scrape_timeout: 10s
scrape_configs:
  - job_name: shoji
    static_configs: [{targets: ["$SHOJI_ADDR"]}]
  - job_name: node
    static_configs: [{targets: ["127.0.0.1:$NE_PORT"]}]
EOF
/usr/bin/prometheus --config.file=prometheus.yml --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address="127.0.0.1:$PROM_PORT" --enable-feature=extra-scrape-metrics --log.level=warn >prometheus.log 2>&1 &
PIDS+=($!)
wait_http "$PROM/-/ready" 30 || exit 1

# Warm-up: both scraped at least twice (the first scrape of each happens within one interval).
sleep $((SCRAPE * 2 + 10))
echo "measuring for $MINUTES min (scrape every ${SCRAPE}s)..." >&2
"$PY" "$HERE/proc_sample.py" "$WINDOW" 5 shoji="$SHOJI_PID" node_exporter="$NE_PID" >sample.tsv || exit 1

# What Prometheus saw over the same window.
declare -A SCRAPES BODY SAMPLES DURATION
for job in shoji node; do
  SCRAPES[$job]=$(promq "count_over_time(up{job=\"$job\"}[${WINDOW}s])")
  BODY[$job]=$(promq "quantile_over_time(0.5, scrape_body_size_bytes{job=\"$job\"}[${WINDOW}s])")
  SAMPLES[$job]=$(promq "quantile_over_time(0.5, scrape_samples_scraped{job=\"$job\"}[${WINDOW}s])")
  DURATION[$job]=$(promq "quantile_over_time(0.5, scrape_duration_seconds{job=\"$job\"}[${WINDOW}s])")
done
# On the wire, asked as Prometheus 2.42 asks: its Accept header and gzip; "(plain)" when not compressed.
ACCEPT='application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
gz() {
  curl -s -D headers.txt -H "Accept: $ACCEPT" -H 'Accept-Encoding: gzip' -o /dev/null -w '%{size_download}' "$1"
  grep -qi '^content-encoding: *gzip' headers.txt && echo ' (gzip)' || echo ' (plain)'
}
declare -A WIRE
WIRE[shoji]=$(gz "http://$SHOJI_ADDR/metrics" | tr -d '\n'); WIRE[node]=$(gz "http://127.0.0.1:$NE_PORT/metrics" | tr -d '\n')

echo "# shoji exporter beside node_exporter ($(date -u +%F\ %H:%M) UTC)"
echo
echo "node $($NODE --version) | shoji $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "${SHOJI_REV:-?}") | node_exporter $(/usr/bin/prometheus-node-exporter --version 2>&1 | awk 'NR==1{print $3}') (default collectors) | prometheus $(/usr/bin/prometheus --version 2>&1 | awk 'NR==1{print $3}') | kernel $(uname -r) | $(nproc) cpus"
echo "window $MINUTES min, one Prometheus scraping both every ${SCRAPE}s; RSS sampled every 5 s"
echo
echo "| exporter | scrapes | CPU s (window) | of which its own (not children) | CPU ms per scrape | RSS MiB median | RSS MiB max | VmHWM MiB | response bytes (median) | on the wire, bytes | samples | scrape ms (median) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
while IFS=$'\t' read -r name cpu own rss_med rss_max hwm; do
  job=$name; [ "$name" = node_exporter ] && job=node
  "$PY" - "$name" "$cpu" "$own" "$rss_med" "$rss_max" "$hwm" "${SCRAPES[$job]}" "${BODY[$job]}" "${WIRE[$job]}" "${SAMPLES[$job]}" "${DURATION[$job]}" <<'EOF'
import sys
name, cpu, own, rm, rx, hwm, scrapes, body, wire, samples, dur = sys.argv[1:]
n = float(scrapes) if scrapes != '-' else 0
per = f'{float(cpu) * 1000 / n:.1f}' if n else '-'
mib = lambda k: f'{int(float(k)) / 1024:.1f}'
print(f'| {name} | {scrapes} | {float(cpu):.2f} | {float(own):.2f} | {per} | {mib(rm)} | {mib(rx)} | {mib(hwm)} | {float(body):.0f} | {wire} | {samples} | {float(dur) * 1000:.1f} |')
EOF
done <sample.tsv
echo
echo "Rerun: MINUTES=$MINUTES bash test/bench/exporter.sh. Working files (logs, prometheus.yml) in $WORK."
