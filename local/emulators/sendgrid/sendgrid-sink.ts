/**
 * A local stand-in for SendGrid's v3 Mail Send API: validates and accepts mail like SendGrid, keeps it
 * in an inbox (JSON API + HTML page) instead of delivering it. It logs ids and field names only, never
 * addresses or bodies (personal data).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import { RealClock, type Clock } from '../../clock';
import { INBOX_PAGE_HEADERS, renderInboxList, renderMessage, renderNotFound } from './inbox.page';
import { badRequest, validateMailSend, type SendGridError } from './mail-send.validation';
import { MessageStore } from './message-store';
import { toStoredMessage, type MessageFilter, type StoredMessage } from './stored-message';
import { checkApiKey } from './api-key';
import { SendGridFaults } from './faults';

export const DEFAULT_SENDGRID_SINK_PORT = 7082;
/** SendGrid: "The total size of your email, including attachments, must be less than 30MB." */
export const MAX_MAIL_SEND_BYTES = 30 * 1024 * 1024;

export interface SendGridSinkOptions {
  /** Default 7082; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The key clients must send as `Authorization: Bearer <key>`. */
  apiKey: string;
  /** Where accepted messages persist; in memory only when absent. */
  dataDir?: string;
  clock?: Clock;
  /** Operational lines (never personal data); silent when absent. */
  log?: (line: string) => void;
}

export interface SendGridSink {
  /** Base URL, e.g. `http://127.0.0.1:7082`: give it to `@sendgrid/client` as `baseUrl`. */
  url: string;
  /** Injected faults (also over HTTP: `GET/POST/DELETE /_control/faults`). */
  faults: SendGridFaults;
  /** Accepted messages, newest first. */
  messages(filter?: MessageFilter): StoredMessage[];
  clear(): Promise<void>;
  /** An outage: stops listening (connections refused, as when SendGrid is unreachable) until `resume`. */
  goDown(): Promise<void>;
  /** Listens again on the same address and port, with the messages kept. */
  resume(): Promise<void>;
  close(): Promise<void>;
}

