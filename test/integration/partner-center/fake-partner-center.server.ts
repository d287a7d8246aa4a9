/**
 * A scripted stand-in for Partner Center and its Entra token endpoint, on 127.0.0.1 and a free port,
 * for the client tests. Each test queues the replies a route gives; the last one repeats.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface Reply {
  status: number;
  /** Sent as JSON; a string is sent as it is (e.g. a gateway's HTML page). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer after this many ms (real time). */
  delayMs?: number;
  /** Drop the connection instead of answering (a network error). */
  dropConnection?: boolean;
}

export interface TokenRequest {
  grantType: string;
  clientId: string;
  hasSecret: boolean;
  /** The signed JWT of a certificate credential (client_assertion), when one was sent. */
  clientAssertion?: string;
  refreshToken?: string;
}

export const partnerTenant = 'partner-tenant';

export class FakePartnerCenter {
  readonly requests: RecordedRequest[] = [];
  readonly tokenRequests: TokenRequest[] = [];
  /** Seconds until expiry of the tokens issued per grant type. */
  tokenLifetimeSeconds: Record<string, number> = { client_credentials: 3600, refresh_token: 3600 };
  /** When set, the token endpoint answers this instead of a token (an Entra error). */
  tokenFailure: Reply | undefined;
  inFlight = 0;
  maxInFlight = 0;
  private readonly routes = new Map<string, Reply[]>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<FakePartnerCenter> {
    const server = http.createServer();
    const fake = new FakePartnerCenter(server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The local authority setting, as PARTNER_CENTER_AUTHORITY would hold it. */
  get authority(): string {
    return `${this.origin}/${partnerTenant}`;
  }

  /** Queues replies for e.g. `GET /v1/agreements` (path without query). */
  on(route: string, ...replies: Reply[]): this {
    this.routes.set(route, replies);
    return this;
  }

  requestsTo(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', this.origin);
    if (req.method === 'POST' && url.pathname === `/${partnerTenant}/oauth2/v2.0/token`) {
      this.issueToken(new URLSearchParams(raw), res);
      return;
    }
    const route = `${req.method} ${url.pathname}`;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: raw ? (JSON.parse(raw) as unknown) : undefined,
    });
    const queue = this.routes.get(route);
    const reply: Reply = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? {
      status: 404,
      body: { code: 404 },
    };
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
    } finally {
      this.inFlight--;
    }
    if (reply.dropConnection) {
      req.socket.destroy();
      return;
    }
    send(res, reply);
  }

  private issueToken(form: URLSearchParams, res: http.ServerResponse): void {
    const grantType = form.get('grant_type') ?? '';
    this.tokenRequests.push({
      grantType,
      clientId: form.get('client_id') ?? '',
      hasSecret: form.has('client_secret'),
      clientAssertion: form.get('client_assertion') ?? undefined,
      refreshToken: form.get('refresh_token') ?? undefined,
    });
    if (this.tokenFailure) {
      send(res, this.tokenFailure);
      return;
    }
    const prefix = grantType === 'refresh_token' ? 'app-user' : 'app-only';
    const count = this.tokenRequests.filter((t) => t.grantType === grantType).length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token_type: 'Bearer',
        access_token: `${prefix}-token-${count}`,
        expires_in: this.tokenLifetimeSeconds[grantType] ?? 3600,
      }),
    );
  }
}

function send(res: http.ServerResponse, reply: Reply): void {
  const raw = typeof reply.body === 'string';
  res.writeHead(reply.status, { 'content-type': raw ? 'text/html' : 'application/json', ...reply.headers });
  res.end(reply.body === undefined ? '' : raw ? reply.body : JSON.stringify(reply.body));
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
