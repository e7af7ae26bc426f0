#!/usr/bin/env bash
# dashboard.sh - `shoji dashboard` measured in one run beside btop and htop (Debian) and gtop
# (npm): time to first frame, time until every panel shows values, steady-state CPU % of one
# core, RSS, and the bytes each writes to its terminal; optionally again with thousands of extra
# (idle) processes on the machine, to show how each monitor's cost grows with the process count. The method is the one of the peers'
# benchmark this script is modelled on (a private tmux server, a 160x48 pane, CPU from
# /proc/*/stat of the pane's process tree including reaped children), so the figures can be
# set beside the peers' published ones.
#
# Usage:   bash test/bench/dashboard.sh            (after `npm run build`)
# Env:     PEERS="shoji btop htop"  TRIALS=3  WARMUP=5  WINDOW=60
#          REFRESH=1    every monitor's refresh in seconds, its process list included (btop
#                       through its config file, htop with -d, shoji through dashboard.refresh and
#                       dashboard.process_interval; gtop's is fixed); REFRESH= : each one's default
#          EXTRA_PROCS="0 2000"   the runs, each with this many extra idle `sleep` processes
#                       started by the script (and killed by it at exit)
#          WORK=/tmp/shoji-dash-bench  CAPDIR=$WORK/captures  SKIP_INSTALL=1
#          SHOJI_CONFIG=<a config.yaml for shoji's fresh config folder> (default: none, factory defaults)
# Output:  a markdown table on stdout; per-trial rows in $WORK/results.tsv.
# Installs only what is missing: gtop with npm into $WORK, btop with apt-get.
# Only processes this script starts are ever signalled (by PID); the private tmux
# server (-L shoji-dash-bench) it starts is stopped with kill-server at exit.
set -u

PEERS=${PEERS:-"shoji btop htop"}
REFRESH=${REFRESH-1}
EXTRA_PROCS=${EXTRA_PROCS:-"0 2000"}
TRIALS=${TRIALS:-3}
WARMUP=${WARMUP:-5}        # seconds from start before the CPU window opens
WINDOW=${WINDOW:-60}       # seconds of the CPU window
POLL=0.05                  # first-frame poll period (s)
FRAME_TIMEOUT_MS=15000
COLS=160 ROWS=48
WORK=${WORK:-/tmp/shoji-dash-bench}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CAPDIR=${CAPDIR:-$WORK/captures}
TM="tmux -L shoji-dash-bench -f $WORK/tmux.conf"
HZ=$(getconf CLK_TCK)

log() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- install
install_peers() {
  mkdir -p "$WORK"
  [ -f "$ROOT/dist/shoji.cjs" ] || { log "build shoji first: npm run build"; exit 1; }
  local need=()
  for p in tmux btop htop; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  if [ ${#need[@]} -gt 0 ]; then
    log "apt-get install ${need[*]}"
    apt-get update >"$WORK/apt-update.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" \
      >"$WORK/apt-install.log" 2>&1 || { log "apt-get install failed, see $WORK/apt-install.log"; exit 1; }
  fi
  if [[ " $PEERS " == *" gtop "* ]] && [ ! -x "$WORK/node_modules/.bin/gtop" ]; then
    log "npm install gtop@1.1.5 into $WORK"
    ( cd "$WORK" && { [ -f package.json ] || npm init -y >/dev/null 2>&1; } &&
      npm install --no-audit --no-fund gtop@1.1.5 >"$WORK/npm.log" 2>&1 ) ||
      { log "npm install failed, see $WORK/npm.log"; exit 1; }
  fi
}

versions() {
  local nm=$WORK/node_modules v
  v() { node -p "require('$nm/$1/package.json').version" 2>/dev/null || echo '?'; }
  echo "node $(node -v), tmux $(tmux -V | cut -d' ' -f2), kernel $(uname -r), $(nproc) cores"
  echo "shoji $(node -p "require('$ROOT/package.json').version") (blessed $(node -p "require('$ROOT/node_modules/blessed/package.json').version"), $(cd "$ROOT" && git describe --always --dirty 2>/dev/null || echo 'no git'))"
  echo "gtop $(v gtop) (blessed $(v blessed), blessed-contrib $(v blessed-contrib), systeminformation $(v systeminformation))"
  echo "btop $(btop --version | awk '{print $NF}'), $(htop --version | head -1)"
}

# ---------------------------------------------------------------- peers
# peer_cmd NAME CFGDIR -> command run (exec'd) inside the pane
peer_cmd() {
  local env="env LANG=C.UTF-8 LC_ALL=C.UTF-8 XDG_CONFIG_HOME=$2"
  case $1 in
    # A fresh config, state and cache folder: factory defaults (or $SHOJI_CONFIG), nothing cached.
    shoji)   echo "exec env -u SHOJI_CONFIG_DIR -u SHOJI_STATE_DIR -u SHOJI_CACHE_DIR -u SHOJI_RUNTIME_DIR ${env#env } XDG_STATE_HOME=$2/state XDG_CACHE_HOME=$2/cache XDG_RUNTIME_DIR=$2/run $(command -v node) $ROOT/bin/shoji dashboard" ;;
    gtop)    echo "exec $env $WORK/node_modules/.bin/gtop" ;;
    btop)    echo "exec $env btop" ;;
    htop)    echo "exec $env htop${REFRESH:+ -d $((REFRESH * 10))}" ;;
  esac
}
# peer_config NAME CFGDIR: the refresh interval in the peer's own config file, where it has one
peer_config() {
  [ -n "$REFRESH" ] || return 0
  case $1 in
    shoji) mkdir -p "$2/shoji"; [ -f "$2/shoji/config.yaml" ] || printf 'dashboard:\n  refresh: %s\n  process_interval: %s\n' "$REFRESH" "$REFRESH" >"$2/shoji/config.yaml" ;;
    btop)  mkdir -p "$2/btop"; printf 'update_ms = %d\n' $((REFRESH * 1000)) >"$2/btop/btop.conf" ;;
  esac
}
# Default refresh interval (from source / default config)
peer_refresh() {
  case $1 in
    shoji)   echo "1 s (dashboard.refresh); processes 3 s" ;;
    gtop)    echo "1 s (CPU/mem/net), 3 s procs, 10 s disk; fixed" ;;
    btop)    echo "2 s (update_ms=2000)" ;;
    htop)    echo "1.5 s (-d 15)" ;;
  esac
}
# "first frame": >10 non-empty lines AND these regexes (panel chrome drawn)
peer_frame_re() {
  case $1 in
    shoji)   echo 'CPU|Processes' ;;
    gtop)    echo 'CPU History|Processes' ;;
    btop)    echo 'cpu|proc' ;;
    htop)    echo 'PID|Command' ;;
  esac
}
# "data frame": every panel shows values (all regexes, '|'-separated list)
peer_data_re() {
  case $1 in
    shoji)   echo 'CPU [0-9]+%|%CPU|rx [0-9]|Mem .*[0-9]%|Disk [0-9]+%' ;;
    gtop)    echo 'CPU1 +[0-9.]+%|%CPU|Receiving:|Swap|[0-9]%' ;;
    btop)    echo 'Total:|Pid:|Byte/s' ;;
    htop)    echo 'Tasks: [0-9]|Load average: [0-9]|Mem\[.*[0-9]' ;;
  esac
}

all_match() { # all_match FILE 're1|re2|...'  (split on '|' only at top level: keep regexes simple)
  local f=$1 IFS='|' r
  for r in $2; do grep -Eq -- "$r" "$f" || return 1; done
}

# ---------------------------------------------------------------- /proc helpers
# tree_stat ROOT -> "ticks nprocs rss_kib_sum self_ticks" for ROOT and all live descendants;
# ticks = utime+stime+cutime+cstime (reaped children are in the parent's c*time);
# self_ticks = ROOT's own utime+stime (so children = ticks - self_ticks)
tree_stat() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    { pid=$1; line=$0; sub(/^.*\) /, "", line); n=split(line, f, " ");
      ppid[pid]=f[2]; t[pid]=f[12]+f[13]+f[14]+f[15]; rss[pid]=f[22]*4; if (pid==root) S=f[12]+f[13] }
    END { in_[root]=1; ch=1
          while (ch) { ch=0; for (p in ppid) if (!(p in in_) && (ppid[p] in in_)) { in_[p]=1; ch=1 } }
          for (p in in_) if (p in t) { T+=t[p]; N++; R+=rss[p] }
          printf "%d %d %d %d\n", T, N, R, S }'
}
proc_ticks() { # own utime+stime of one process (no children)
  local l; l=$(cat /proc/$1/stat 2>/dev/null) || { echo 0; return; }
  l=${l##*) }; set -- $l; echo $(( ${12} + ${13} ))
}
sys_busy() { # busy jiffies summed over all CPUs
  awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat
}
vmrss_kib() { awk '/^VmRSS:/{print $2}' /proc/$1/status 2>/dev/null || echo 0; }
tree_comms() {
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    { pid=$1; c=$0; sub(/^[0-9]+ \(/,"",c); sub(/\) .*$/,"",c); line=$0; sub(/^.*\) /,"",line); split(line,f," "); ppid[pid]=f[2]; comm[pid]=c }
    END { in_[root]=1; ch=1
          while (ch) { ch=0; for (p in ppid) if (!(p in in_) && (ppid[p] in in_)) { in_[p]=1; ch=1 } }
          s=""; for (p in in_) if (p in comm) s=s comm[p] ","; print s }'
}
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
nonempty() { grep -c '[^[:space:]]' "$1"; }

