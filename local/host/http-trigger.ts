/**
 * HTTP triggers: the host's port, `HttpExtension`s first (e.g. the durable management API), then the
 * app's routes (`routePrefix` + `route` or the function name, methods, auth level). Requests become
 * RPC `http` TypedData (raw body bytes preserved) and the app's `$return`/http output the response.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RegisteredFunction } from './app-registry';
import type { HttpExtension } from './contracts';
import type { LocalFunctionInvoker } from './function-invoker';
import type { HostLogger } from './host-logger';
import { describeError } from './host-logger';
import { compileRoute, type CompiledRoute } from './route-template';
import type {
  RpcHttpCookie,
  RpcHttpData,
  RpcInvocationResponse,
  RpcNullableString,
  RpcTypedData,
} from './rpc-types';
import { typedDataToBuffer } from './typed-data';

export interface HttpAuthOptions {
  /** Like Core Tools, keys are not checked unless this is true. */
  enforceKeys: boolean;
  /** Keys accepted for `authLevel: 'function'`. */
  functionKeys: string[];
  /** Accepted for every auth level, and the only key for `admin`. */
  masterKey?: string;
}

interface HttpRoute {
  fn: RegisteredFunction;
  route: CompiledRoute;
  methods: Set<string>;
  authLevel: string;
}

export interface HttpTriggerDeps {
  invoker: LocalFunctionInvoker;
  logger: HostLogger;
  routePrefix: string;
  auth: HttpAuthOptions;
  extensions: () => HttpExtension[];
}

function buildRoutes(functions: RegisteredFunction[], routePrefix: string): HttpRoute[] {
  return functions
    .filter((fn) => fn.info.triggerType.toLowerCase() === 'httptrigger')
    .map((fn) => {
      const binding = fn.info.bindings[fn.triggerName] ?? {};
      const route = typeof binding.route === 'string' ? binding.route : fn.info.name;
      const methods = Array.isArray(binding.methods)
        ? binding.methods.map((m) => String(m).toUpperCase())
        : ['GET', 'POST'];
      const authLevel = typeof binding.authLevel === 'string' ? binding.authLevel.toLowerCase() : 'function';
      return { fn, route: compileRoute(routePrefix, route), methods: new Set(methods), authLevel };
    })
    .sort((a, b) => b.route.literalSegments - a.route.literalSegments);
}

/** Azure's default `maxRequestBodySize` (100 MB); larger bodies get 413. */
const MAX_BODY_BYTES = 104_857_600;

class BodyTooLargeError extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.destroy();
        reject(new BodyTooLargeError('Request body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The request URL, or undefined when the target or Host header cannot form one (answered 400). */
function requestUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    return undefined;
  }
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function nullable(map: Record<string, string>): Record<string, RpcNullableString> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, { value: v }]));
}

/** The key a request carries, as `?code=` or the `x-functions-key` header. */
export function requestKey(req: IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-functions-key'];
  return url.searchParams.get('code') ?? (Array.isArray(header) ? header[0] : header);
}

function hasValidKey(route: HttpRoute, url: URL, req: IncomingMessage, auth: HttpAuthOptions): boolean {
  if (!auth.enforceKeys || route.authLevel === 'anonymous') return true;
  const key = requestKey(req, url);
  if (!key) return false;
  if (auth.masterKey && key === auth.masterKey) return true;
  return route.authLevel !== 'admin' && auth.functionKeys.includes(key);
}

function cookieHeader(cookie: RpcHttpCookie): string {
  const parts = [`${cookie.name ?? ''}=${cookie.value ?? ''}`];
  if (cookie.domain?.value) parts.push(`Domain=${cookie.domain.value}`);
  if (cookie.path?.value) parts.push(`Path=${cookie.path.value}`);
  const expires = cookie.expires?.value?.seconds;
  if (typeof expires === 'number') parts.push(`Expires=${new Date(expires * 1000).toUTCString()}`);
  if (typeof cookie.maxAge?.value === 'number') parts.push(`Max-Age=${cookie.maxAge.value}`);
  if (cookie.secure?.value) parts.push('Secure');
  if (cookie.httpOnly?.value) parts.push('HttpOnly');
  if (cookie.sameSite && cookie.sameSite !== 'none') {
    parts.push(
      `SameSite=${cookie.sameSite === 'explicitNone' ? 'None' : cookie.sameSite[0]?.toUpperCase() + cookie.sameSite.slice(1)}`,
    );
  }
  return parts.join('; ');
}

