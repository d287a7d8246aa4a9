#!/usr/bin/env node
// @ts-check
/**
 * `npm run schemas`: writes docs/schemas/*.schema.json, the JSON Schemas of the CRM message and the
 * outcome event, from the compiled zod schemas (dist/shared/workflow/json-schemas.js; the npm script
 * builds first). test/unit/workflow/json-schemas.test.ts fails when the committed files differ.
 */
'use strict';

const fs = require('node:fs');
const prettier = require('prettier');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const { contractJsonSchemas, jsonSchemaFileText } = require(
  path.join(root, 'dist/shared/workflow/json-schemas.js'),
);
const outDir = path.join(root, 'docs/schemas');
fs.mkdirSync(outDir, { recursive: true });

async function main() {
  for (const [file, schema] of Object.entries(contractJsonSchemas())) {
    const target = path.join(outDir, file);
    // Formatted as `npm run format` would leave it, so the two never fight.
    const options = { ...(await prettier.resolveConfig(target)), filepath: target };
    fs.writeFileSync(target, await prettier.format(jsonSchemaFileText(schema), options));
    console.log(`wrote docs/schemas/${file}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
