#!/usr/bin/env bash
# Compile one C++ file with the addon's flags (no link), to check it before adding it to
# native/sources.json. Usage: scripts/check-native.sh native/src/foo.cc
set -euo pipefail
cd "$(dirname "$0")/.."
NAPI_INC=$(node -p "require('node-addon-api').include_dir")
for f in "$@"; do
  g++ -std=c++17 -O2 -fexceptions -fno-math-errno -ffp-contract=fast -fopenmp-simd -fopenmp -Wall -Wextra -Wno-unused-parameter \
    -DNAPI_VERSION=9 -DNAPI_CPP_EXCEPTIONS -DNODE_ADDON_API_CPP_EXCEPTIONS_ALL -DADVECT_OPENMP=1 \
    -I/usr/include/node -I"$NAPI_INC" -Inative/include -Inative/src -Inative/addon -c "$f" -o /dev/null
  echo "ok: $f"
done
