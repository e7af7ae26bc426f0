#!/usr/bin/env bash
# exporter-pair.sh - two or more builds of `shoji exporter` side by side, at the same moment: each
# on its own loopback port with fresh config, state and runtime folders (factory defaults), fetched
# with curl every 15 s (a Prometheus's pace) for WINDOW seconds after two fetches of warm-up. Each
# build is started once first, for a few seconds, so that its code caches exist, as a deployed
# exporter's usually do. Reported for each: CPU in ms over the window (every thread, nanoseconds
# from /proc/PID/task/*/schedstat), wake-ups of its main thread (voluntary_ctxt_switches), and its
# resident memory: VmRSS every 5 s (median and max) and VmHWM (the peak) at the end. On a shared
# machine whose load moves between runs, builds measured in the same window are comparable where
# runs one after another (exporter.sh) are not.
#
# Usage:   bash test/bench/exporter-pair.sh LABEL=REPO [LABEL=REPO ...]
#          REPO: a checkout with its build (dist/) and node_modules, e.g. an older commit from
#          `git archive COMMIT | tar -x -C /tmp/old`, dist built there or copied, node_modules linked
# Env:     WINDOW=600
# Output:  one line per build.
# Only processes this script starts are signalled (by PID), at exit.
set -u

WINDOW=${WINDOW:-600}
WORK=$(mktemp -d /tmp/shoji-exporter-pair.XXXX)
PIDS=()
trap '[ ${#PIDS[@]} -eq 0 ] || kill "${PIDS[@]}" 2>/dev/null; sleep 1; rm -rf "$WORK"' EXIT

[ $# -ge 1 ] || { echo "usage: $0 LABEL=REPO [LABEL=REPO ...]" >&2; exit 2; }

# start LABEL REPO: an exporter of REPO's build in fresh folders under $WORK/LABEL; prints its PID
start() {
  local dir=$WORK/$1
  rm -rf "$dir" && mkdir -p "$dir/config" "$dir/state" "$dir/cache" "$dir/run" && chmod 700 "$dir/run"
  env -i HOME="$dir" PATH="$PATH" LANG=C.UTF-8 XDG_CONFIG_HOME="$dir/config" XDG_STATE_HOME="$dir/state" \
    XDG_CACHE_HOME="$dir/cache" XDG_RUNTIME_DIR="$dir/run" AWS_EC2_METADATA_DISABLED=true \
    node "$2/bin/shoji" exporter --listen 127.0.0.1:0 >"$dir/out" 2>"$dir/err" &
  echo $!
}
address() { # the address an exporter said it listens on
  local i
  for ((i = 0; i < 100; i++)); do
    grep -soE '127\.0\.0\.1:[0-9]+' "$WORK/$1/err" | head -1 && return
    sleep 0.1
  done
}
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

labels=() repos=()
for arg in "$@"; do labels+=("${arg%%=*}"); repos+=("${arg#*=}"); done

# A first run of each, ended with SIGTERM (which exits 0): it writes the code caches.
for i in "${!labels[@]}"; do
  pid=$(start "${labels[$i]}" "${repos[$i]}")
  sleep 4
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done

pids=() addrs=()
for i in "${!labels[@]}"; do
  pids+=("$(start "${labels[$i]}" "${repos[$i]}")")
  PIDS+=("${pids[$i]}")
done
for i in "${!labels[@]}"; do addrs+=("$(address "${labels[$i]}")"); done
fetch_all() { for a in "${addrs[@]}"; do curl -s "http://$a/metrics" -o /dev/null; done; }
for _ in 1 2; do fetch_all; sleep 15; done

cpu0=() wake0=()
for i in "${!labels[@]}"; do
  cpu0+=("$(cpu_ns "${pids[$i]}")")
  wake0+=("$(status_kib "${pids[$i]}" voluntary_ctxt_switches)")
  : >"$WORK/${labels[$i]}.rss"
done
for ((t = 0; t < WINDOW; t += 15)); do
  fetch_all
  for _ in 1 2 3; do
    for i in "${!labels[@]}"; do status_kib "${pids[$i]}" VmRSS >>"$WORK/${labels[$i]}.rss"; done
    sleep 5
  done
done

echo "exporter-pair $(date -u '+%Y-%m-%d %H:%M UTC'), window ${WINDOW} s, fetched every 15 s"
for i in "${!labels[@]}"; do
  p=${pids[$i]}
  rss=$(sort -n "$WORK/${labels[$i]}.rss" | awk '{a[NR] = $1} END {printf "RSS median %.1f MiB (max %.1f)", a[int((NR + 1) / 2)] / 1024, a[NR] / 1024}')
  printf '%s: CPU %d ms, %d wake-ups, %s, VmHWM %.1f MiB\n' "${labels[$i]}" \
    $((($(cpu_ns "$p") - cpu0[i]) / 1000000)) $(($(status_kib "$p" voluntary_ctxt_switches) - wake0[i])) \
    "$rss" "$(awk -v k="$(status_kib "$p" VmHWM)" 'BEGIN {print k / 1024}')"
done
