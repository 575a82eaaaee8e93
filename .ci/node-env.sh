# shellcheck shell=bash
# Source this file (`. .ci/node-env.sh`) to get Node.js >= 22 on PATH.
#
# Lotse needs Node 24 LTS (engines >= 22). Where the machine's node is older (or missing), Node 24
# is installed once from the npm registry's `node` package into a cache folder outside the repo
# and put first on PATH for this shell. A machine that already has Node 22+ is left as it is.
#   LOTSE_NODE_VERSION  the version to install when needed (default 24)
#   LOTSE_NODE_HOME     where to keep it (default ${XDG_CACHE_HOME:-$HOME/.cache}/lotse/node-<version>)
lotse_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(lotse_node_major)" -lt 22 ]; then
  _want=${LOTSE_NODE_VERSION:-24}
  _home=${LOTSE_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/lotse/node-$_want}
  if [ ! -x "$_home/node_modules/.bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "lotse: neither Node.js >= 22 nor npm found; install Node 24 LTS first" >&2; return 1 2>/dev/null || exit 1; }
    echo "lotse: node $(node --version 2>/dev/null || echo none) is older than 22; installing node@$_want from the npm registry into $_home" >&2
    mkdir -p "$_home"
    npm install --prefix "$_home" --no-save --no-audit --no-fund --loglevel=error "node@$_want" >&2 \
      || { echo "lotse: could not install node@$_want from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  # The machine's npm stays; its `#!/usr/bin/env node` now runs on the new node.
  PATH="$_home/node_modules/.bin:$PATH"
  export PATH
  unset _want _home
fi
echo "lotse: using node $(node --version) at $(command -v node)" >&2
