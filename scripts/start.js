#!/usr/bin/env node
// `npm start`: build, then run the local stack (Azurite, emulators, local Functions host, demo).
// The local runtime lands piece by piece; until every piece exists this says plainly what is missing.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const pieces = [
  ['local/emulators/index.ts', 'local emulators (Partner Center, SendGrid, Service Bus)'],
  ['local/host/index.ts', 'local Functions host with the Durable engine'],
  ['local/demo/index.ts', 'demo runner (seeds the demo book and shows the workflows)'],
];
const missing = pieces.filter(([file]) => !fs.existsSync(path.join(root, file)));
if (missing.length > 0) {
  console.log('mca-workflow: the local runtime is not complete yet, so `npm start` cannot run the workflow.');
  console.log('Missing:');
  for (const [file, what] of missing) console.log(`  - ${what} (${file})`);
  console.log('What works today: `npm test` (rules, Partner Center client, settings).');
  process.exit(1);
}
require(path.join(root, 'dist/local/demo/index.js'));
