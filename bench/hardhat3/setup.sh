#!/bin/sh
# Install the Hardhat 3 node for `node bench/evm.bench.js --node hardhat3`. Hardhat 3 and its EDR runtime need
# Node >= 22; this machine's Node may be older, so the first pass fetches a Node 22 binary from npm (node-<platform>,
# --force past the engines check) and the second pass runs npm under it, which installs EDR's native package.
set -e
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --force
NODE22="node_modules/node-$(node -p 'process.platform + "-" + process.arch')/bin/node"
PATH="$(cd "$(dirname "$NODE22")" && pwd):$PATH" npm install --no-audit --no-fund
"$NODE22" --version
