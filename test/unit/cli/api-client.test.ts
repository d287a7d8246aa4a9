import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import { ApiError, createApiClient, problemOf } from '../../../cli/api-client';

describe('problemOf: the API error body as one line', () => {
  it.each([
    ['{"error":"NotFound"}', 'NotFound'],
    ['{"error":"Conflict","message":"use /recheck"}', 'Conflict: use /recheck'],
    [
      '{"error":"ValidationFailed","fields":[{"field":"acceptedAt","message":"bad date"},{"field":"method","message":"x"}]}',
      'ValidationFailed: acceptedAt: bad date; method: x',
    ],
    ['{"error":"InternalError","correlationId":"c-1"}', 'InternalError: correlationId c-1'],
    ['<html>Bad gateway</html>', '<html>Bad gateway</html>'],
    ['"just a string"', '"just a string"'],
  ])('%s -> %s', (body, expected) => {
    expect(problemOf(body)).toBe(expected);
  });
});

describe('createApiClient', () => {
  let server: Server;
  let seen: IncomingHttpHeaders[];
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === '/api/signed-out') res.writeHead(401).end();
      else if (req.url === '/api/missing')
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"NotFound"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    seen = [];
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('sends no credentials locally', async () => {
    await createApiClient({ baseUrl: url }).json('GET', '/api/x');
    expect(seen[0]?.authorization).toBeUndefined();
    expect(seen[0]?.['x-functions-key']).toBeUndefined();
  });

  it('in Azure: an Entra token for the scope and the function key', async () => {
    const scopes: (string | string[])[] = [];
    const credential: TokenCredential = {
      getToken: (scope) => {
        scopes.push(scope);
        return Promise.resolve({ token: 'entra-token', expiresOnTimestamp: Date.now() + 60_000 });
      },
    };
    const client = createApiClient({
      baseUrl: `${url}/`,
      scope: 'api://app-id/.default',
      credential: () => credential,
      functionKey: 'fn-key',
    });
    expect(await client.json('POST', '/api/x', { a: 1 })).toEqual({ ok: true });
    expect(scopes).toEqual(['api://app-id/.default']);
    expect(seen[0]).toMatchObject({ authorization: 'Bearer entra-token', 'x-functions-key': 'fn-key' });
  });

  it('a non-2xx answer is an ApiError with the status and the problem', async () => {
    const failure = createApiClient({ baseUrl: url }).json('GET', '/api/missing');
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({
      status: 404,
      message: 'GET /api/missing: HTTP 404 NotFound',
    });
  });

  it('an answer without a body names the status (App Service Authentication refusing)', async () => {
    await expect(createApiClient({ baseUrl: url }).json('GET', '/api/signed-out')).rejects.toMatchObject({
      message: 'GET /api/signed-out: HTTP 401 Unauthorized',
    });
  });
});
