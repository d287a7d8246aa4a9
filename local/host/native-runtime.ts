/**
 * Node's own module system and process, even when this host runs inside Jest.
 *
 * Jest gives test code a sandboxed `module` (its `createRequire` loads through Jest's registry and
 * transforms) and a copied `process.env`. The app must load the way the Functions worker loads it:
 * with Node's real loader, so `@azure/functions-core` resolves and `process.env` is the one the app
 * reads. Jest's sandboxed `Module` class extends the real one, which is how we reach it.
 */
import Module from 'node:module';

interface NodeModuleInternals {
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
  _cache: Record<string, { exports: unknown } | undefined>;
  createRequire(filename: string): NodeJS.Require;
}

function findNativeModule(): NodeModuleInternals {
  let candidate: unknown = Module;
  while (typeof candidate === 'function') {
    const parent: unknown = Object.getPrototypeOf(candidate);
    // Function.prototype may come from another realm, so look for the loader itself.
    if (typeof parent !== 'function' || !('_load' in parent)) break;
    candidate = parent;
  }
  return candidate as NodeModuleInternals;
}

export const nativeModule: NodeModuleInternals = findNativeModule();

/** A real Node `require` resolving from `fromFile` (absolute path of a file or of `package.json`). */
export function nativeRequire(fromFile: string): NodeJS.Require {
  return nativeModule.createRequire(fromFile);
}

/** The real process object (its `env` is what the app sees). */
export const nativeProcess: NodeJS.Process = nativeRequire(__filename)('node:process') as NodeJS.Process;
