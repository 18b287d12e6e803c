# Shared helpers for the scripts in this directory. Source it; do not run it.
# shellcheck shell=bash

# Repository root (the parent of scripts/), whatever the caller's working directory.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
# Package-manager caches live inside .tools/ too: nothing this project needs is kept outside
# the repo, and nothing outside the repo is written.
export PIP_CACHE_DIR="$TOOLS/cache/pip"
export npm_config_cache="$TOOLS/cache/npm"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 PIP_PROGRESS_BAR=off
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

_name="$(basename "$0")"

info() { printf '%s: %s\n' "$_name" "$*" >&2; }
die() { printf '%s: error: %s\n' "$_name" "$*" >&2; exit 1; }

# now_ms: wall clock in milliseconds (for timings).
now_ms() { date +%s%3N; }
# elapsed START_MS: "12.3s".
elapsed() { local d=$(( $(now_ms) - $1 )); printf '%d.%ds' $((d / 1000)) $((d % 1000 / 100)); }

# quietly LOG CMD...: runs CMD with its output appended to LOG; on failure prints the end of
# LOG and returns CMD's status.
quietly() {
  local log="$1" rc=0; shift
  mkdir -p "$(dirname "$log")"
  printf '$ %s\n' "$*" >>"$log"
  "$@" >>"$log" 2>&1 || rc=$?
  (( rc == 0 )) && return 0
  printf '%s: command failed (exit %d): %s\n--- output (%s) ---\n' "$_name" "$rc" "$*" "$log" >&2
  tail -n 60 "$log" >&2
  printf -- '--- end of output ---\n' >&2
  return "$rc"
}

# retry_once DESCRIPTION CMD...: runs CMD; on failure waits a little and runs it once more
# (package registries fail transiently). CMD must be safe to re-run from scratch.
retry_once() {
  local what="$1"; shift
  if "$@"; then return 0; fi
  info "$what failed; retrying once in 5s"
  sleep 5
  "$@" || die "$what failed twice; see the output above"
}

# with_lock NAME: serializes concurrent runs of the same installer (two scripts/test at once).
# The lock is held until the script exits or calls release_lock.
with_lock() {
  mkdir -p "$TOOLS"
  exec {_lock_fd}>"$TOOLS/.$1.lock"
  flock "$_lock_fd"
}

# release_lock: drops the lock (before starting a long-lived process that would inherit it).
release_lock() {
  if [[ -n "${_lock_fd:-}" ]]; then
    exec {_lock_fd}>&-
    unset _lock_fd
  fi
}
