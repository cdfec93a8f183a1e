#!/usr/bin/env bash
# Installs what the end-to-end test needs: Debian packages (Chromium, ripgrep, headers for
# code-server's native modules) and, into this folder, code-server + playwright-core.
# Idempotent: each part checks first and returns at once when already installed.
# Usage: install.sh [--apt-only]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
APT_PACKAGES=(build-essential pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev
              ripgrep chromium)
CODE_SERVER_VERSION=4.100.3
RIPGREP_CACHE=vscode-ripgrep-cache-1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

missing_apt_packages() {
  # Prints the packages dpkg does not list as installed.
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

install_apt_packages() {
  local missing
  missing="$(missing_apt_packages)"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "e2e install: missing Debian packages (need root): $missing" >&2
    return 1
  fi
  echo "e2e install: apt-get install $missing"
  export DEBIAN_FRONTEND=noninteractive
  # A fresh machine may have empty package lists: update only when the install fails.
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends $missing >/dev/null; }
}

node_modules_current() {
  # True when code-server and playwright-core are installed from the current lock file.
  local stamp="$HERE/node_modules/.e2e-installed"
  [ -f "$stamp" ] && [ "$stamp" -nt "$HERE/package.json" ] \
    && { [ ! -f "$HERE/package-lock.json" ] || [ "$stamp" -nt "$HERE/package-lock.json" ]; } \
    && [ -f "$HERE/node_modules/code-server/out/node/entry.js" ] \
    && [ -d "$HERE/node_modules/playwright-core" ] \
    && grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$HERE/node_modules/code-server/package.json"
}

seed_ripgrep_cache() {
  # @vscode/ripgrep's postinstall downloads rg from GitHub: give it Debian's rg instead.
  local cache="$1/$RIPGREP_CACHE"
  mkdir -p "$cache/stage"
  cp /usr/bin/rg "$cache/stage/rg"
  tar czf "$cache/$RIPGREP_ASSET" -C "$cache/stage" rg
}

install_node_modules() {
  node_modules_current && return 0
  local tmp nodedir="${npm_config_nodedir:-}" cmd=install status=0
  tmp="$(mktemp -d)"
  seed_ripgrep_cache "$tmp"
  [ -z "$nodedir" ] && [ -f /usr/include/node/node.h ] && nodedir=/usr
  [ -f "$HERE/package-lock.json" ] && cmd=ci
  echo "e2e install: npm $cmd of code-server $CODE_SERVER_VERSION and playwright-core (about a minute)"
  # unsafe_perm: code-server's postinstall refuses root; yes: node-pty runs `npx node-gyp`;
  # nodedir: build native modules against the system's Node headers (no download).
  (cd "$HERE" && env TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
      ${nodedir:+npm_config_nodedir="$nodedir"} \
      npm "$cmd" --no-audit --no-fund --loglevel=error) || status=$?
  rm -rf "$tmp"
  [ "$status" = 0 ] && touch "$HERE/node_modules/.e2e-installed"
  return "$status"
}

install_apt_packages
[ "${1:-}" = "--apt-only" ] || install_node_modules
