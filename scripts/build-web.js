#!/usr/bin/env node
// @ts-check
/**
 * Part of `npm run build`: type-checks web/ (browser code, its own tsconfig) and bundles it with esbuild
 * into dist/web/ (dashboard.js, dashboard.css with uPlot's styles, index.html, favicon.svg), which
 * `GET /api/dashboard` serves. No CDN: everything the page loads comes from there.
 *
 * Usage: node scripts/build-web.js [--out <dir>]
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

/** Copied as they are. */
const STATIC_FILES = ['index.html', 'favicon.svg'];

/** @param {string} root @param {string[]} argv */
function outDir(root, argv) {
  const at = argv.indexOf('--out');
  return at === -1 ? path.join(root, 'dist', 'web') : path.resolve(argv[at + 1] ?? '');
}

/** @param {string} root */
function hasWeb(root) {
  return fs.existsSync(path.join(root, 'web', 'src', 'main.ts'));
}

/** @param {string} web */
function typecheck(web) {
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(web, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('web/ has type errors (see above)');
}

/** @param {string} web @param {string} out */
async function bundle(web, out) {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: { dashboard: path.join(web, 'src', 'main.ts') },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    outdir: out,
    minify: true,
    sourcemap: false,
    legalComments: 'inline',
    logLevel: 'warning',
  });
  // The page's own styles after uPlot's (bundled from the import in charts.ts into dashboard.css).
  const bundledCss = path.join(out, 'dashboard.css');
  const libraryCss = fs.existsSync(bundledCss) ? fs.readFileSync(bundledCss, 'utf8') : '';
  fs.writeFileSync(bundledCss, `${libraryCss}\n${fs.readFileSync(path.join(web, 'dashboard.css'), 'utf8')}`);
  for (const file of STATIC_FILES) fs.copyFileSync(path.join(web, file), path.join(out, file));
}

/** Builds `<root>/web` into `out`. @param {string} root @param {string} out */
async function buildWeb(root, out) {
  const web = path.join(root, 'web');
  typecheck(web);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  await bundle(web, out);
}

async function main() {
  const root = path.resolve(__dirname, '..');
  const out = outDir(root, process.argv.slice(2));
  await buildWeb(root, out);
  const sizes = fs
    .readdirSync(out)
    .map((f) => `${f} ${Math.round(fs.statSync(path.join(out, f)).size / 1024)} KiB`);
  console.log(`web: ${path.relative(root, out)}/ (${sizes.join(', ')})`);
}

module.exports = { buildWeb, hasWeb };

if (require.main === module) {
  main().catch((error) => {
    console.error(`build-web: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
