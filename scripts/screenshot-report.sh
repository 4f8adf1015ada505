#!/usr/bin/env bash
# Renders a run's HTML report (optc report) and photographs it with headless Chromium, so a change to the report can be
# looked at without a desktop. Fails when Chromium logs a console or JavaScript error for the page (the page has no
# scripts, so any such error is a bug).
#
#   scripts/screenshot-report.sh RUN_DIR OUT.png [RECIPE.opt]
#
# Installs Debian's chromium package when no Chromium is on the PATH (needs root, or sudo). OPTC names the optc
# launcher to use (default: the repository's ./optc).
set -euo pipefail

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 RUN_DIR OUT.png [RECIPE.opt]" >&2
  exit 2
fi
run_dir="$1"
out="$2"
recipe="${3:-}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

find_chromium() {
  local name
  for name in chromium chromium-browser google-chrome; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
  done
  return 1
}

if ! chromium="$(find_chromium)"; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "$0: no chromium on the PATH, and installing it needs root (apt-get install chromium)" >&2
      exit 1
    fi
  fi
  echo "$0: installing chromium (apt-get install -y chromium)..." >&2
  # A fresh container has no package lists: update once and retry before giving up.
  if ! $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2; then
    $sudo apt-get update -q >&2
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
  fi
  chromium="$(find_chromium)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
report="$work/report.html"
args=(report "$run_dir" -o "$report")
[ -n "$recipe" ] && args+=(--recipe "$recipe")
"${OPTC:-$root/optc}" "${args[@]}" >&2

mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
rm -f "$out_abs"
log="$work/chromium.log"
status=0
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 \
  --screenshot="$out_abs" --window-size=1200,1600 "file://$report" >"$log" 2>&1 || status=$?

# Chromium logs page messages as "ERROR:CONSOLE(1)]" (older) or "INFO:CONSOLE:1]" (newer, any level). The report has no
# scripts, so any console message at all (a script error, a blocked resource) means something is wrong with it.
if grep -E "Uncaught|ERROR:CONSOLE|:CONSOLE(:[0-9]+|\([0-9]+\))\]" "$log" >&2; then
  echo "$0: chromium logged a console message for the report (above); the page should log none" >&2
  exit 1
fi
if [ "$status" -ne 0 ] || [ ! -s "$out_abs" ]; then
  tail -n 20 "$log" >&2
  echo "$0: chromium did not write $out (exit status $status)" >&2
  exit 1
fi
echo "wrote $out"
