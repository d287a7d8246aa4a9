/**
 * `GET dashboard` and `GET dashboard/{*asset}`: the operator's page and its bundle (web/, built by
 * scripts/build-web.js into dist/web; `npm run package` copies it beside the bundle). A fixed allow-list
 * of files, each with its content type; revalidated by ETag so a new deployment shows at once. The page
 * holds no data: it reads the HTTP API, whose routes keep their own authorization.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HttpRequest, HttpResponseInit, InvocationContext } from '@azure/functions';
import { NotFoundError, respond } from '../http-errors';

/** Asset name in the URL -> file in the web build and its content type. */
export const DASHBOARD_ASSETS: Readonly<Record<string, { file: string; contentType: string }>> = {
  '': { file: 'index.html', contentType: 'text/html; charset=utf-8' },
  'dashboard.js': { file: 'dashboard.js', contentType: 'text/javascript; charset=utf-8' },
  'dashboard.css': { file: 'dashboard.css', contentType: 'text/css; charset=utf-8' },
  'favicon.svg': { file: 'favicon.svg', contentType: 'image/svg+xml' },
};

/** Where the web build sits: web/ beside the deployment bundle (main.js), or dist/web beside dist/functions. */
export function webBuildDirs(moduleDir: string): string[] {
  return [path.resolve(moduleDir, 'web'), path.resolve(moduleDir, '..', '..', 'web')];
}

const SECURITY_HEADERS = {
  // Everything comes from the app itself: no CDN, no inline script.
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

interface LoadedAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

export interface DashboardAssetsDeps {
  /** Reads one file of the web build; undefined when it is not there. */
  read: (file: string) => Buffer | undefined;
}

export function fileSystemAssets(dirs: readonly string[]): DashboardAssetsDeps {
  return {
    read(file) {
      const dir = dirs.find((candidate) => existsSync(path.join(candidate, file)));
      return dir === undefined ? undefined : readFileSync(path.join(dir, file));
    },
  };
}

export function createDashboardHttp(deps: DashboardAssetsDeps) {
  const cache = new Map<string, LoadedAsset>();
  const load = (name: string): LoadedAsset => {
    const known = cache.get(name);
    if (known) return known;
    const spec = Object.hasOwn(DASHBOARD_ASSETS, name) ? DASHBOARD_ASSETS[name] : undefined;
    const body = spec && deps.read(spec.file);
    if (!spec || !body) throw new NotFoundError(`No dashboard asset ${name}`);
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    const asset = { body, contentType: spec.contentType, etag };
    cache.set(name, asset);
    return asset;
  };
  return (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> =>
    respond(context, () => {
      const asset = load(request.params.asset ?? '');
      const headers = {
        ...SECURITY_HEADERS,
        'Content-Type': asset.contentType,
        'Cache-Control': 'no-cache',
        ETag: asset.etag,
      };
      if (request.headers.get('if-none-match') === asset.etag) {
        return Promise.resolve({ status: 304, headers });
      }
      return Promise.resolve({ status: 200, headers, body: asset.body });
    });
}
