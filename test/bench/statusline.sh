#!/usr/bin/env bash
# test/bench/statusline.sh — what shoji's tmux status line costs, beside byobu and a
# `#(cat FILE)` floor, measured in ONE run on this machine (numbers here are noisy: compare the
# ratios within a run, not figures across runs).
#
#   1. in situ: a private tmux 3.3 server per contender, one client attached on a 200x50 pty,
#      status-interval 1, WIN seconds: CPU of everything the contender adds (tmux server, its
#      jobs, and for shoji its daemon), bytes drawn to the attached terminal, the daemon's RSS;
#   2. one-shot `shoji status --format tmux` and `ec2-cost --detail` against `node -e 0`,
#      run alternately in the same clean environment (medians of N);
#
#   3. processes each contender starts per minute in the steady state: after the CPU window,
#      strace follows the tmux server (and shoji's daemon) for PWIN seconds and counts every
#      execve and every fork/clone that is not a thread (strace slows what it follows, so this
#      window is apart from the CPU one).
#
# Usage: bash test/bench/statusline.sh     Env: WIN=60 N=30 PWIN=30 WORK=/tmp/shoji-bench SKIP_INSTALL=1
#   CONFIG=FILE: shoji's config.yaml for the run (e.g. test/bench/every-module.yaml: every module
#   that has something to show here, on both sides), else shoji's defaults.
# It installs tmux, byobu and python3 from Debian when missing, builds shoji if dist/ is
# missing, and only ever kills the tmux servers on its own sockets (-L shb-*).
set -u
WIN=${WIN:-60}; N=${N:-30}; PWIN=${PWIN:-30}; WORK=${WORK:-/tmp/shoji-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/bench
PY=/usr/bin/python3
CLEANPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NODE=$(command -v node)
TICK_MS=$((1000 / $(getconf CLK_TCK)))

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  missing=
  for p in tmux byobu python3; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing:$missing" >&2
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing >/dev/null || exit 1
  fi
fi
[ -f "$ROOT/dist/shoji.cjs" ] || (cd "$ROOT" && npm run build >/dev/null) || exit 1

CONFIG=${CONFIG:+$(realpath "$CONFIG")}
rm -rf "$WORK"; mkdir -p "$WORK/home" && cd "$WORK" || exit 1
if [ -n "$CONFIG" ]; then (umask 077 && mkdir -p shoji-config && cp "$CONFIG" shoji-config/config.yaml) || exit 1; fi
U=$(id -un)
# Clean environments, identical for every contender but for each one's own variables.
cat > cenv.sh <<EOF
#!/bin/sh
exec env -i HOME=$WORK/home USER=$U LOGNAME=$U SHELL=/bin/bash TERM=screen-256color LANG=C.UTF-8 PATH=$CLEANPATH \
  SHOJI_CONFIG_DIR=$WORK/shoji-config SHOJI_STATE_DIR=$WORK/shoji-state SHOJI_CACHE_DIR=$WORK/shoji-cache \
  SHOJI_RUNTIME_DIR=$WORK/shoji-run AWS_EC2_METADATA_DISABLED=true "\$@"
EOF
# byobu's job environment as its launcher exports it into the tmux server.
cat > benv.sh <<EOF
#!/bin/sh
exec env -i "BYOBU_ACCENT=\\#75507B" BYOBU_BACKEND=tmux BYOBU_CHARMAP=UTF-8 BYOBU_CONFIG_DIR=$WORK/byobu "BYOBU_DARK=\\#333333" "BYOBU_DATE=%Y-%m-%d " "BYOBU_DISTRO=Debian GNU/Linux" BYOBU_EDITOR=sensible-editor "BYOBU_HIGHLIGHT=\\#DD4814" "BYOBU_LIGHT=\\#EEEEEE" BYOBU_PAGER=sensible-pager BYOBU_PREFIX=/usr BYOBU_PYTHON=python3 BYOBU_READLINK=readlink BYOBU_SED=sed BYOBU_TERM=screen-256color "BYOBU_TIME=%H:%M:%S" BYOBU_ULIMIT=ulimit BYOBU_WINDOW_NAME=- HOME=$WORK/home LANG=C.UTF-8 LOGNAME=$U PATH=$CLEANPATH SHELL=/bin/bash TERM=screen-256color USER=$U "\$@"
EOF
chmod +x cenv.sh benv.sh
mkdir -p byobu && ./benv.sh byobu-status tmux_right > status.cache 2>/dev/null

# Sum of utime+stime+cutime+cstime (ticks) over the given PIDs and all their live descendants.
tree_ticks() {
  "$PY" - "$@" <<'EOF'
import os, sys
roots = {int(p) for p in sys.argv[1:] if p}
stat = {}
for d in os.listdir('/proc'):
    if d.isdigit():
        try:
            s = open(f'/proc/{d}/stat').read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        stat[int(d)] = (int(f[1]), sum(int(x) for x in f[11:15]))
todo, seen, total = list(roots), set(), 0
while todo:
    p = todo.pop()
    if p in seen or p not in stat:
        continue
    seen.add(p); total += stat[p][1]
    todo += [c for c, (pp, _) in stat.items() if pp == p]
print(total)
EOF
}

echo "# shoji status line benchmark ($(date -u +%F\ %H:%M) UTC)"
echo
echo "tmux $(tmux -V | cut -d' ' -f2) | byobu $(dpkg-query -W -f='${Version}' byobu) | node $($NODE --version) | kernel $(uname -r) | $(nproc) cpus | window ${WIN}s, one client on a 200x50 pty, status-interval 1"
echo
echo "## in situ: everything each contender adds (CPU ms per second of wall time; ${TICK_MS} ms ticks)"
echo
echo "config: ${CONFIG:-the defaults}"
echo
echo "| contender | status-right | CPU ms/s, all told | of which tmux server and its jobs | of which shoji's daemon | tty bytes/s | daemon RSS MiB | processes started a minute (exec, fork) |"
echo "|---|---|---|---|---|---|---|---|"

# insitu NAME WRAPPER SETUP_FN: SETUP_FN configures the server on socket $S; EXTRA_PIDS_FN prints more PIDs to count.
insitu() {
  local NAME=$1 WRAP=$2 SETUP=$3 S=shb-$1
  local T="tmux -L $S"
  $T kill-server 2>/dev/null
  $WRAP tmux -L "$S" -f /dev/null new -d -s s -x 200 -y 50
  $T set -g status-interval 1; $T set -g status-left-length 100; $T set -g status-right-length 300
  $SETUP "$S"
  local SPID; SPID=$($T display -p '#{pid}')
  $WRAP "$PY" "$HERE/ptyclient.py" $((WIN + 12)) "pty.$NAME.log" 200 50 -- tmux -L "$S" attach -t s & local CP=$!
  sleep 8   # warm-up: first jobs, daemon start
  local extra; extra=$(extra_pids "$NAME" "$SPID")
  # The daemon is started by a job, so it may sit inside the server's tree: count every process
  # once in the total, and the daemon's subtree on its own.
  local t0 d0=0 b0 t1 d1=0 b1
  t0=$(tree_ticks "$SPID" $extra); [ -n "$extra" ] && d0=$(tree_ticks $extra); b0=$(stat -c %s "pty.$NAME.log")
  sleep "$WIN"
  t1=$(tree_ticks "$SPID" $extra); [ -n "$extra" ] && d1=$(tree_ticks $extra); b1=$(stat -c %s "pty.$NAME.log")
  local rss=-
  if [ -n "$extra" ]; then rss=$(awk '/VmRSS/{printf "%.1f", $2/1024}' "/proc/${extra%% *}/status" 2>/dev/null); fi
  local started; started=$(processes_started "$SPID" $extra)
  local sr; sr=$($T show -gv status-right | cut -c1-60)
  wait "$CP" 2>/dev/null; $T kill-server 2>/dev/null
  per_s() { echo "scale=2; $1 * $TICK_MS / $WIN" | bc; }
  printf '| %s | `%s` | %s | %s | %s | %s | %s | %s |\n' "$NAME" "${sr//|/\\|}" \
    "$(per_s $(( t1 - t0 )))" "$(per_s $(( t1 - t0 - d1 + d0 )))" "$(per_s $(( d1 - d0 )))" "$(( (b1 - b0) / WIN ))" "$rss" "$started"
}
# "EXECS, FORKS" a minute: strace follows the given PIDs and what they start for PWIN seconds.
processes_started() {
  command -v strace >/dev/null || { echo 'n/a (no strace)'; return; }
  local args=() p
  for p in "$@"; do args+=(-p "$p"); done
  timeout "$PWIN" strace -f -qq -e trace=fork,vfork,clone,clone3,execve -o "strace.$$.log" "${args[@]}" 2>/dev/null
  local execs forks
  execs=$(grep -c ' execve(' "strace.$$.log")
  forks=$(grep -E ' (clone3?|v?fork)\(' "strace.$$.log" | grep -vc CLONE_THREAD)
  rm -f "strace.$$.log"
  echo "$(( execs * 60 / PWIN )), $(( forks * 60 / PWIN ))"
}
extra_pids() {  # the shoji daemon serving server $2 lives outside the tmux server's process tree
  [ "$1" = shoji ] || return 0
  cat "$WORK/shoji-run/tmux-$2/daemon.pid" 2>/dev/null
}

setup_static() { tmux -L "$1" set -g status-right 'static text, no job'; }
setup_floor() { tmux -L "$1" set -g status-right "#(cat $WORK/status.cache)"; }
setup_byobu() {
  tmux -L "$1" set -g status-left '#(byobu-status tmux_left)'
  tmux -L "$1" set -g status-right '#(byobu-status tmux_right)%Y-%m-%d %H:%M:%S'
}
setup_shoji() {
  ./cenv.sh "$NODE" "$ROOT/dist/shoji.cjs" tmux-conf > shoji-tmux.conf
  tmux -L "$1" source-file "$WORK/shoji-tmux.conf"
  tmux -L "$1" set -g status-interval 1
}

insitu static ./cenv.sh setup_static
insitu floor-cat ./cenv.sh setup_floor
insitu byobu ./benv.sh setup_byobu
insitu shoji ./cenv.sh setup_shoji

echo
echo "## one-shot, alternating runs in one clean environment (median of $N; ms)"
echo
echo "| command | wall ms | CPU ms |"
echo "|---|---|---|"
./cenv.sh "$PY" "$HERE/paired.py" "$N" 'shoji status --format tmux' 'node -e 0' -- \
  "$NODE" "$ROOT/bin/shoji" status --format tmux --- "$NODE" -e 0
./cenv.sh "$PY" "$HERE/paired.py" "$N" 'ec2-cost --detail' 'node -e 0' -- \
  "$NODE" "$ROOT/bin/ec2-cost" --detail --- "$NODE" -e 0
echo
echo "Rerun: bash test/bench/statusline.sh (WIN=$WIN N=$N). Working files in $WORK."
