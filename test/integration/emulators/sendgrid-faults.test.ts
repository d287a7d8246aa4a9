import { SendGridFaults, startSendGridSink, type SendGridSink } from '../../../local/emulators/sendgrid';

const API_KEY = 'SG.local-test-key';

function mailSend(sink: SendGridSink, signal?: AbortSignal): Promise<Response> {
  return fetch(`${sink.url}/v3/mail/send`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({
      personalizations: [{ to: [{ email: 'someone@example.com' }] }],
      from: { email: 'noreply@partner.example' },
      subject: 'Hi',
      content: [{ type: 'text/plain', value: 'Hello' }],
    }),
    ...(signal ? { signal } : {}),
  });
}

function control(sink: SendGridSink, method: string, body?: unknown): Promise<Response> {
  return fetch(`${sink.url}/_control/faults`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe('SendGrid sink faults', () => {
  let sink: SendGridSink;

  beforeEach(async () => {
    sink = await startSendGridSink({ port: 0, host: '127.0.0.1', apiKey: API_KEY });
  });

  afterEach(async () => {
    await sink.close();
  });

  it('answers an injected 5xx without taking the mail, then takes mail again once cleared', async () => {
    const added = await control(sink, 'POST', { kind: 'error', status: 500, probability: 1 });
    expect(added.status).toBe(201);

    const refused = await mailSend(sink);
    expect(refused.status).toBe(500);
    expect(sink.messages()).toHaveLength(0);
    expect(await (await control(sink, 'GET')).json()).toEqual([
      expect.objectContaining({ kind: 'error', status: 500, hits: 1 }),
    ]);

    expect((await control(sink, 'DELETE')).status).toBe(204);
    expect((await mailSend(sink)).status).toBe(202);
    expect(sink.messages()).toHaveLength(1);
  });

  it('on a timeout fault takes the mail but holds the answer past the client’s patience', async () => {
    await control(sink, 'POST', { kind: 'timeout', holdMs: 60_000, probability: 1 });

    const failure = await mailSend(sink, AbortSignal.timeout(300)).catch((error: unknown) => error);

    expect(failure).toMatchObject({ name: 'TimeoutError' });
    expect(sink.messages()).toHaveLength(1);
  });

  it('rejects a rule that does not parse with 400', async () => {
    const response = await control(sink, 'POST', { kind: 'error', probability: 2 });
    expect(response.status).toBe(400);
    expect(sink.faults.list()).toEqual([]);
  });

  it('hits a seeded share of requests, the same requests for the same seed', () => {
    const pattern = (seed: number): boolean[] => {
      const faults = new SendGridFaults();
      faults.add({ kind: 'error', probability: 0.05, seed });
      return Array.from({ length: 2000 }, () => faults.decide().kind === 'error');
    };
    const first = pattern(7);
    const hits = first.filter(Boolean).length;
    expect(hits).toBeGreaterThan(60);
    expect(hits).toBeLessThan(140);
    expect(pattern(7)).toEqual(first);
    expect(pattern(8)).not.toEqual(first);
  });
});

describe('SendGrid sink message list', () => {
  it('lists only the messages after a sequence number with ?afterSequence', async () => {
    const sink = await startSendGridSink({ port: 0, host: '127.0.0.1', apiKey: API_KEY });
    try {
      for (let i = 0; i < 3; i++) expect((await mailSend(sink)).status).toBe(202);
      const list = async (query: string): Promise<number[]> =>
        ((await (await fetch(`${sink.url}/messages${query}`)).json()) as { sequence: number }[]).map(
          (m) => m.sequence,
        );
      expect(await list('')).toEqual([3, 2, 1]);
      expect(await list('?afterSequence=1')).toEqual([3, 2]);
      expect(await list('?afterSequence=3')).toEqual([]);
    } finally {
      await sink.close();
    }
  });
});