/** The HTTP response the function produced: `$return` or a named http output. */
function httpOutput(fn: RegisteredFunction, response: RpcInvocationResponse): RpcHttpData | undefined {
  const returnBinding = fn.info.bindings.$return;
  if (returnBinding?.type.toLowerCase() === 'http' && response.returnValue?.http)
    return response.returnValue.http;
  for (const output of response.outputData ?? []) {
    const binding = output.name ? fn.info.bindings[output.name] : undefined;
    if (binding?.type.toLowerCase() === 'http' && output.data?.http) return output.data.http;
  }
  return undefined;
}

function writeResponse(res: ServerResponse, http: RpcHttpData | undefined): void {
  if (!http) {
    res.writeHead(204).end();
    return;
  }
  const status = Number(http.statusCode ?? '200') || 200;
  for (const [key, value] of Object.entries(http.headers ?? {})) res.setHeader(key, value);
  const cookies = (http.cookies ?? []).map(cookieHeader);
  if (cookies.length > 0) res.setHeader('set-cookie', cookies);
  const body = typedDataToBuffer(http.body);
  res.writeHead(status);
  res.end(body);
}

export class HttpTriggerServer {
  private server: Server | undefined;
  private closing = false;
  private readonly inFlight = new Set<Promise<void>>();
  private routes: HttpRoute[] = [];
  private baseUrl = '';

  constructor(private readonly deps: HttpTriggerDeps) {}

  /** Starts listening on `port` (0 = a free one) on `hostname`; resolves to the base URL. */
  async listen(functions: RegisteredFunction[], port: number, hostname: string): Promise<string> {
    this.routes = buildRoutes(functions, this.deps.routePrefix);
    const server = createServer((req, res) => {
      if (this.closing) {
        // The host is stopping, as Azure answers while a host restarts.
        res.writeHead(503, { connection: 'close' }).end();
        return;
      }
      const handled = this.handle(req, res).catch((error: unknown) => {
        this.deps.logger.system('error', `HTTP request failed: ${describeError(error)}`);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      this.inFlight.add(handled);
      void handled.finally(() => this.inFlight.delete(handled));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, hostname, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const shownHost = hostname === '0.0.0.0' || hostname === '::' ? 'localhost' : hostname;
    this.baseUrl = `http://${shownHost}:${address.port}`;
    return this.baseUrl;
  }

  routeTemplates(): { name: string; methods: string[]; url: string }[] {
    return this.routes.map((r) => ({
      name: r.fn.info.name,
      methods: [...r.methods],
      url: `${this.baseUrl}/${r.route.template}`,
    }));
  }

  /** Stops accepting requests, lets those in progress finish (at most `drainMs`), then closes. */
  async close(drainMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.inFlight]),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs))),
    ]);
    clearTimeout(timer);
    // What is left are idle keep-alive connections (or requests past the drain time).
    server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      res.writeHead(413, { connection: 'close' }).end();
      return;
    }
    const url = requestUrl(req);
    if (!url) {
      res.writeHead(400).end();
      return;
    }
    for (const extension of this.deps.extensions()) {
      if (await extension.handle(req, res, body)) return;
    }
    const method = (req.method ?? 'GET').toUpperCase();
    let params: Record<string, string> | undefined;
    const route = this.routes.find(
      (r) => r.methods.has(method) && (params = r.route.match(url.pathname)) !== undefined,
    );
    if (!route || !params) {
      res.writeHead(404).end();
      return;
    }
    if (!hasValidKey(route, url, req, this.deps.auth)) {
      res.writeHead(401).end();
      return;
    }
    const headers = flatHeaders(req);
    const query: Record<string, string> = {};
    for (const key of new Set(url.searchParams.keys())) query[key] = url.searchParams.getAll(key).join(',');
    const http: RpcHttpData = {
      method,
      url: url.toString(),
      headers,
      nullableHeaders: nullable(headers),
      query,
      nullableQuery: nullable(query),
      params,
      nullableParams: nullable(params),
      body: { bytes: body },
    };
    const triggerMetadata: Record<string, RpcTypedData> = {
      Query: { json: JSON.stringify(query) },
      Headers: { json: JSON.stringify(headers) },
    };
    for (const [key, value] of Object.entries(params)) triggerMetadata[key] = { string: value };
    try {
      const { response } = await this.deps.invoker.run({
        functionName: route.fn.info.name,
        inputData: [{ name: route.fn.triggerName, data: { http } }],
        triggerMetadata,
        detail: `${method} ${url.pathname}`,
      });
      writeResponse(res, httpOutput(route.fn, response));
    } catch {
      // The invoker logged the error; the caller gets what Azure gives: a bare 500.
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }
}
