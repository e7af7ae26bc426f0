#!/usr/bin/env bash
# dashboard-pair.sh - two or more builds of `shoji dashboard` side by side, at the same moment, in
# one private tmux server (160x48 panes, refresh and process list every 1 s, fresh config, state
# and cache folders): each one's own CPU % of one core (utime + stime of the node process) over
# the window after 5 s, and its resident memory (VmRSS) and peak (VmHWM) at the end. On a shared
# machine whose load moves by tens of percent of a core between runs, builds measured in the same
# window are comparable where runs one after another (dashboard.sh) are not.
#
# Usage:   bash test/bench/dashboard-pair.sh LABEL=REPO [LABEL=REPO ...]
#          REPO: a checkout with its build (dist/) and node_modules, e.g. an older commit from
#          `git archive COMMIT | tar -x -C /tmp/old`, dist built there or copied, node_modules linked
# Env:     WINDOW=60  EXTRA_PROCS=0 (this many idle `sleep` processes started first, killed at exit)
# Output:  one line per build.
# Only processes this script starts are signalled (by PID); its tmux server is stopped at exit.
set -u

WINDOW=${WINDOW:-60}
EXTRA_PROCS=${EXTRA_PROCS:-0}
TM="tmux -L shoji-dash-pair"
HZ=$(getconf CLK_TCK)
WORK=$(mktemp -d /tmp/shoji-dash-pair.XXXX)
EXTRA_PIDS=()
# The dashboards write their state as they end: give them a moment before their folders go.
trap '[ ${#EXTRA_PIDS[@]} -eq 0 ] || kill "${EXTRA_PIDS[@]}" 2>/dev/null; $TM kill-server 2>/dev/null; sleep 1; rm -rf "$WORK"' EXIT

own_ticks() { # utime + stime of one process
  local l; l=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  l=${l##*) }; set -- $l; echo $(( ${12} + ${13} ))
}
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

for ((i = 0; i < EXTRA_PROCS; i++)); do sleep 86400 & EXTRA_PIDS+=($!); done

declare -A PANE
labels=()
for spec in "$@"; do
  label=${spec%%=*} repo=${spec#*=}
  cfg=$WORK/$label
  mkdir -p "$cfg/shoji"
  printf 'dashboard:\n  refresh: 1\n  process_interval: 1\n' >"$cfg/shoji/config.yaml"
  $TM new-session -d -s "$label" -x 160 -y 48 \
    "exec env -u SHOJI_CONFIG_DIR -u SHOJI_STATE_DIR -u SHOJI_CACHE_DIR -u SHOJI_RUNTIME_DIR LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$cfg XDG_STATE_HOME=$cfg/state XDG_CACHE_HOME=$cfg/cache XDG_RUNTIME_DIR=$cfg/run $(command -v node) $repo/bin/shoji dashboard"
  PANE[$label]=$($TM display-message -p -t "$label" '#{pane_pid}')
  labels+=("$label")
done

sleep 5
declare -A T0
for l in "${labels[@]}"; do T0[$l]=$(own_ticks "${PANE[$l]}"); done
s0=$(date +%s%N)
sleep "$WINDOW"
s1=$(date +%s%N)
for l in "${labels[@]}"; do
  p=${PANE[$l]}
  awk -v l="$l" -v a="${T0[$l]}" -v b="$(own_ticks "$p")" -v hz="$HZ" -v ns=$((s1 - s0)) -v rss="$(status_kib "$p" VmRSS)" -v hwm="$(status_kib "$p" VmHWM)" \
    'BEGIN { printf "%s: CPU %.2f %% of one core, RSS %.1f MiB (peak %.1f)\n", l, (b - a) / hz / (ns / 1e9) * 100, rss / 1024, hwm / 1024 }'
done
echo "(${WINDOW} s after 5 s; ${EXTRA_PROCS} extra processes; $(ls /proc | grep -c '^[0-9]') processes at the end)"
