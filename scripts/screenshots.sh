#!/usr/bin/env bash
# The README's pictures, made from the real thing: shoji's status line in a real tmux client and
# `shoji dashboard` in a real tmux pane, on this machine, captured with `capture-pane -e -p`
# (colours kept), turned into HTML (scripts/screenshots.mjs) and into PNGs by headless Chromium.
# Rerun it whenever the line or the dashboard changes:
#
#   bash scripts/screenshots.sh                  # writes docs/img/{statusline,dashboard}.{png,html}
#   bash scripts/screenshots.sh --capture-only D # only the tmux captures, as D/*.ansi (no Chromium)
#
# Needs: the build (npm run build), tmux, node, and for the PNGs Debian's chromium and a
# monospace font with box drawing (apt-get install chromium fonts-dejavu-core). It installs
# nothing itself: a missing program is named with the command that installs it.
#
# What the pictures show comes from this host, so the modules are chosen to show nothing private:
# the host name, uptime, load, CPU, memory, disk, network rates, updates and the date, never an
# IP address (no ip, no external-ip) nor a user name (no whoami, no users). The dashboard's
# process table is filtered to shoji's own processes; their user column and command lines still
# name the account and folders that ran them: run it on a build or demo machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out_dir="$root/docs/img"
capture_only=""
if [[ "${1:-}" == "--capture-only" ]]; then
  capture_only="${2:?--capture-only needs a folder}"
