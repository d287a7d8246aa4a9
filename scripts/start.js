#!/usr/bin/env node
// `npm start` (after `npm run build`): the local stack with the demo, from dist/local/demo.
// Flags pass through: `npm start -- --host-port 8080 --data-dir .local-b` (see local/stack/cli.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const demo = path.resolve(__dirname, '..', 'dist', 'local', 'demo', 'index.js');
if (!fs.existsSync(demo)) {
  console.error('npm start: dist/local/demo/index.js is missing; run `npm run build` and look for errors.');
  process.exit(1);
}
require(demo);
