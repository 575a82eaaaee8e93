# shellcheck shell=bash
# Source this file (`. .ci/node-env.sh`) to get Node.js >= 22.18 on PATH for a shell. Optional: npm
# scripts already run on the Node 24 that `npm ci` installs (the `node` package); this is for calling
# `node` directly.
#
# Lotse needs Node 24 LTS (engines >= 22.18: type stripping without flags). Where the machine's
# node is older (or missing), Node 24 is installed once from the npm registry's `node` package into
# a cache folder outside the repo and put first on PATH for this shell. A machine that already has Node 22.18+ is left as it is.
#   LOTSE_NODE_VERSION  the version to install when needed (default 24)
#   LOTSE_NODE_HOME     where to keep it (default ${XDG_CACHE_HOME:-$HOME/.cache}/lotse/node-<version>)
# True when the node on PATH runs TypeScript by type stripping without flags: 22.18+ (or 23.6+).
lotse_node_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 23 || (a === 23 && b >= 6) || (a === 22 && b >= 18) ? 0 : 1)' 2>/dev/null
}

if ! lotse_node_ok; then
  _want=${LOTSE_NODE_VERSION:-24}
  _home=${LOTSE_NODE_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/lotse/node-$_want}
  if [ ! -x "$_home/node_modules/.bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "lotse: neither Node.js >= 22.18 nor npm found; install Node 24 LTS first" >&2; return 1 2>/dev/null || exit 1; }
    echo "lotse: node $(node --version 2>/dev/null || echo none) is older than 22.18; installing node@$_want from the npm registry into $_home" >&2
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
