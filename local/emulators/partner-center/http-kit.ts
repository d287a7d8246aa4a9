/**
 * Small HTTP helpers: handlers return a `Reply` (plain data) instead of writing to the response, so a
 * reply can be stored for MS-RequestId replays, logged, or replaced by an injected fault.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function html(status: number, page: string): Reply {
  return { status, headers: { 'content-type': 'text/html; charset=utf-8' }, body: page };
}

export function text(status: number, body: string, contentType = 'text/plain; charset=utf-8'): Reply {
  return { status, headers: { 'content-type': contentType }, body };
}

export function redirect(location: string): Reply {
  return { status: 303, headers: { location }, body: '' };
}

export function noContent(): Reply {
  return { status: 204, headers: {}, body: '' };
}

/** The classic Partner Center error body: `{ code, description, data, source }`. */
export function pcError(
  status: number,
  code: number,
  description: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { code, description, data: [], source: 'PartnerFD' }, headers);
}

/** The newer Partner Center error body used by the newer APIs (here: enhanced attestation). */
export function pcErrorV2(
  status: number,
  code: number,
  errorName: string,
  message: string,
  parameters: Record<string, string> = {},
): Reply {
  return json(status, {
    code,
    message,
    description: message,
    errorName,
    isRetryable: status === 429 || status >= 500,
    parameters,
    traceId: crypto.randomUUID(),
  });
}

/** Entra ID (AADSTS) error body for the token endpoint. */
export function entraError(status: number, error: string, aadsts: number, description: string): Reply {
  return json(status, {
    error,
    error_description: `AADSTS${aadsts}: ${description}`,
    error_codes: [aadsts],
    timestamp: new Date()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    trace_id: crypto.randomUUID(),
    correlation_id: crypto.randomUUID(),
  });
}

export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body; resolves `undefined` when it exceeds MAX_BODY_BYTES. */
export function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) });
  res.end(reply.body);
}

/** One header value, whatever its case, or undefined. */
export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
