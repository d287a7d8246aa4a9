#!/usr/bin/env node
// @ts-check
/**
 * `npm run package`: bundles the Functions app into dist-package/ for deployment (azd uploads that
 * folder, see azure.yaml) and zips it to dist-package.zip when the `zip` CLI is available.
 *
 * The entry points are the TypeScript sources of what package.json `main` names (the Functions worker
 * loads `main`): `dist/functions/**\/*.function.js` -> `functions/**\/*.function.ts`. They are imported,
 * in order, by one generated entry and bundled into one `main.js`, so the app holds a single copy of
 * @azure/functions and durable-functions, exactly as when the worker loads the compiled files one by
 * one. Everything is bundled except `@azure/functions-core`, which the worker itself provides.
 *
 * Usage: node scripts/package.js [--root <project dir>]
 */
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const OUT_DIR = 'dist-package';
const ZIP_FILE = 'dist-package.zip';
const BUNDLE = 'main.js';
/** Provided by the Azure Functions Node.js worker at run time; never an npm package. */
const WORKER_PROVIDED = ['@azure/functions-core'];

class PackageError extends Error {}

/** @param {string[]} argv */
function parseRoot(argv) {
  const at = argv.indexOf('--root');
  if (at === -1) return path.resolve(__dirname, '..');
  const value = argv[at + 1];
  if (value === undefined) throw new PackageError('--root needs a directory');
  return path.resolve(value);
}

/** @param {string} file */
function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PackageError(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The source pattern behind package.json `main`: `dist/<pattern>.js` -> `<pattern>.ts`.
 * @param {unknown} main
 */
function sourcePattern(main) {
  if (typeof main !== 'string' || !/^(\.\/)?dist\/.+\.js$/.test(main)) {
    throw new PackageError(
      `package.json "main" must name compiled files under dist/ (e.g. "dist/functions/**/*.function.js"), got ${JSON.stringify(main)}`,
    );
  }
  return main.replace(/^(\.\/)?dist\//, '').replace(/\.js$/, '.ts');
}

/**
 * A glob with `**` (any number of directories) and `*` (within one name) as a RegExp.
 * @param {string} pattern
 */
function globToRegExp(pattern) {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (pattern.startsWith('**/', i)) {
      source += '(?:[^/]+/)*';
      i += 2;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += (char ?? '').replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/**
 * Files under `root` matching the pattern, as sorted forward-slash relative paths.
 * @param {string} root
 * @param {string} pattern
 */
function findEntries(root, pattern) {
  const firstGlob = pattern.search(/[*?[]/);
  const base =
    firstGlob === -1
      ? path.posix.dirname(pattern)
      : pattern.slice(0, pattern.lastIndexOf('/', firstGlob) + 1);
  const matcher = globToRegExp(pattern);
  /** @type {string[]} */
  const found = [];
  /** @param {string} relativeDir */
  const walk = (relativeDir) => {
    const absolute = path.join(root, relativeDir);
    if (!fs.existsSync(absolute)) return;
    for (const entry of fs.readdirSync(absolute, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const relative = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (matcher.test(relative) && !relative.endsWith('.test.ts') && !relative.endsWith('.d.ts'))
        found.push(relative);
    }
  };
  walk(base.replace(/\/$/, '').replace(/^\.\//, ''));
  return found.sort();
}

/** @param {string} root @param {string[]} entries @param {string} outDir */
async function bundle(root, entries, outDir) {
  const esbuild = require('esbuild');
  const imports = entries.map((entry) => `import ${JSON.stringify(`./${entry.replace(/\.ts$/, '')}`)};`);
  const tsconfig = path.join(root, 'tsconfig.json');
  await esbuild.build({
    stdin: { contents: imports.join('\n'), resolveDir: root, sourcefile: 'app-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: path.join(outDir, BUNDLE),
    external: WORKER_PROVIDED,
    // Readable stack traces in Application Insights: no minification, original names kept.
    minify: false,
    keepNames: true,
    legalComments: 'linked',
    tsconfig: fs.existsSync(tsconfig) ? tsconfig : undefined,
    logLevel: 'warning',
  });
}

/** @param {string} root @param {string} outDir */
function writeManifest(root, outDir) {
  const pkg = readJson(path.join(root, 'package.json'));
  const manifest = {
    // A name of its own: the bundle is not the project (and tools that scan for package names stay quiet).
    name: `${String(pkg.name ?? 'app')}-bundle`,
    version: String(pkg.version ?? '0.0.0'),
    private: true,
    description: 'Generated by scripts/package.js: the deployable Azure Functions bundle.',
    main: BUNDLE,
    ...(pkg.engines ? { engines: pkg.engines } : {}),
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const hostJson = path.join(root, 'host.json');
  if (!fs.existsSync(hostJson)) throw new PackageError(`host.json not found in ${root}`);
  fs.copyFileSync(hostJson, path.join(outDir, 'host.json'));
}

/** @param {string} root @param {string} outDir @returns {string | undefined} the zip path */
function zip(root, outDir) {
  const zipPath = path.join(root, ZIP_FILE);
  fs.rmSync(zipPath, { force: true });
  const probe = spawnSync('zip', ['-v'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) {
    console.log(`zip CLI not found: skipped ${ZIP_FILE} (azd zips ${OUT_DIR}/ itself).`);
    return undefined;
  }
  const result = spawnSync('zip', ['-q', '-r', '-X', zipPath, '.'], { cwd: outDir, stdio: 'inherit' });
  if (result.status !== 0) throw new PackageError(`zip failed with exit code ${String(result.status)}`);
  return zipPath;
}

async function main() {
  const root = parseRoot(process.argv.slice(2));
  const pkg = readJson(path.join(root, 'package.json'));
  const pattern = sourcePattern(pkg.main);
  const entries = findEntries(root, pattern);
  if (entries.length === 0) {
    throw new PackageError(
      `no entry points: package.json "main" is ${JSON.stringify(pkg.main)}, so files matching ${pattern} are expected in ${root}, and there are none`,
    );
  }

  const outDir = path.join(root, OUT_DIR);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  await bundle(root, entries, outDir);
  // The dashboard's page and bundle, read at run time by functions/api/dashboard.http.ts (web/ beside main.js).
  const web = require('./build-web');
  if (web.hasWeb(root)) await web.buildWeb(root, path.join(outDir, 'web'));
  writeManifest(root, outDir);
  const zipPath = zip(root, outDir);

  const size = fs.statSync(path.join(outDir, BUNDLE)).size;
  console.log(
    `Bundled ${entries.length} entry point(s) into ${OUT_DIR}/${BUNDLE} (${Math.round(size / 1024)} KiB):`,
  );
  for (const entry of entries) console.log(`  ${entry}`);
  if (zipPath !== undefined) console.log(`Zipped to ${path.relative(root, zipPath)}`);
}

main().catch((error) => {
  console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
