# test/bench/prom-lib.sh — what exporter.sh and fleet-scale.sh share, sourced by both: a work
# folder, processes stopped at exit, a free loopback port, waiting for an HTTP answer, and one
# PromQL value. The caller sets PY (python3), WORK (a folder, emptied here) and PROM (Prometheus's
# base URL, before calling promq).

# The work folder, emptied, with the subfolders named; the shell moves into it.
work_in() {
  rm -rf "$WORK" && mkdir -p "$WORK" && for sub in "$@"; do mkdir -p "$WORK/$sub"; done && cd "$WORK" || exit 1
}

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT

free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # wait_http URL SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "nothing answered on $1" >&2; return 1
}
promq() { # promq QUERY -> the first sample's value, or -
  curl -sf --get "$PROM/api/v1/query" --data-urlencode "query=$1" |
    "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "-")'
}
