/**
 * The sender over real HTTP with the real SendGrid SDK: against the SendGrid sink, through a recording
 * proxy (the sink does not keep tracking settings), and against tiny servers that fail on purpose.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startSendGridSink, type SendGridSink } from '../../../local/emulators/sendgrid';
import {
  createMailSender,
  renderMail,
  RetryableMailError,
  SEND_KEY_HEADER,
  type MailSenderOptions,
  type OutgoingMail,
} from '../../../shared/mail';
import { mailData, TENANT_ID } from '../../unit/mail/mail-data.fixtures';

const API_KEY = 'SG.mail-sender-test-key';
const RECIPIENT = 'taro.yamada@fabrikam.example';
const SEND_KEY = `${TENANT_ID}/directInvite/1`;

interface TestServer {
  url: string;
  close(): Promise<void>;
}

async function startServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<TestServer> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Forwards every request to `target` and keeps the JSON bodies it saw on the wire. */
async function startRecordingProxy(target: string): Promise<TestServer & { bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = await startServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      bodies.push(JSON.parse(body));
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && entry[0] !== 'host',
        ),
      );
      const answer = await fetch(`${target}${req.url ?? '/'}`, { method: req.method, headers, body });
      res.writeHead(answer.status, Object.fromEntries(answer.headers));
      res.end(Buffer.from(await answer.arrayBuffer()));
    })();
  });
  return { ...server, bodies };
}

function outgoing(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  const rendered = renderMail('directInvite', mailData().directInvite, 'ja-JP');
  return {
    to: { email: RECIPIENT, name: 'Yamada Taro' },
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    sendKey: SEND_KEY,
    categories: ['mca', 'directInvite'],
    ...overrides,
  };
}

function senderFor(baseUrl: string, overrides: Partial<MailSenderOptions> = {}) {
  return createMailSender({
    apiKey: API_KEY,
    baseUrl,
    from: { email: 'noreply@contoso.example', name: 'Contoso Cloud Services' },
    ...overrides,
  });
}

/** Whatever the sender reports must not carry personal data, bodies or the key. */
function expectNoSecrets(report: unknown): void {
  const seen =
    report instanceof Error
      ? `${report.message}\n${report.stack ?? ''}\n${JSON.stringify(report)}`
      : JSON.stringify(report);
  for (const secret of [API_KEY, RECIPIENT, 'Yamada', 'Microsoft 顧客契約', 'not-an-address']) {
    expect(seen).not.toContain(secret);
  }
}

async function sendExpectingError(send: () => Promise<unknown>): Promise<unknown> {
  try {
    await send();
  } catch (error) {
    return error;
  }
  throw new Error('expected the send to throw');
}

