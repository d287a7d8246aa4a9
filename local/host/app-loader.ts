/**
 * Loads the app's entry points (`package.json` `main`, a file or a glob) with Node's real loader, as
 * the worker's startApp does, so every `app.http(...)`/`app.timer(...)` call reaches our core module.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { AppRegistry } from './app-registry';
import type { AppSettings } from './app-settings';
import { currentProgrammingModel, programmingModelSetBy } from './core-api';
import { globFiles, hasGlobMagic } from './glob';
import type { ProgrammingModel } from './rpc-types';
import { nativeModule, nativeRequire } from './native-runtime';

/** Files the entry-point pattern matches, relative to the app folder. */
export function resolveEntryPoints(settings: AppSettings): string[] {
  const main = settings.main;
  if (!main) throw new Error(`${settings.appDir}/package.json has no "main": the worker would load nothing.`);
  if (!hasGlobMagic(main)) {
    if (!existsSync(path.join(settings.appDir, main))) {
      throw new Error(`Worker was unable to load entry point "${main}": File does not exist`);
    }
    return [main];
  }
  const files = globFiles(main, settings.appDir);
  if (files.length === 0) {
    throw new Error(
      `Worker was unable to load entry point "${main}": Found zero files matching the supplied pattern`,
    );
  }
  return files;
}

/**
 * Forgets the app's own modules (not its node_modules), so loading the app again in the same process
 * (a second host in a test run) re-runs its registrations instead of returning cached exports.
 */
function forgetAppModules(appDir: string): void {
  const root = path.resolve(appDir) + path.sep;
  for (const file of Object.keys(nativeModule._cache)) {
    if (file.startsWith(root) && !file.slice(root.length).split(path.sep).includes('node_modules')) {
      delete nativeModule._cache[file];
    }
  }
}

/**
 * Loads the app and returns the programming model of its own `@azure/functions`. One process may load
 * several apps (tests), each with its copy of the library (the packaged app bundles one): each copy sets
 * its model only once per process, so the model set last may belong to another app, whose SDK-binding
 * factories this app never registered in.
 */
export function loadApp(settings: AppSettings, registry: AppRegistry): ProgrammingModel | undefined {
  const before = currentProgrammingModel();
  const entryPoints = resolveEntryPoints(settings);
  forgetAppModules(settings.appDir);
  requireEntryPoints(settings, entryPoints, registry);
  const setNow = currentProgrammingModel();
  // A model set while the app loaded is its own (a fresh copy, or one bundled into the app).
  if (setNow !== before) return setNow;
  const own = librarySeenBy(settings.appDir, entryPoints[0]);
  return (own === undefined ? undefined : programmingModelSetBy(own)) ?? setNow;
}

/** The file Node loads for `@azure/functions` from the app's entry point, if it can. */
function librarySeenBy(appDir: string, entryPoint: string | undefined): string | undefined {
  try {
    return nativeRequire(path.join(appDir, entryPoint ?? 'package.json')).resolve('@azure/functions');
  } catch {
    return undefined;
  }
}

function requireEntryPoints(settings: AppSettings, entryPoints: string[], registry: AppRegistry): void {
  for (const relative of entryPoints) {
    const file = path.join(settings.appDir, relative);
    registry.currentEntryPoint = file;
    try {
      // Like the worker's require(); ES modules load through Node's require(esm) (Node 20.19+).
      nativeRequire(file)(file);
    } catch (error) {
      const message =
        error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
          ? String(error.message)
          : String(error);
      const wrapped = new Error(`Worker was unable to load entry point "${relative}": ${message}`);
      wrapped.cause = error;
      throw wrapped;
    } finally {
      registry.currentEntryPoint = undefined;
    }
  }
}
