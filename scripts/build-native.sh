#!/usr/bin/env bash
# Incremental addon build for developers, serialised with a lock so parallel work does not
# collide in build/. `npm install` and `npm run build:native` do a full rebuild instead.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/advect-native-build.lock bash -c '
  if [ ! -f build/Makefile ]; then npx --no-install node-gyp configure --nodedir="${npm_config_nodedir:-/usr}"; fi
  npx --no-install node-gyp build --nodedir="${npm_config_nodedir:-/usr}" -j 2'