describe('mail sender against the SendGrid sink', () => {
  let sink: SendGridSink;

  beforeEach(async () => {
    sink = await startSendGridSink({ port: 0, host: '127.0.0.1', apiKey: API_KEY });
  });

  afterEach(async () => {
    await sink.close();
  });

  it('sends both parts with the send key as custom arg and header, and the message id comes back', async () => {
    const mail = outgoing({ replyTo: { email: 'mca-help@contoso.example', name: 'Hanako Sato' } });

    const result = await senderFor(sink.url).send(mail);

    const stored = sink.messages({ to: RECIPIENT });
    expect(stored).toHaveLength(1);
    const [message] = stored;
    expect(result).toEqual({ kind: 'sent', messageId: message?.id });
    expect(message?.from).toEqual({ email: 'noreply@contoso.example', name: 'Contoso Cloud Services' });
    expect(message?.replyTo).toEqual({ email: 'mca-help@contoso.example', name: 'Hanako Sato' });
    expect(message?.subject).toBe(mail.subject);
    expect(message?.text).toBe(mail.text);
    expect(message?.html).toBe(mail.html);
    expect(message?.content.map((c) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(message?.customArgs).toEqual({ sendKey: SEND_KEY });
    expect(message?.headers).toEqual({ [SEND_KEY_HEADER]: SEND_KEY });
    expect(message?.categories).toEqual(['mca', 'directInvite']);
  });

  it('turns click, open and subscription tracking off on the wire', async () => {
    const proxy = await startRecordingProxy(sink.url);
    try {
      const result = await senderFor(proxy.url).send(outgoing());
      expect(result.kind).toBe('sent');
      expect(proxy.bodies).toHaveLength(1);
      expect(proxy.bodies[0]).toMatchObject({
        custom_args: { sendKey: SEND_KEY },
        tracking_settings: {
          click_tracking: { enable: false, enable_text: false },
          open_tracking: { enable: false },
          subscription_tracking: { enable: false },
        },
      });
      expect(sink.messages()).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('uses its own client: two senders with different keys do not share settings', async () => {
    const wrong = senderFor(sink.url, { apiKey: 'SG.wrong-key' });
    const right = senderFor(sink.url);

    expect((await wrong.send(outgoing())).kind).toBe('rejected');
    expect((await right.send(outgoing())).kind).toBe('sent');
  });

  it('reports a wrong API key as rejected 401, without the key', async () => {
    const result = await senderFor(sink.url, { apiKey: 'SG.wrong-key' }).send(outgoing());

    expect(result).toMatchObject({ kind: 'rejected', status: 401 });
    expect(sink.messages()).toHaveLength(0);
    expect(JSON.stringify(result)).not.toContain('SG.wrong-key');
  });

  it('reports an invalid address as rejected 400 naming the field, not the address', async () => {
    const result = await senderFor(sink.url).send(outgoing({ to: { email: 'not-an-address' } }));

    expect(result).toMatchObject({ kind: 'rejected', status: 400 });
    expect(result.kind === 'rejected' && result.reason).toContain('personalizations.0.to.0.email');
    expectNoSecrets(result);
    expect(sink.messages()).toHaveLength(0);
  });

  it('in sandbox mode has SendGrid validate without delivering: sent, with no message id', async () => {
    const result = await senderFor(sink.url, { sendGrid: { sandboxMode: true } }).send(outgoing());

    expect(result).toEqual({ kind: 'sent', messageId: null });
    expect(sink.messages()).toHaveLength(0);
  });

  it('refuses a send key that cannot travel in a header, before any request', async () => {
    const error = await sendExpectingError(() =>
      senderFor(sink.url).send(outgoing({ sendKey: 'a\r\nBcc: x' })),
    );

    expect(error).toMatchObject({ name: 'InvalidMailError', retryable: false });
    expect(sink.messages()).toHaveLength(0);
  });
});

describe('mail sender when SendGrid fails', () => {
  /** A server answering every request with `status` and a JSON `body`. */
  async function answering(status: number, body: unknown): Promise<TestServer> {
    return startServer((req, res) => {
      void readBody(req).then(() => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
  }

  const SENDER_IDENTITY = 'The from address does not match a verified Sender Identity.';

  it.each([
    [403, { errors: [{ message: SENDER_IDENTITY, field: 'from' }] }, `from: ${SENDER_IDENTITY}`],
    [413, { errors: [{ message: 'Payload Too Large', field: null }] }, 'Payload Too Large'],
    [404, 'not json', 'Not Found'],
  ])('reports %i as rejected with a reason from the answer', async (status, body, reason) => {
    const server = await answering(status, body);
    try {
      expect(await senderFor(server.url).send(outgoing())).toEqual({ kind: 'rejected', status, reason });
    } finally {
      await server.close();
    }
  });

  it('redacts anything that looks like an address from a rejection reason', async () => {
    const server = await answering(400, { errors: [{ message: `bad recipient ${RECIPIENT}`, field: 'to' }] });
    try {
      const result = await senderFor(server.url).send(outgoing());
      expect(result).toEqual({ kind: 'rejected', status: 400, reason: 'to: bad recipient [redacted]' });
    } finally {
      await server.close();
    }
  });

  it.each([
    [408, {}],
    [429, { errors: [{ message: 'too many requests', field: null }] }],
    [503, {}],
  ])('throws a retryable error on %i (SendGrid did not take the mail)', async (status, body) => {
    const server = await answering(status, body);
    try {
      const error = await sendExpectingError(() => senderFor(server.url).send(outgoing()));
      expect(error).toBeInstanceOf(RetryableMailError);
      expect(error).toMatchObject({ retryable: true, status });
      expectNoSecrets(error);
    } finally {
      await server.close();
    }
  });

  it.each([
    [500, { errors: [{ message: `boom for ${RECIPIENT}`, field: null }] }],
    [502, {}],
    [504, {}],
  ])('reports %i as an unknown outcome (SendGrid may have queued the mail)', async (status, body) => {
    const server = await answering(status, body);
    try {
      const result = await senderFor(server.url).send(outgoing());
      expect(result).toEqual({ kind: 'unknown', status, reason: `SendGrid answered ${status}` });
      expectNoSecrets(result);
    } finally {
      await server.close();
    }
  });

  it('throws a retryable error when nothing listens', async () => {
    const server = await startServer(() => undefined);
    await server.close();

    const error = await sendExpectingError(() => senderFor(server.url).send(outgoing()));

    expect(error).toBeInstanceOf(RetryableMailError);
    expect((error as RetryableMailError).message).toContain('ECONNREFUSED');
    expect((error as RetryableMailError).status).toBeUndefined();
    expectNoSecrets(error);
  });

  it('reports an unknown outcome when the answer does not come in time', async () => {
    const server = await startServer((req) => void readBody(req)); // reads the mail, never answers
    try {
      const sender = senderFor(server.url, { sendGrid: { timeoutMs: 500 } });
      const result = await sender.send(outgoing());
      expect(result).toEqual({
        kind: 'unknown',
        reason: expect.stringMatching(/without an answer \([A-Z_]+\)/) as string,
      });
      expectNoSecrets(result);
    } finally {
      await server.close();
    }
  });

  it('reports an unknown outcome when the connection drops after the mail was sent', async () => {
    const server = await startServer((req) => void readBody(req).then(() => req.socket.destroy()));
    try {
      const result = await senderFor(server.url).send(outgoing());
      expect(result).toEqual({
        kind: 'unknown',
        reason: 'SendGrid request failed without an answer (ECONNRESET)',
      });
      expectNoSecrets(result);
    } finally {
      await server.close();
    }
  });
});