stop_pane() { # kill the session, make sure the peer (our own child) is gone
  local pid=$1 i
  $TM kill-session -t p 2>/dev/null
  for i in $(seq 1 60); do [ -d /proc/$pid ] || return 0; sleep 0.05; done
  kill -TERM "$pid" 2>/dev/null; sleep 0.5
  [ -d /proc/$pid ] && kill -KILL "$pid" 2>/dev/null
  return 0
}

# ---------------------------------------------------------------- one trial
# prints: name trial frame_ms data_ms cpu_pct rss_mib tree_rss_mib nprocs bytes_per_s tmux_cpu_pct sys_cpu_pct child_cpu_pct tree
trial() {
  local name=$1 k=$2 cfg cap start el frame=NA data=NA pane_pid srv t0 t1 s0 s1 b0 b1 m0 m1
  cfg=$(mktemp -d "$WORK/cfg.XXXX")         # fresh config dir: default settings every trial
  if [ "$name" = shoji ] && [ -n "${SHOJI_CONFIG:-}" ]; then mkdir -p "$cfg/shoji" && cp "$SHOJI_CONFIG" "$cfg/shoji/config.yaml"; fi
  peer_config "$name" "$cfg"
  cap=$WORK/cap.txt
  $TM has-session -t p 2>/dev/null && $TM kill-session -t p
  start=$(now_ms)
  $TM new-session -d -s p -x $COLS -y $ROWS "$(peer_cmd "$name" "$cfg")"
  pane_pid=$($TM display-message -p -t p '#{pane_pid}')
  while :; do
    el=$(( $(now_ms) - start ))
    $TM capture-pane -p -t p >"$cap" 2>/dev/null || break
    if [ "$frame" = NA ] && [ "$(nonempty "$cap")" -gt 10 ] && all_match "$cap" "$(peer_frame_re "$name")"; then frame=$el; fi
    if [ "$frame" != NA ] && [ "$data" = NA ] && all_match "$cap" "$(peer_data_re "$name")"; then data=$el; fi
    [ "$data" != NA ] && break
    [ $el -gt $FRAME_TIMEOUT_MS ] && break
    sleep $POLL
  done
  # warm-up: CPU window opens WARMUP s after start
  el=$(( $(now_ms) - start )); [ $el -lt $((WARMUP*1000)) ] && sleep "$(awk -v m=$((WARMUP*1000-el)) 'BEGIN{print m/1000}')"
  srv=$($TM display-message -p '#{pid}')
  : >"$WORK/bytes.$name"
  $TM pipe-pane -O -t p "cat > $WORK/bytes.$name"
  read -r t0 _ _ r0 < <(tree_stat "$pane_pid"); s0=$(sys_busy); m0=$(proc_ticks "$srv"); b0=$(now_ms)
  sleep "$WINDOW"
  read -r t1 np trss r1 < <(tree_stat "$pane_pid"); s1=$(sys_busy); m1=$(proc_ticks "$srv"); b1=$(now_ms)
  local rss comms; rss=$(vmrss_kib "$pane_pid"); comms=$(tree_comms "$pane_pid")
  $TM pipe-pane -t p                          # close the pipe
  $TM capture-pane -p -t p >"$WORK/last.$name.txt" 2>/dev/null
  stop_pane "$pane_pid"; rm -rf "$cfg"
  sleep 0.3
  local bytes; bytes=$(stat -c %s "$WORK/bytes.$name" 2>/dev/null || echo 0)
  awk -v n="$name" -v k="$k" -v f="$frame" -v d="$data" -v t0="$t0" -v t1="$t1" -v hz="$HZ" \
      -v ms=$((b1-b0)) -v rss="$rss" -v trss="$trss" -v np="$np" -v by="$bytes" \
      -v m0="$m0" -v m1="$m1" -v s0="$s0" -v s1="$s1" -v r0="$r0" -v r1="$r1" -v c="$comms" 'BEGIN{
        sec=ms/1000; printf "%s\t%d\t%s\t%s\t%.2f\t%.1f\t%.1f\t%d\t%.0f\t%.2f\t%.2f\t%.2f\t%s\n", n, k, f, d,
        100*(t1-t0)/hz/sec, rss/1024, trss/1024, np, by/sec, 100*(m1-m0)/hz/sec, 100*(s1-s0)/hz/sec,
        100*((t1-t0)-(r1-r0))/hz/sec, c }'
}

median() { sort -g | awk '{a[NR]=$1} END{ if (NR==0) {print "NA"} else if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2 }'; }

