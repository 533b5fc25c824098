#!/usr/bin/env bash
# Installs, once, the real VS Code the integration/e2e tiers and the demo run in:
#   - code-server 4.100.3 (VS Code 1.100.3: the newest code-server whose engines accept Node 20) from the
#     npm registry, into .vscode-test/code-server/ (cached: a marker file records the installed version);
#   - Debian's chromium (what Playwright drives), unless --no-browser.
# Needs Debian/Ubuntu, Node 20, npm, and the npm + Debian registries (no GitHub / VS Code CDN access).
# Idempotent and quick when everything is there. Usage: scripts/install-test-vscode.sh [--no-browser]
set -euo pipefail

CS_VERSION=${CS_VERSION:-4.100.3}
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS=${EXITLENS_CODE_SERVER_DIR:-$ROOT/.vscode-test/code-server}
MARKER="$TOOLS/.installed-code-server-$CS_VERSION"
BROWSER=1
[ "${1:-}" = "--no-browser" ] && BROWSER=0

say() { printf '[install-test-vscode] %s\n' "$*"; }

# ---- Debian packages ------------------------------------------------------------------------------
# build-essential/python3/pkg-config/libkrb5-dev: code-server's native modules (kerberos needs gssapi.h,
# node-pty builds with node-gyp); ripgrep: replaces @vscode/ripgrep's download from GitHub.
PKGS=(build-essential python3 pkg-config libkrb5-dev ripgrep)
[ "$BROWSER" = 1 ] && PKGS+=(chromium fonts-dejavu-core)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "need root (or sudo) to apt-get install: ${missing[*]}"; exit 1; }
    SUDO=sudo
  fi
  say "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- code-server ----------------------------------------------------------------------------------
if [ -f "$MARKER" ] && [ -x "$TOOLS/node_modules/.bin/code-server" ]; then
  say "code-server $CS_VERSION already installed in $TOOLS"
else
  node_major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$node_major" = 20 ] || say "warning: Node $node_major; code-server $CS_VERSION's engines want Node 20"
  say "installing code-server $CS_VERSION into $TOOLS (about 2 minutes, ~300 MB)"
  mkdir -p "$TOOLS"
  # @vscode/ripgrep's postinstall downloads rg from api.github.com unless this cache file exists: seed it
  # with Debian's rg (the file name is what @vscode/ripgrep 1.15.11 looks for).
  RG_CACHE="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$RG_CACHE" "$TOOLS/rgtmp"
  cp "$(command -v rg)" "$TOOLS/rgtmp/rg"
  tar czf "$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$TOOLS/rgtmp" rg
  cd "$TOOLS"
  [ -f package.json ] || printf '{\n  "name": "exitlens-test-vscode",\n  "private": true\n}\n' > package.json
  # unsafe_perm: code-server's postinstall refuses to run as root without it.
  # yes=true: node-pty's install runs `npx node-gyp`, which aborts under an npmrc saying yes=false.
  npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund --save-exact "code-server@$CS_VERSION"
  # XDG_*: otherwise --version writes ~/.config/code-server/config.yaml
  XDG_CONFIG_HOME="$TOOLS/xdg" XDG_DATA_HOME="$TOOLS/xdg" "$TOOLS/node_modules/.bin/code-server" --version
  date -u +%FT%TZ > "$MARKER"
fi

if [ "$BROWSER" = 1 ]; then
  CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
  [ -x "$CHROMIUM" ] || { say "chromium not found at $CHROMIUM"; exit 1; }
  say "$("$CHROMIUM" --version 2>/dev/null | head -1)"
fi