elif [[ $# -gt 0 ]]; then
  echo "usage: bash scripts/screenshots.sh [--capture-only DIR]" >&2
  exit 2
fi

# Sizes: the dashboard as a common large terminal; the line as a wide one, so every module shows.
dash_cols=120 dash_rows=32
line_cols=160
# Seconds the graphs get to fill before the dashboard is captured (the capture-only test sets 0).
settle="${SHOJI_SCREENSHOTS_SETTLE:-20}"

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "screenshots: $1 is not installed; install it with: $2" >&2
  exit 1
}
need tmux "apt-get install tmux"
need node "your Node 20+ install"
if [[ ! -f "$root/dist/shoji.cjs" ]]; then
  echo "screenshots: shoji is not built; run: npm run build" >&2
  exit 1
fi
if [[ -z "$capture_only" ]]; then
  need chromium "apt-get install chromium fonts-dejavu-core"
  # The page's cell width is DejaVu Sans Mono's advance (scripts/screenshots.mjs): another font
  # would misplace the columns.
  if ! fc-list 2>/dev/null | grep -q "DejaVu Sans Mono"; then
    echo "screenshots: the DejaVu Sans Mono font is not installed; install it with: apt-get install fonts-dejavu-core" >&2
    exit 1
  fi
  if [[ ! -d "$root/node_modules/ansi-to-html" ]]; then
    echo "screenshots: the ansi-to-html devDependency is missing; run: npm install" >&2
    exit 1
  fi
fi

# Everything shoji reads and writes lives in a private folder: no user config, state or daemon
# of the person running this is used or touched.
work="$(mktemp -d)"
socket="shoji-shots-$$"
# tmux leaves its socket file behind when the server is killed: remove it too.
socket_dir="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  tmux -L "$socket-outer" kill-server 2>/dev/null || true
  rm -f "$socket_dir/$socket" "$socket_dir/$socket-outer"
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/config" "$work/home" "$work/shots"
# env -i below: the panes see these variables and nothing of the caller's (NO_COLOR, LC_ALL=C or
# TERM=dumb would change what is drawn).
vars=(
  "PATH=$PATH" "HOME=$work/home" "LANG=C.UTF-8" "TERM=xterm-256color"
  "SHOJI_CONFIG_DIR=$work/config" "SHOJI_STATE_DIR=$work/state"
  "SHOJI_CACHE_DIR=$work/cache" "SHOJI_RUNTIME_DIR=$work/run"
  "AWS_EC2_METADATA_DISABLED=true"
)
# A tmux socket folder of the caller's choosing reaches the panes, whose tmux commands need it.
[[ -n "${TMUX_TMPDIR:-}" ]] && vars+=("TMUX_TMPDIR=$TMUX_TMPDIR")
cat >"$work/config/config.yaml" <<'YAML'
theme: default
icons: unicode
left: [hostname]
right: [uptime, load, cpu, memory, swap, disk, network, updates, datetime]
# The dashboard shows every module, not only the line's: those that name addresses or users are off.
modules:
  ip: { enabled: false }
  external-ip: { enabled: false }
  whoami: { enabled: false }
  users: { enabled: false }
YAML

shoji() { env -i "${vars[@]}" node "$root/bin/shoji" "$@"; }
tm() { env -i "${vars[@]}" tmux -L "$socket" "$@"; }
outer() { env -i "${vars[@]}" tmux -L "$socket-outer" "$@"; }

# Wait until a capture satisfies a test (values arrive a second or two after start).
wait_for() {
  local what="$1" test="$2" show="$3"
  for _ in $(seq 1 60); do
    if eval "$test"; then return 0; fi
    sleep 0.5
  done
  echo "screenshots: gave up waiting for $what; the pane shows:" >&2
  $show | sed -e 's/\x1b\[[0-9;:]*m//g' >&2
  exit 1
}

# The status line: an inner tmux configured by `shoji tmux-conf`, attached from a pane of an
# outer tmux (whose own status is off), so the outer pane's last row is the inner client's line,
# drawn by tmux exactly as a person sees it.
{ shoji tmux-conf; echo "set -g status-interval 1"; } >"$work/tmux.conf"
tm -f "$work/tmux.conf" new-session -d -s main -x "$line_cols" -y 4
outer -f /dev/null new-session -d -s line -x "$line_cols" -y 4 "exec env -u TMUX tmux -L $socket attach -t main"
outer set -g status off
line_capture() { outer capture-pane -p -e -t line | sed -e '/^$/d' | tail -n 1; }
# Ready when the slow modules have their first value: the date and the disk.
wait_for "the status line" 'line_capture | grep -q "%" && [[ "$(line_capture | sed -e "s/\x1b\[[0-9;:]*m//g")" =~ [0-9]{2}:[0-9]{2} ]]' line_capture

# The dashboard: `shoji dashboard` alone in a pane of the outer server, at a fixed size.
printf -v dash_cmd '%q ' env -i "${vars[@]}" node "$root/bin/shoji" dashboard
outer new-session -d -s dash -x "$dash_cols" -y "$dash_rows" "${dash_cmd}; exec sleep 60"
dash_capture() { outer capture-pane -p -e -t dash; }
wait_for "the dashboard" 'dash_capture | grep -q "PID"' dash_capture
# The process table filtered to shoji's own processes (the `/` filter, shown in the picture):
# the rest of this host's table is whatever else runs here, not shoji's to show.
outer send-keys -t dash -l /shoji
outer send-keys -t dash Enter
sleep "$settle" # refreshes, so the graphs have some history to draw
dash_capture >"$work/shots/dashboard.ansi"
# The line last: by now the modules that answer slowly (updates) have had time to.
line_capture >"$work/shots/statusline.ansi"

if [[ -n "$capture_only" ]]; then
  mkdir -p "$capture_only"
  cp "$work/shots/statusline.ansi" "$work/shots/dashboard.ansi" "$capture_only/"
  echo "screenshots: captures in $capture_only"
  exit 0
fi

# HTML and PNG. Chromium's sandbox needs user namespaces that it refuses to use as root, so as
# root (a container, a build machine) it runs with --no-sandbox; the page is our own local file.
sandbox_flag=()
[[ "$(id -u)" == 0 ]] && sandbox_flag=(--no-sandbox)
mkdir -p "$out_dir"
render() {
  local name="$1" cols="$2" rows="$3"
  local size
  size="$(node "$root/scripts/screenshots.mjs" "$work/shots/$name.ansi" "$out_dir/$name.html" "$cols" "$rows")"
  # --window-size is the page's size in CSS pixels; a device scale of 2 keeps text sharp.
  # Chromium is chatty on stderr even when it works: shown only when it fails.
  if ! chromium --headless "${sandbox_flag[@]}" --disable-gpu --hide-scrollbars \
    --force-device-scale-factor=2 --user-data-dir="$work/chromium" \
    --screenshot="$out_dir/$name.png" --window-size="$size" \
    "file://$out_dir/$name.html" >"$work/chromium.log" 2>&1; then
    cat "$work/chromium.log" >&2
    echo "screenshots: chromium failed to draw $name" >&2
    exit 1
  fi
  echo "screenshots: $out_dir/$name.png ($size at 2x)"
}
render statusline "$line_cols" 1
render dashboard "$dash_cols" "$dash_rows"
