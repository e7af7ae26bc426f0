# Sourced by shoji-tmux-job and shoji-screen-job: sets $rt to shoji's runtime folder, the same
# choice src/core/paths.ts runtimeDir() makes, or prints why there is none and returns 1; and
# follows a line file for as long as a process lives (shoji_follow).
# A folder is used only when it is a real folder (not a symlink), yours, and not writable by
# group or others: another user can create /tmp/shoji-UID before you do.

shoji_private_dir() { # DIR: create it 0700 if missing; succeed when it is safe to use
  [ -e "$1" ] || [ -L "$1" ] || (umask 077 && mkdir -p "$1") 2>/dev/null
  [ -d "$1" ] && [ ! -L "$1" ] && [ -O "$1" ] || return 1
  # ls -ld: drwx------ ; characters 6 and 9 are the group's and others' write bits.
  case $(ls -ld "$1" 2>/dev/null) in d????-??-*) return 0 ;; *) return 1 ;; esac
}

shoji_runtime_dir() {
  if [ -n "$SHOJI_RUNTIME_DIR" ]; then
    set -- "$SHOJI_RUNTIME_DIR"
  else
    set -- "/tmp/shoji-$(id -u)" "${XDG_CACHE_HOME:-$HOME/.cache}/shoji/run-$(uname -n | tr -c 'A-Za-z0-9._\n-' '_')"
    [ -n "$XDG_RUNTIME_DIR" ] && set -- "$XDG_RUNTIME_DIR/shoji" "$@"
  fi
  for candidate in "$@"; do
    if shoji_private_dir "$candidate"; then rt=$candidate; return 0; fi
  done
  echo "shoji: no safe runtime folder ($1 is not yours alone)"
  return 1
}

# FILE PID: print FILE's last line and every line written to it (anew) for as long as PID lives.
# Linux (the process is in /proc, with the file only Linux has): GNU tail's --pid, exec'd, so
# the job is tail alone and costs nothing between lines. macOS and the BSDs: their tail has no
# --pid, so tail follows in the background while this shell checks the process every 2 s, and
# ends tail when it is gone (or when tail ended: its reader went away), or when the job is
# told to end. SHOJI_PROC_ROOT stands for /proc here too, so a tree without the process makes
# Linux take the other path (tests).
shoji_follow() {
  if [ -r "${SHOJI_PROC_ROOT:-/proc}/$2/stat" ]; then
    exec tail -n 1 -F --pid="$2" "$1" 2>/dev/null
  fi
  tail -n 1 -F "$1" 2>/dev/null &
  follower=$!
  trap 'kill "$follower" 2>/dev/null; exit 0' HUP INT TERM
  while kill -0 "$2" 2>/dev/null && kill -0 "$follower" 2>/dev/null; do sleep 2; done
  kill "$follower" 2>/dev/null
}
