#!/usr/bin/env bash
# Incremental addon build for developers, serialised with a lock so parallel work does not
# collide in build/. Re-runs configure so edits to native/sources.json are picked up.
# `npm install` and `npm run build:native` do a full rebuild instead.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/advect-native-build.lock bash -c '
  node-gyp configure --nodedir="${npm_config_nodedir:-/usr}" >/dev/null
  node-gyp build --nodedir="${npm_config_nodedir:-/usr}" -j 2'
