#!/usr/bin/env node
// Runs before `npm start` and `npm test`: on a fresh clone, installs the locked dependencies first,
// so the README's two commands are all a new user needs.
//
// "Missing" means a dependency of package.json cannot be found, not file dates: git gives every file
// of a new clone or worktree a fresh mtime, so comparing package-lock.json with node_modules would
// reinstall a complete install. A node_modules that is a link (an install shared between checkouts)
// is never reinstalled from here: `npm ci` empties the link's target for every checkout using it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'node_modules');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies });
const missing = declared.filter((name) => !fs.existsSync(path.join(modules, name, 'package.json')));

if (missing.length > 0) {
  if (fs.existsSync(modules) && fs.lstatSync(modules).isSymbolicLink()) {
    console.error(`node_modules is a shared link and lacks ${missing.join(', ')}: install in its target.`);
    process.exit(1);
  }
  console.log(`Installing dependencies (npm ci; missing ${missing.length} of ${declared.length})...`);
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}
