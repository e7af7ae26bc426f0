#!/usr/bin/env bash
# test/bench/fleet-scale.sh — the fleet view at 10, 100 and 1,000 hosts, in ONE run. One loopback
# fixture server (test/bench/fleet-fixture.py) stands in for every host's node_exporter and, on
# every other host, its shoji exporter (with the EC2 estimate); one host in 50 is down (hosts 7,
# 57, ...: at least one at every size, so every refresh also asks when they went down). A real
# Prometheus scrapes them through file_sd, each target with its own `instance` label and metrics
# path. For each size, on a fresh Prometheus that has scraped every target at least twice:
#   - PromQL requests per refresh: Prometheus's own prometheus_http_requests_total (handlers
#     /api/v1/*) before and after one `shoji fleet --json`, beside what shoji counted itself;
#   - `shoji fleet --json` wall and CPU time beside `node -e 0`, run alternately (paired.py,
#     medians of N), and the ratio of the medians; a run that fails (Prometheus too slow for
#     --timeout) is counted and its message kept rather than ending the benchmark; beside it,
#     how long Prometheus took to evaluate each query meanwhile (its own
#     prometheus_engine_query_duration_seconds, slice inner_eval);
#   - the `fleet` module in a running `shoji stream` (a layout of just `fleet`, interval 15 s):
#     CPU of the process over DAEMON seconds, per refresh and per second, and its RSS (DAEMON=0:
#     not measured).
# RULES=1 loads `shoji fleet --recording-rules` into each Prometheus (checked by promtool first;
# rules evaluated every SCRAPE seconds) and waits, before timing, until the rules have been
# evaluated once after every target was scraped twice: shoji fleet then reads the recorded series.
#
# Usage: bash test/bench/fleet-scale.sh      Env: SIZES="10 100 1000" N=20 DAEMON=120 SCRAPE=15 RULES=0
#        WORK=DIR (emptied first; default: a new folder from mktemp -d)
# Needs /usr/bin/prometheus and `npm run build`. Only the processes it starts are signalled.
set -u
SIZES=${SIZES:-"10 100 1000"}; N=${N:-20}; DAEMON=${DAEMON:-120}; SCRAPE=${SCRAPE:-15}; RULES=${RULES:-0}
# A fresh private folder unless one is named: a fixed name under /tmp could be another user's link.
WORK=${WORK:-$(mktemp -d)}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/bench
PY=/usr/bin/python3
NODE=$(command -v node)
CLEANPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

[ -x /usr/bin/prometheus ] || { echo "/usr/bin/prometheus is missing: bash .ci/run installs it" >&2; exit 1; }
[ -f "$ROOT/dist/shoji.cjs" ] || { echo "build shoji first: npm run build" >&2; exit 1; }

. "$HERE/prom-lib.sh"
work_in home sd
api_requests() { # the API requests Prometheus has answered so far (its own counter, read from /metrics)
  curl -sf "$PROM/metrics" | awk '/^prometheus_http_requests_total\{.*handler="\/api\/v1\// { s += $NF } END { print s + 0 }'
}
rules_evaluated_at() { # when Prometheus last evaluated the shoji-fleet rule group (Unix seconds; 0 before the first time)
  curl -sf "$PROM/metrics" | awk '/^prometheus_rule_group_last_evaluation_timestamp_seconds\{.*shoji-fleet"\}/ { t = $NF } END { printf "%d\n", t + 0 }'
}
eval_seconds() { # "sum count" of Prometheus's query evaluation time so far (slice inner_eval)
  curl -sf "$PROM/metrics" | awk '/^prometheus_engine_query_duration_seconds_(sum|count)\{slice="inner_eval"\}/ { v[$1 ~ /_sum/ ? "s" : "c"] = $NF } END { print v["s"] + 0, v["c"] + 0 }'
}

# A clean environment for shoji, with its config pointing the fleet at this run's Prometheus.
cenv() {
  env -i HOME="$WORK/home" USER="$(id -un)" LANG=C.UTF-8 TERM=xterm-256color PATH="$CLEANPATH" \
    SHOJI_CONFIG_DIR="$WORK/config" SHOJI_STATE_DIR="$WORK/state" SHOJI_CACHE_DIR="$WORK/cache" \
    SHOJI_RUNTIME_DIR="$WORK/run" AWS_EC2_METADATA_DISABLED=true "$@"
}
write_config() {
  mkdir -p "$WORK/config"
  cat >"$WORK/config/config.yaml" <<EOF
icons: ascii
left: []
right: [fleet]
modules:
  fleet:
    prometheus: $PROM
    interval: 15
EOF
}

"$PY" "$HERE/fleet-fixture.py" "$WORK/fixture.port" &
PIDS+=($!)
for ((i = 0; i < 50; i++)); do [ -s "$WORK/fixture.port" ] && break; sleep 0.1; done
FIXTURE_PORT=$(cat "$WORK/fixture.port")

# Runs a command for paired.py; a failure is written to $FAILLOG (its message) instead of ending the run.
cat >tolerant.sh <<'EOF'
#!/bin/sh
out=$("$@" 2>&1 >/dev/null) || printf '%s\n' "${out:-exit $?}" | head -1 >>"$FAILLOG"
exit 0
EOF
chmod +x tolerant.sh

