#!/usr/bin/env bash
# test/bench/ledger-record.sh — what recording the month ledger costs a one-shot run, measured in
# ONE run on this machine (compare the ratios within a run, not figures across runs).
#
# A one-shot `shoji status --format tmux` records when the ec2-cost module collects (when it is
# due, every 60 s by default), and `ec2-cost --detail` at every run, unless the ledger was written
# under MIN_WRITE_INTERVAL_S (10 s) before: then the write is skipped after one lstat. So the pairs
# below are the same command with and without the write, the rest equal:
#
#   with     a preload (--require) dates the ledger two minutes back first: lock, read, fold, write;
#   without  the same preload dates it now: the write is skipped (one lstat);
#   30 s     the ledger dated 30 s back, as when a long-lived process (the tmux daemon, the
#            exporter) records every minute beside the one-shot runs;
#
# and for `shoji status` both also remove the status line's state file first, so that every module
# (load, memory, ec2-cost) collects at every run, as when ec2-cost is due. Each is also paired with
# `node -e 0`, as is the steady-state `shoji status` (the module not due, as test/bench/statusline.sh
# runs it). Pairs run alternately, A B A B ... (test/bench/paired.py: 3 warm-ups, medians of N).
#
# The host is this machine (its /proc), off EC2: ec2-cost is configured to estimate anyway
# (estimate_off_ec2, instance_type m7i.large), as it would run on an instance.
#
# Usage: bash test/bench/ledger-record.sh     Env: N=30 WORK=/tmp/shoji-bench-ledger
set -u
N=${N:-30}; WORK=${WORK:-/tmp/shoji-bench-ledger}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$ROOT/test/bench
PY=/usr/bin/python3
CLEANPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NODE=$(command -v node)
[ -f "$ROOT/dist/shoji.cjs" ] || (cd "$ROOT" && npm run build >/dev/null) || exit 1

rm -rf "$WORK"; mkdir -p "$WORK/home" && cd "$WORK" || exit 1
(umask 077 && mkdir -p shoji-config) || exit 1
cat > shoji-config/config.yaml <<'EOF'
right: [load, memory, ec2-cost]
modules:
  ec2-cost:
    estimate_off_ec2: true
    instance_type: m7i.large
EOF
U=$(id -un)
cat > cenv.sh <<EOF
#!/bin/sh
exec env -i HOME=$WORK/home USER=$U LOGNAME=$U SHELL=/bin/bash TERM=screen-256color LANG=C.UTF-8 PATH=$CLEANPATH \
  SHOJI_CONFIG_DIR=$WORK/shoji-config SHOJI_STATE_DIR=$WORK/shoji-state SHOJI_CACHE_DIR=$WORK/shoji-cache \
  SHOJI_RUNTIME_DIR=$WORK/shoji-run AWS_EC2_METADATA_DISABLED=true "\$@"
EOF
chmod +x cenv.sh
# The preloads: the ledger dated AGE seconds back (60: written; 0: skipped), and for the status
# line its state file removed (every module due).
prep() {  # prep NAME AGE FORGET_STATUS
  cat > "$1.cjs" <<EOF
const fs = require('node:fs');
const t = Date.now() / 1000 - $2;
try { fs.utimesSync('$WORK/shoji-state/ec2/ledger.json', t, t); } catch {}
if ($3) fs.rmSync('$WORK/shoji-run/status-state.json', { force: true });
EOF
}
prep status-with 120 true
prep status-without 0 true
prep status-30s 30 true
prep cost-with 120 false
prep cost-without 0 false
prep cost-30s 30 false
# A first run of each writes the ledger, the caches and the config's validated copy.
./cenv.sh "$NODE" "$ROOT/bin/shoji" status --format tmux >/dev/null || exit 1
./cenv.sh "$NODE" "$ROOT/bin/ec2-cost" --detail >/dev/null || exit 1
[ -f shoji-state/ec2/ledger.json ] || { echo "no ledger was written: nothing to measure" >&2; exit 1; }

STATUS=("$ROOT/bin/shoji" status --format tmux)
COST=("$ROOT/bin/ec2-cost" --detail)
echo "# ledger recording, one-shot ($(date -u +%F\ %H:%M) UTC)"
echo
echo "node $($NODE --version) | kernel $(uname -r) | $(nproc) cpus | load $(cut -d' ' -f1-3 /proc/loadavg) | N=$N"
echo
echo "| command | wall ms | CPU ms |"
echo "|---|---|---|"
pair() { ./cenv.sh "$PY" "$HERE/paired.py" "$N" "$@"; }
pair 'status, every module due, ledger written' 'the same, write skipped' -- \
  "$NODE" --require ./status-with.cjs "${STATUS[@]}" --- "$NODE" --require ./status-without.cjs "${STATUS[@]}"
pair 'status, every module due, ledger written' 'node -e 0' -- "$NODE" --require ./status-with.cjs "${STATUS[@]}" --- "$NODE" -e 0
pair 'status, every module due, write skipped' 'node -e 0' -- "$NODE" --require ./status-without.cjs "${STATUS[@]}" --- "$NODE" -e 0
pair 'status, every module due, ledger written 30 s before' 'node -e 0' -- "$NODE" --require ./status-30s.cjs "${STATUS[@]}" --- "$NODE" -e 0
pair 'status, steady state (not due)' 'node -e 0' -- "$NODE" "${STATUS[@]}" --- "$NODE" -e 0
pair 'ec2-cost --detail, ledger written' 'the same, write skipped' -- \
  "$NODE" --require ./cost-with.cjs "${COST[@]}" --- "$NODE" --require ./cost-without.cjs "${COST[@]}"
pair 'ec2-cost --detail, ledger written' 'node -e 0' -- "$NODE" --require ./cost-with.cjs "${COST[@]}" --- "$NODE" -e 0
pair 'ec2-cost --detail, write skipped' 'node -e 0' -- "$NODE" --require ./cost-without.cjs "${COST[@]}" --- "$NODE" -e 0
pair 'ec2-cost --detail, ledger written 30 s before' 'node -e 0' -- "$NODE" --require ./cost-30s.cjs "${COST[@]}" --- "$NODE" -e 0
echo
echo "Rerun: bash test/bench/ledger-record.sh (N=$N). Working files in $WORK."
