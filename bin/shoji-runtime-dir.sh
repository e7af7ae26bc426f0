# Sourced by shoji-tmux-job and shoji-screen-job: sets $rt to shoji's runtime folder, the same
# choice src/core/paths.ts runtimeDir() makes, or prints why there is none and returns 1.
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