RULE_FILES=""
if [ "$RULES" = 1 ]; then
  cenv "$NODE" "$ROOT/bin/shoji" fleet --recording-rules >"$WORK/rules.yml" || exit 1
  /usr/bin/promtool check rules "$WORK/rules.yml" >&2 || exit 1
  RULE_FILES="rule_files: [\"$WORK/rules.yml\"]"
fi

echo "# shoji fleet at 10, 100 and 1,000 hosts ($(date -u +%F\ %H:%M) UTC)"
echo
echo "node $($NODE --version) | shoji $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "${SHOJI_REV:-?}") | prometheus $(/usr/bin/prometheus --version 2>&1 | awk 'NR==1{print $3}') | kernel $(uname -r) | $(nproc) cpus"
echo "each host: a node_exporter target; every other host also a shoji exporter target; one host in 50 down (hosts 7, 57, ...); scrape every ${SCRAPE}s"
[ "$RULES" = 1 ] && echo "recording rules (shoji fleet --recording-rules) loaded, evaluated every ${SCRAPE}s: shoji fleet reads the recorded series" ||
  echo "no recording rules: shoji fleet reads every figure raw"
echo

declare -A REQ_PROM REQ_SHOJI HOSTS FLEET_MS NODE_MS RATIO CPU_RATIO FLEET_CPU DAEMON_CPU DAEMON_RSS DAEMON_REFRESHES TARGETS FAILS EVAL_MS DAEMON_LINES
for size in $SIZES; do
  echo "== $size hosts" >&2
  TARGETS[$size]=$("$PY" "$HERE/fleet-fixture.py" sd "$size" "$FIXTURE_PORT" "$WORK/sd")
  rm -rf "$WORK/tsdb"; mkdir -p "$WORK/tsdb"
  PROM_PORT=$(free_port); PROM=http://127.0.0.1:$PROM_PORT
  cat >prometheus.yml <<EOF
global:
  scrape_interval: ${SCRAPE}s
  scrape_timeout: 10s
  evaluation_interval: ${SCRAPE}s
$RULE_FILES
scrape_configs:
  - job_name: node
    file_sd_configs: [{files: ["$WORK/sd/node.json"], refresh_interval: 5s}]
  - job_name: shoji
    file_sd_configs: [{files: ["$WORK/sd/shoji.json"], refresh_interval: 5s}]
