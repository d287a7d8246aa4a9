/** A tiny method + path router: `/v1/customers/:customerId/agreements` style patterns. */
import type { IncomingMessage } from 'node:http';
import type { Reply } from './http-kit';
import type { TokenRecord } from './emulator-state';

export interface RequestContext {
  req: IncomingMessage;
  method: string;
  url: URL;
  params: Record<string, string>;
  body: Buffer;
  /** Base URL the emulator is reachable at, without a trailing slash. */
  baseUrl: string;
  /** The caller's token, once the route's auth rule passed. */
  token?: TokenRecord;
}

/** Who may call a route: no token, any token, app-only, or App+User. */
export type AuthRule = 'none' | 'any' | 'app' | 'user';

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  pattern: string;
  auth: AuthRule;
  /** Writes honour MS-RequestId replays. */
  idempotent?: boolean;
  handler: Handler;
}

interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.pattern
        .split('/')
        .map((segment) => {
          if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(segment.slice(1));
          return '([^/]+)';
        })
        .join('/');
      this.routes.push({ ...route, regex: new RegExp(`^${source}/?$`, 'i'), names });
    }
  }

  /** The matching route, `'method'` when only the method is wrong, or undefined. */
  match(method: string, path: string): RouteMatch | 'method' | undefined {
    let pathMatched = false;
    for (const route of this.routes) {
      const found = route.regex.exec(path);
      if (!found) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => {
        params[name] = safeDecode(found[i + 1] ?? '');
      });
      return { route, params };
    }
    return pathMatched ? 'method' : undefined;
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