# ---------------------------------------------------------------- main
[ "${SKIP_INSTALL:-0}" = 1 ] || install_peers
mkdir -p "$WORK" "$CAPDIR"
cat >"$WORK/tmux.conf" <<'EOF'
set -g default-terminal "screen-256color"
set -g status off
set -g exit-empty off
set -g history-limit 0
EOF
$TM kill-server 2>/dev/null; sleep 0.2
LANG=C.UTF-8 $TM start-server
[ -n "${SHOJI_CONFIG:-}" ] && log "shoji runs with config $SHOJI_CONFIG: $(tr '\n' ' ' <"$SHOJI_CONFIG")"

log "$(versions)"

# extra_procs N: start N idle `sleep` processes (children of this script, so only ours are ever
# killed), or stop the ones started before when N is 0.
EXTRA_PIDS=()
extra_procs() {
  if [ ${#EXTRA_PIDS[@]} -gt 0 ]; then kill "${EXTRA_PIDS[@]}" 2>/dev/null; wait "${EXTRA_PIDS[@]}" 2>/dev/null; EXTRA_PIDS=(); fi
  local i
  for ((i = 0; i < $1; i++)); do sleep 86400 & EXTRA_PIDS+=($!); done
}
trap '[ ${#EXTRA_PIDS[@]} -eq 0 ] || kill "${EXTRA_PIDS[@]}" 2>/dev/null; $TM kill-server 2>/dev/null' EXIT

RES=$WORK/results.tsv
printf 'extra\tpeer\ttrial\tframe_ms\tdata_ms\tcpu_pct\trss_mib\ttree_rss_mib\tnprocs\tout_bytes_s\ttmux_cpu_pct\tsys_cpu_pct\tchild_cpu_pct\ttree\n' >"$RES"
declare -A IDLE
for extra in $EXTRA_PROCS; do
  extra_procs "$extra"
  log "== with $extra extra processes ($(ls -d /proc/[0-9]* | wc -l) in all)"
  # machine baseline: whole-machine busy CPU (% of one core) with no peer running
  s0=$(sys_busy); b0=$(now_ms); sleep "$WINDOW"; s1=$(sys_busy); b1=$(now_ms)
  IDLE[$extra]=$(awk -v a="$s0" -v b="$s1" -v hz="$HZ" -v ms=$((b1-b0)) 'BEGIN{printf "%.2f", 100*(b-a)/hz/(ms/1000)}')
  log "machine baseline (no peer): ${IDLE[$extra]} % of one core"
  for name in $PEERS; do
    for k in $(seq 1 "$TRIALS"); do
      row=$(trial "$name" "$k"); printf '%s\t%s\n' "$extra" "$row" >>"$RES"; log "$row"
    done
    cp "$WORK/last.$name.txt" "$CAPDIR/$name-$extra.txt"
  done
done
extra_procs 0

refresh_text() { if [ -n "$REFRESH" ]; then echo "$REFRESH s"; else peer_refresh "$1"; fi; }
echo
echo "Measured in tmux ${COLS}x${ROWS}, $TRIALS trials each, medians; CPU window ${WINDOW} s after ${WARMUP} s warm-up."
echo "CPU % is of one core (process tree incl. reaped children); RSS = VmRSS of the peer process at the end of the window."
for extra in $EXTRA_PROCS; do
  echo
  echo "With $extra extra idle processes; machine busy CPU with no peer running: ${IDLE[$extra]} % of one core (in the 'machine CPU %' column)."
  echo
  echo "| peer | first frame ms | all panels ms | CPU % | of which child procs % | RSS MiB | out KiB/s | tmux srv CPU % | machine CPU % | refresh |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for name in $PEERS; do
    col() { awk -F'\t' -v e="$extra" -v n="$name" -v c="$(( $1 + 1 ))" 'NR>1 && $1==e && $2==n && $c!="NA"{print $c}' "$RES" | median; }
    kib=$(col 9 | awk '{ if ($1=="NA") print "NA"; else printf "%.1f", $1/1024 }')
    echo "| $name | $(col 3) | $(col 4) | $(col 5) | $(col 12) | $(col 6) | $kib | $(col 10) | $(col 11) | $(refresh_text "$name") |"
  done
done
set -- $EXTRA_PROCS
if [ $# -ge 2 ]; then
  echo
  echo "Growth: each monitor's median CPU with $2 extra processes over its median with $1."
  echo
  echo "| peer | CPU % at +$1 | CPU % at +$2 | growth |"
  echo "|---|---|---|---|"
  for name in $PEERS; do
    a=$(awk -F'\t' -v e="$1" -v n="$name" 'NR>1 && $1==e && $2==n {print $6}' "$RES" | median)
    b=$(awk -F'\t' -v e="$2" -v n="$name" 'NR>1 && $1==e && $2==n {print $6}' "$RES" | median)
    echo "| $name | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN{ if (a > 0) printf "%.2fx", b/a; else print "NA" }') |"
  done
fi
echo
echo "per-trial rows: $RES ; captures: $CAPDIR/"