EOF
  /usr/bin/prometheus --config.file=prometheus.yml --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn >"prometheus-$size.log" 2>&1 &
  PROM_PID=$!; PIDS+=("$PROM_PID")
  wait_http "$PROM/-/ready" 30 || exit 1
  write_config
  # Every target scraped at least twice (rates need two samples), counted by Prometheus itself.
  for ((i = 0; i < 120; i++)); do
    seen=$(promq 'count(count_over_time(up[10m]) >= 2)')
    [ "$seen" = "${TARGETS[$size]}" ] && break
    sleep 2
  done
  [ "$seen" = "${TARGETS[$size]}" ] || { echo "only $seen of ${TARGETS[$size]} targets scraped twice" >&2; exit 1; }
  if [ "$RULES" = 1 ]; then
    # The rules evaluated once after that, so every host's figures are recorded.
    since=$(date +%s)
    for ((i = 0; i < 120; i++)); do [ "$(rules_evaluated_at)" -gt "$since" ] && break; sleep 1; done
    [ "$(rules_evaluated_at)" -gt "$since" ] || { echo "the recording rules were not evaluated within 120 s" >&2; exit 1; }
    echo "   recorded CPU series: $(promq 'count(host:shoji_fleet_cpu_busy:ratio)')" >&2
  fi

  before=$(api_requests)
  cenv "$NODE" "$ROOT/bin/shoji" fleet --json --prometheus "$PROM" >"fleet-$size.json" 2>"fleet-$size.err" ||
    { echo "shoji fleet failed:" >&2; cat "fleet-$size.err" >&2; exit 1; }
  after=$(api_requests)
  REQ_PROM[$size]=$((after - before))
  read -r REQ_SHOJI[$size] HOSTS[$size] < <("$PY" -c '
import json, sys
j = json.load(open(sys.argv[1]))
print(j.get("requests", "-"), j["total"]["hosts"])' "fleet-$size.json")

  : >"failures-$size.log"
  read -r es0 ec0 < <(eval_seconds)
  cenv FAILLOG="$WORK/failures-$size.log" "$PY" "$HERE/paired.py" "$N" "shoji fleet --json ($size hosts)" 'node -e 0' -- \
    "$WORK/tolerant.sh" "$NODE" "$ROOT/bin/shoji" fleet --json --prometheus "$PROM" --- "$WORK/tolerant.sh" "$NODE" -e 0 >"paired-$size.md" || exit 1
  read -r es1 ec1 < <(eval_seconds)
  FAILS[$size]=$(wc -l <"failures-$size.log")
  EVAL_MS[$size]=$("$PY" -c "n = $ec1 - $ec0; print(f'{($es1 - $es0) / n * 1000:.0f}' if n else '-')")
  read -r FLEET_MS[$size] FLEET_CPU[$size] NODE_MS[$size] RATIO[$size] CPU_RATIO[$size] < <("$PY" -c '
import sys
rows = [[c.strip() for c in l.strip().strip("|").split("|")] for l in open(sys.argv[1])]
print(rows[0][1], rows[0][2], rows[1][1], rows[2][1], rows[2][2])' "paired-$size.md")

  # The fleet module in a running daemon: shoji stream with a layout of just `fleet`.
  if [ "$DAEMON" -le 0 ]; then
    DAEMON_CPU[$size]=-; DAEMON_RSS[$size]=-; DAEMON_LINES[$size]=-; DAEMON_REFRESHES[$size]=-
    kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
    [ "${FAILS[$size]}" -gt 0 ] && echo "   shoji fleet failed ${FAILS[$size]} times, e.g.: $(head -1 "failures-$size.log")" >&2
    continue
  fi
  cenv "$NODE" "$ROOT/bin/shoji" stream --format plain >"stream-$size.out" 2>"stream-$size.err" &
  STREAM_PID=$!; PIDS+=("$STREAM_PID")
  sleep 20
  b=$(api_requests)
  read -r _ cpu _ rss_med _ _ < <("$PY" "$HERE/proc_sample.py" "$DAEMON" 5 stream="$STREAM_PID") || exit 1
  a=$(api_requests)
  kill "$STREAM_PID" 2>/dev/null; wait "$STREAM_PID" 2>/dev/null
  DAEMON_CPU[$size]=$cpu; DAEMON_RSS[$size]=$rss_med
  # The line as it changed: shown (fleet ...) or failed (!fleet ...).
  DAEMON_LINES[$size]="$(grep -c '^fleet' "stream-$size.out") shown, $(grep -c '^!fleet' "stream-$size.out") failed"
  # The module's requests per refresh: the one-shot's, less the probe it remembers for 5 minutes
  # and, without the rules, the snapshot guessed beside the probe (src/fleet/read.ts).
  DAEMON_REFRESHES[$size]=$("$PY" -c "r = int('${REQ_PROM[$size]}') - (1 if '$RULES' == '1' else 2); print(round(($a - $b) / r, 1) if r > 0 else '-')")
  kill "$PROM_PID" 2>/dev/null; wait "$PROM_PID" 2>/dev/null
  echo "   last line: $(tail -1 "stream-$size.out" | cut -c1-100)" >&2
  [ "${FAILS[$size]}" -gt 0 ] && echo "   shoji fleet failed ${FAILS[$size]} times, e.g.: $(head -1 "failures-$size.log")" >&2
done

echo "| hosts | targets | hosts in shoji fleet --json | PromQL requests per refresh (Prometheus's count) | (shoji's count) | shoji fleet wall ms (median of $N) | failed runs | node -e 0 wall ms | ratio to node -e 0 | shoji fleet CPU ms | Prometheus eval ms per query | fleet module: refreshes in ${DAEMON}s | line changes | CPU ms per refresh | CPU ms/s | RSS MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for size in $SIZES; do
  "$PY" - "$size" "${TARGETS[$size]}" "${HOSTS[$size]}" "${REQ_PROM[$size]}" "${REQ_SHOJI[$size]}" "${FLEET_MS[$size]}" "${FAILS[$size]}" "${NODE_MS[$size]}" \
    "${RATIO[$size]}" "${FLEET_CPU[$size]}" "${EVAL_MS[$size]}" "${DAEMON_REFRESHES[$size]}" "${DAEMON_LINES[$size]}" "${DAEMON_CPU[$size]}" "${DAEMON_RSS[$size]}" "$DAEMON" <<'EOF'
import sys
size, targets, hosts, rp, rs, fms, fails, nms, ratio, fcpu, evalms, refreshes, lines, cpu, rss, window = sys.argv[1:]
if cpu == '-':  # DAEMON=0: not measured
    per = per_s = rss_mib = '-'
else:
    cpu_ms = float(cpu) * 1000
    per = f'{cpu_ms / float(refreshes):.1f}' if refreshes not in ('-', '0', '0.0') else '-'
    per_s, rss_mib = f'{cpu_ms / float(window):.2f}', f'{int(rss) / 1024:.1f}'
print(f'| {size} | {targets} | {hosts} | {rp} | {rs} | {fms} | {fails} | {nms} | {ratio} | {fcpu} | {evalms} | {refreshes} | {lines} | {per} | {per_s} | {rss_mib} |')
EOF
done
first=${SIZES%% *}; last=${SIZES##* }
echo
"$PY" -c "print(f'shoji fleet wall time, $last hosts over $first hosts (medians): {float(\"${FLEET_MS[$last]}\") / float(\"${FLEET_MS[$first]}\"):.2f}')"
echo
echo "Rerun: SIZES=\"$SIZES\" N=$N DAEMON=$DAEMON RULES=$RULES bash test/bench/fleet-scale.sh. Working files in $WORK."
