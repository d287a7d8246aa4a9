/**
 * The app's HTTP API as the CLI calls it (docs/architecture.md "HTTP API"). Locally no credentials;
 * in Azure an Entra bearer token for `api://<app-id>/.default` (App Service Authentication) and the
 * function key (`authLevel: function`).
 */
import type { TokenCredential } from '@azure/core-auth';
import { CliError, stringOption, type CommandContext } from './context';

export const DEFAULT_API_URL = 'http://127.0.0.1:7071';

/** A non-2xx answer, with the API's problem message. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly problem: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${problem}`);
  }
}

export interface ApiClient {
  /** The parsed JSON answer of a 2xx; ApiError otherwise. */
  json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T>;
  /** The body text of a 2xx (the CSV report). */
  text(path: string): Promise<string>;
}

export interface ApiClientOptions {
  baseUrl: string;
  /** `api://<app-id>/.default` in Azure; none locally. */
  scope?: string;
  credential?: () => TokenCredential;
  functionKey?: string;
}

export function apiClientOptions(ctx: CommandContext): ApiClientOptions {
  const scope = stringOption(ctx.options, 'scope') ?? ctx.settings.MCA_SCOPE;
  return {
    baseUrl: stringOption(ctx.options, 'url') ?? ctx.settings.MCA_URL ?? DEFAULT_API_URL,
    scope,
    credential: () => ctx.credential(),
    functionKey: stringOption(ctx.options, 'function-key') ?? ctx.settings.MCA_FUNCTION_KEY,
  };
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.functionKey) headers['x-functions-key'] = options.functionKey;
    if (options.scope && options.credential) {
      const token = await options.credential().getToken(options.scope);
      if (!token) throw new CliError(`no Entra token for ${options.scope}`);
      headers.authorization = `Bearer ${token.token}`;
    }
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(`cannot reach ${base} (${cause}): is the app running? (--url / MCA_URL)`);
    }
    if (!response.ok) {
      const problem = problemOf(await response.text()) || response.statusText;
      throw new ApiError(response.status, problem, `${method} ${path}`);
    }
    return response;
  }

  return {
    async json<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
      return (await (await send(method, path, body)).json()) as T;
    },
    async text(path) {
      return (await send('GET', path)).text();
    },
  };
}

/**
 * The API's error body as one line: `{ error, message }`, `{ error, fields: [{ field, message }] }`
 * (functions/http-errors.ts), or the start of whatever else came back.
 */
export function problemOf(bodyText: string): string {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return bodyText.trim().slice(0, 200);
  }
  if (typeof body !== 'object' || body === null) return bodyText.trim().slice(0, 200);
  const { error, message, fields, correlationId } = body as Record<string, unknown>;
  const parts = [typeof error === 'string' ? error : 'Error'];
  if (typeof message === 'string') parts.push(message);
  if (Array.isArray(fields)) {
    parts.push(
      fields
        .map((f: unknown) => {
          const { field, message: why } = (f ?? {}) as Record<string, unknown>;
          return `${String(field)}: ${String(why)}`;
        })
        .join('; '),
    );
  }
  if (typeof correlationId === 'string') parts.push(`correlationId ${correlationId}`);
  return parts.join(': ');
}
