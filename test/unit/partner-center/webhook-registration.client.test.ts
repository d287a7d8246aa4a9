import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliveredOk } from '../../../cli/commands/webhook';
import {
  createWebhookRegistrationClient,
  type WebhookRegistrationClient,
} from '../../../shared/partnerCenter';

/** Answers each request with the next canned reply and records what came. */
let replies: { status: number; body: unknown }[];
let requests: { method: string; url: string; body: string; authorization: string }[];
let server: Server;
let client: WebhookRegistrationClient;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        body,
        authorization: req.headers.authorization ?? '',
      });
      const reply = replies.shift() ?? { status: 500, body: {} };
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createWebhookRegistrationClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    tokens: {
      appOnly: { getToken: () => Promise.resolve('app') },
      appUser: { getToken: () => Promise.resolve('user') },
    },
  });
});
beforeEach(() => {
  replies = [];
  requests = [];
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('webhook registration client', () => {
  it.each([
    [
      'PascalCase (the REST reference)',
      { SubscriberId: 's', WebhookUrl: 'https://a/b', WebhookEvents: ['test-created'] },
    ],
    [
      'camelCase (the examples)',
      { subscriberId: 's', webhookUrl: 'https://a/b', webhookEvents: ['test-created'] },
    ],
  ])('reads a registration in %s', async (_case, body) => {
    replies.push({ status: 200, body });
    expect(await client.get()).toEqual({
      subscriberId: 's',
      webhookUrl: 'https://a/b',
      webhookEvents: ['test-created'],
    });
    expect(requests[0]).toMatchObject({
      method: 'GET',
      url: '/webhooks/v1/registration',
      authorization: 'Bearer user',
    });
  });

  it('no registration (404) is undefined', async () => {
    replies.push({ status: 404, body: { code: 404, description: 'none' } });
    expect(await client.get()).toBeUndefined();
  });

  it('POST creates, PUT updates, with the documented PascalCase body', async () => {
    const answer = { WebhookUrl: 'https://a/b', WebhookEvents: ['test-created'] };
    replies.push({ status: 200, body: answer }, { status: 200, body: answer });
    await client.register({ webhookUrl: 'https://a/b', webhookEvents: ['test-created'] }, false);
    await client.register({ webhookUrl: 'https://a/b', webhookEvents: ['test-created'] }, true);
    expect(requests.map((r) => r.method)).toEqual(['POST', 'PUT']);
    expect(JSON.parse(requests[0]?.body ?? '')).toEqual({
      WebhookUrl: 'https://a/b',
      WebhookEvents: ['test-created'],
    });
  });

  it.each([
    ['a JSON string', 'c-1'],
    ['{ correlationId }', { correlationId: 'c-1' }],
    ['{ CorrelationId }', { CorrelationId: 'c-1' }],
  ])('takes the test event correlation id from %s', async (_case, body) => {
    replies.push({ status: 200, body });
    expect(await client.sendTestEvent()).toBe('c-1');
    expect(requests[0]).toMatchObject({ method: 'POST', url: '/webhooks/v1/registration/validationEvents' });
  });

  it('reads a test event status; a numeric response code becomes text', async () => {
    replies.push({
      status: 200,
      body: {
        correlationId: 'c-1',
        partnerId: 'p',
        status: 'completed',
        callbackUrl: 'https://a/b',
        results: [
          {
            responseCode: 200,
            responseMessage: null,
            systemError: false,
            dateTimeUtc: '2017-12-08T21:39:48',
          },
        ],
      },
    });
    const status = await client.testEventStatus('c-1');
    expect(status).toEqual({
      correlationId: 'c-1',
      status: 'completed',
      callbackUrl: 'https://a/b',
      results: [
        {
          responseCode: '200',
          responseMessage: undefined,
          systemError: false,
          dateTimeUtc: '2017-12-08T21:39:48',
        },
      ],
    });
    expect(requests[0]?.url).toBe('/webhooks/v1/registration/validationEvents/c-1');
  });
});

describe('deliveredOk: the latest attempt answered 2xx', () => {
  const status = (...codes: (string | undefined)[]) => ({
    correlationId: 'c',
    results: codes.map((responseCode) => ({ responseCode })),
  });
  it.each([
    [status('OK'), true],
    [status('200'), true],
    [status('NoContent'), true],
    [status('500', '200'), true],
    [status('200', '500'), false],
    [status('InternalServerError'), false],
    [status(undefined), false],
    [status(), false],
  ])('%j -> %s', (value, expected) => {
    expect(deliveredOk(value)).toBe(expected);
  });
});