export async function startSendGridSink(options: SendGridSinkOptions): Promise<SendGridSink> {
  const log = options.log ?? (() => undefined);
  const clock = options.clock ?? new RealClock();
  const store = await MessageStore.open(options.dataDir, log);
  const faults = new SendGridFaults();
  // Ends answers held back by a timeout fault when the sink stops, so nothing keeps the process alive.
  const stopped = new AbortController();
  const handle = requestHandler({
    apiKey: options.apiKey,
    clock,
    store,
    log,
    faults,
    stopped: stopped.signal,
  });
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`sendgrid sink: internal error: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent)
        sendJson(res, 500, { errors: [{ message: 'Internal Server Error', field: null, help: null }] });
      else res.destroy();
    });
  });
  const listen = (port: number, host: string) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  await listen(options.port ?? DEFAULT_SENDGRID_SINK_PORT, options.host ?? '127.0.0.1');
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  log(`sendgrid sink: listening at ${url}`);
  return {
    url,
    faults,
    messages: (filter) => structuredClone(store.list(filter)),
    clear: () => store.clear(),
    goDown: async () => {
      log('sendgrid sink: down (outage)');
      await stop();
    },
    resume: async () => {
      await listen(port, address);
      log('sendgrid sink: up again');
    },
    close: async () => {
      stopped.abort();
      if (server.listening) await stop();
    },
  };
}

interface SinkDeps {
  apiKey: string;
  clock: Clock;
  store: MessageStore;
  log: (line: string) => void;
  faults: SendGridFaults;
  stopped: AbortSignal;
}

function requestHandler(deps: SinkDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const route = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (route === '/v3/mail/send' && method === 'POST') return mailSend(req, res, deps);
    if (route === '/_control/faults') return faultControl(req, res, method, deps);
    await drain(req);
    if (route === '/v3/mail/send') return sendErrors(res, 405, [plainError('method not allowed')]);
    if (route === '/messages') {
      if (method === 'GET') return sendJson(res, 200, deps.store.list(filterFrom(url)).filter(after(url)));
      if (method === 'DELETE') {
        await deps.store.clear();
        res.writeHead(204).end();
        return;
      }
      return sendErrors(res, 405, [plainError('method not allowed')]);
    }
    const messageId = /^\/messages\/([^/]+)$/.exec(route)?.[1];
    if (messageId !== undefined && method === 'GET') {
      const message = deps.store.get(messageIdFrom(messageId));
      return message ? sendJson(res, 200, message) : sendErrors(res, 404, [plainError('message not found')]);
    }
    if ((route === '/' || route === '/inbox') && method === 'GET') {
      return sendHtml(res, 200, renderInboxList(deps.store.list(filterFrom(url))));
    }
    const viewId = /^\/inbox\/([^/]+)$/.exec(route)?.[1];
    if (viewId !== undefined && method === 'GET') {
      const message = deps.store.get(messageIdFrom(viewId));
      return message ? sendHtml(res, 200, renderMessage(message)) : sendHtml(res, 404, renderNotFound());
    }
    sendErrors(res, 404, [plainError('resource not found')]);
  };
}

async function mailSend(req: IncomingMessage, res: ServerResponse, deps: SinkDeps): Promise<void> {
  const body = await readBody(req, MAX_MAIL_SEND_BYTES);
  const auth = checkApiKey(req.headers.authorization, deps.apiKey);
  if (auth !== 'ok') {
    deps.log(`sendgrid sink: 401 (${auth} key)`);
    return sendErrors(res, 401, [
      plainError(
        auth === 'missing'
          ? 'authorization required'
          : 'The provided authorization grant is invalid, expired, or revoked',
      ),
    ]);
  }
  if (body === 'tooLarge') {
    deps.log('sendgrid sink: 413 (payload over 30MB)');
    return sendErrors(res, 413, [
      plainError('The JSON payload you have included in your request is too large.'),
    ]);
  }
  const json = parseJson(body);
  const validation = json.ok ? validateMailSend(json.value) : { ok: false as const, errors: [badRequest()] };
  if (!validation.ok) {
    deps.log(`sendgrid sink: 400 (fields: ${validation.errors.map((e) => e.field ?? '-').join(', ')})`);
    return sendErrors(res, 400, validation.errors);
  }
  if (validation.request.mail_settings?.sandbox_mode?.enable === true) {
    // Like SendGrid: valid, but not queued for delivery.
    res.writeHead(200).end();
    return;
  }
  const fault = deps.faults.decide();
  if (fault.kind === 'error') {
    deps.log(`sendgrid sink: ${fault.status} (injected fault)`);
    return sendErrors(res, fault.status, [plainError('Internal Server Error (injected fault)')]);
  }
  const id = randomBytes(16).toString('base64url');
  const receivedAt = new Date(deps.clock.now()).toISOString();
  await deps.store.add(
    toStoredMessage(validation.request, { id, sequence: deps.store.nextSequence(), receivedAt }),
  );
  if (fault.kind === 'timeout') {
    deps.log(`sendgrid sink: accepted message ${id}, answer held ${fault.holdMs} ms (injected fault)`);
    // Aborted (the sink stops): answer at once rather than keep the process alive.
    await wait(fault.holdMs, undefined, { signal: deps.stopped }).catch(() => undefined);
    if (res.destroyed) return;
  } else deps.log(`sendgrid sink: accepted message ${id}`);
  res.writeHead(202, { 'X-Message-Id': id }).end();
}

/** `GET` lists the fault rules, `POST` adds one (the rule as JSON), `DELETE` removes them all. */
async function faultControl(
  req: IncomingMessage,
  res: ServerResponse,
  method: string,
  deps: SinkDeps,
): Promise<void> {
  const body = await readBody(req, 64 * 1024);
  if (method === 'GET') return sendJson(res, 200, deps.faults.list());
  if (method === 'DELETE') {
    deps.faults.clear();
    res.writeHead(204).end();
    return;
  }
  if (method !== 'POST') return sendErrors(res, 405, [plainError('method not allowed')]);
  const json = body === 'tooLarge' ? { ok: false as const } : parseJson(body);
  try {
    if (!json.ok) throw new Error('the body is not JSON');
    return sendJson(res, 201, { id: deps.faults.add(json.value) });
  } catch (error) {
    return sendErrors(res, 400, [plainError(`invalid fault rule: ${(error as Error).message}`)]);
  }
}

function filterFrom(url: URL): MessageFilter {
  const to = url.searchParams.get('to');
  return to === null || to.trim() === '' ? {} : { to };
}

/** `?afterSequence=N`: only messages that arrived after the N-th, so a poller reads each message once. */
function after(url: URL): (message: StoredMessage) => boolean {
  const raw = url.searchParams.get('afterSequence');
  const sequence = raw === null ? NaN : Number(raw);
  return Number.isInteger(sequence) ? (message) => message.sequence > sequence : () => true;
}

/** Ids are base64url, so anything that needs decoding (or cannot be decoded) is simply not found. */
function messageIdFrom(segment: string): string {
  return /^[A-Za-z0-9_-]+$/.test(segment) ? segment : '';
}

function plainError(message: string): SendGridError {
  return { message, field: null, help: null };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Reads the whole body; past `limit` it keeps reading (so the client can finish sending) but discards. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size > limit ? 'tooLarge' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function drain(req: IncomingMessage): Promise<void> {
  return readBody(req, 0).then(() => undefined);
}

function sendErrors(res: ServerResponse, status: number, errors: SendGridError[]): void {
  sendJson(res, status, { errors });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res
    .writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    .end(body);
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, { ...INBOX_PAGE_HEADERS, 'Content-Length': Buffer.byteLength(html) }).end(html);
}
