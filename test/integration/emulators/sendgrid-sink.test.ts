import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@sendgrid/client';
import { MailService, type MailDataRequired } from '@sendgrid/mail';
import { VirtualClock } from '../../../local/clock';
import { startSendGridSink, type SendGridSink } from '../../../local/emulators/sendgrid';

const API_KEY = 'SG.local-test-key';

/** A real `@sendgrid/mail` client pointed at the sink the documented way. */
function mailerFor(sink: SendGridSink, apiKey = API_KEY): MailService {
  const client = new Client();
  client.setApiKey(apiKey); // setApiKey resets baseUrl, so the base URL comes after it
  client.setDefaultRequest('baseUrl', sink.url);
  const mailer = new MailService();
  mailer.setClient(client);
  return mailer;
}

const message: MailDataRequired = {
  to: { email: 'Taro.Yamada@example.co.jp', name: 'Taro Yamada' },
  from: { email: 'noreply@partner.example', name: 'Partner' },
  subject: 'Please accept the Microsoft Customer Agreement',
  text: 'Hello Taro,\nplease accept.',
  html: '<p>Hello <b>Taro</b></p>',
  categories: ['mca', 'invite'],
  customArgs: { tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', kind: 'invite' },
  headers: { 'X-Send-Key': 'tenant/invite/1' },
};

async function postMailSend(
  sink: SendGridSink,
  body: string,
  apiKey: string | null = API_KEY,
): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (apiKey !== null) headers.Authorization = `Bearer ${apiKey}`;
  return fetch(`${sink.url}/v3/mail/send`, { method: 'POST', headers, body });
}

async function errorFields(response: Response): Promise<(string | null)[]> {
  const body = (await response.json()) as { errors: { field: string | null }[] };
  return body.errors.map((e) => e.field);
}

function validBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    personalizations: [{ to: [{ email: 'someone@example.com' }] }],
    from: { email: 'noreply@partner.example' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'Hello' }],
    ...overrides,
  };
}

describe('SendGrid sink', () => {
  let sink: SendGridSink;
  let clock: VirtualClock;
  let logLines: string[];

  beforeEach(async () => {
    clock = new VirtualClock(Date.UTC(2026, 2, 1, 9, 0, 0));
    logLines = [];
    sink = await startSendGridSink({
      port: 0,
      host: '127.0.0.1',
      apiKey: API_KEY,
      clock,
      log: (line) => logLines.push(line),
    });
  });

  afterEach(async () => {
    await sink.close();
  });

  describe('through the real @sendgrid/mail client', () => {
    it('accepts a message with 202, an empty body and an X-Message-Id, and stores what was sent', async () => {
      const [response, body] = await mailerFor(sink).send(message);

      expect(response.statusCode).toBe(202);
      expect(body).toBe('');
      const id = String((response.headers as Record<string, unknown>)['x-message-id']);
      expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);

      const [stored] = sink.messages();
      expect(sink.messages()).toHaveLength(1);
      // What the SDK was given comes back unchanged (names in camelCase, the recipient per personalization).
      const { to, from, subject, text, html, categories, customArgs, headers } = message;
      expect(stored).toMatchObject({
        id,
        receivedAt: '2026-03-01T09:00:00.000Z',
        personalizations: [{ to: [to] }],
      });
      expect(stored).toMatchObject({ from, subject, text, html, categories, customArgs, headers });

      const fetched = await fetch(`${sink.url}/messages/${id}`);
      expect(fetched.status).toBe(200);
      expect(await fetched.json()).toEqual(JSON.parse(JSON.stringify(stored)));
    });

    it('answers a wrong key with 401, surfaced as the SDK error with SendGrid’s body', async () => {
      const failure: unknown = await mailerFor(sink, 'SG.wrong-key')
        .send(message)
        .catch((err: unknown) => err);

      expect(failure).toMatchObject({
        code: 401,
        response: {
          body: {
            errors: [
              {
                message: 'The provided authorization grant is invalid, expired, or revoked',
                field: null,
                help: null,
              },
            ],
          },
        },
      });
      expect(sink.messages()).toHaveLength(0);
    });

    it('answers an invalid message with 400 naming each field', async () => {
      const failure: unknown = await mailerFor(sink)
        .send({ ...message, to: 'not-an-address', subject: '' })
        .catch((err: unknown) => err);

      expect(failure).toMatchObject({ code: 400 });
      const errors = (failure as { response: { body: { errors: { field: string; message: string }[] } } })
        .response.body.errors;
      expect(errors.map((e) => e.field).sort()).toEqual(['personalizations.0.to.0.email', 'subject']);
      expect(errors.find((e) => e.field === 'subject')?.message).toMatch(/^The subject is required/);
      expect(sink.messages()).toHaveLength(0);
    });

    it('filters by recipient case-insensitively, newest first', async () => {
      const mailer = mailerFor(sink);
      await mailer.send({ ...message, subject: 'first' });
      await clock.advance(60_000);
      await mailer.send({ ...message, to: 'other@example.com', subject: 'other' });
      await clock.advance(60_000);
      await mailer.send({ ...message, subject: 'second' });

      expect(sink.messages().map((m) => m.subject)).toEqual(['second', 'other', 'first']);
      expect(sink.messages({ to: 'taro.yamada@EXAMPLE.co.jp' }).map((m) => m.subject)).toEqual([
        'second',
        'first',
      ]);

      const response = await fetch(
        `${sink.url}/messages?to=${encodeURIComponent('TARO.YAMADA@example.co.jp')}`,
      );
      const listed = (await response.json()) as { subject: string }[];
      expect(listed.map((m) => m.subject)).toEqual(['second', 'first']);
    });

    it('never logs recipients or bodies', async () => {
      const mailer = mailerFor(sink);
      await mailer.send(message);
      await mailer.send({ ...message, to: 'broken@' }).catch(() => undefined);
      await mailerFor(sink, 'SG.wrong')
        .send(message)
        .catch(() => undefined);

      expect(logLines.length).toBeGreaterThanOrEqual(3);
      const logged = logLines.join('\n');
      for (const secret of [
        'Taro',
        'example.co.jp',
        'broken@',
        'Hello',
        'Microsoft Customer Agreement',
        API_KEY,
      ]) {
        expect(logged).not.toContain(secret);
      }
    });
  });

  describe('Mail Send rules over raw HTTP', () => {
    it.each<[string, Record<string, unknown>, string[]]>([
      ['an empty object', {}, ['from.email', 'personalizations', 'subject', 'content']],
      [
        'no to',
        validBody({ personalizations: [{ cc: [{ email: 'a@example.com' }] }] }),
        ['personalizations.0.to'],
      ],
      [
        'an invalid cc',
        validBody({ personalizations: [{ to: [{ email: 'a@example.com' }], cc: [{ email: 'nope' }] }] }),
        ['personalizations.0.cc.0.email'],
      ],
      [
        'a duplicate recipient',
        validBody({
          personalizations: [{ to: [{ email: 'a@example.com' }], bcc: [{ email: 'A@example.com' }] }],
        }),
        ['personalizations.0'],
      ],
      ['an invalid from', validBody({ from: { email: 'partner' } }), ['from.email']],
      [
        'a number where a string belongs',
        validBody({ personalizations: [{ to: [{ email: 5 }] }] }),
        ['personalizations.0.to.0.email'],
      ],
      [
        'an empty content value',
        validBody({ content: [{ type: 'text/plain', value: '' }] }),
        ['content.0.value'],
      ],
      [
        'html before text',
        validBody({
          content: [
            { type: 'text/html', value: '<p>x</p>' },
            { type: 'text/plain', value: 'x' },
          ],
        }),
        ['content'],
      ],
      [
        'eleven categories',
        validBody({ categories: Array.from({ length: 11 }, (_, i) => `c${i}`) }),
        ['categories'],
      ],
    ])('rejects %s with 400 naming the fields', async (_name, body, fields) => {
      const response = await postMailSend(sink, JSON.stringify(body));

      expect(response.status).toBe(400);
      expect((await errorFields(response)).sort()).toEqual([...fields].sort());
    });

    it('reports a wrong JSON type the way SendGrid words it', async () => {
      const response = await postMailSend(sink, JSON.stringify(validBody({ subject: ['a'] })));

      expect(await response.json()).toMatchObject({
        errors: [{ field: 'subject', message: 'Invalid type. Expected: string, given: array.' }],
      });
    });

    it('accepts a template send without subject or content, and a subject on every personalization', async () => {
      const templated = validBody({ subject: undefined, content: undefined, template_id: 'd-0123' });
      const perPersonalization = validBody({
        subject: undefined,
        personalizations: [{ to: [{ email: 'a@example.com' }], subject: 'Own subject' }],
      });

      expect((await postMailSend(sink, JSON.stringify(templated))).status).toBe(202);
      expect((await postMailSend(sink, JSON.stringify(perPersonalization))).status).toBe(202);
      expect(sink.messages().map((m) => m.templateId ?? m.personalizations[0]?.subject)).toEqual([
        'Own subject',
        'd-0123',
      ]);
    });

    it('answers malformed JSON and non-objects with 400 Bad Request', async () => {
      for (const body of ['{"personalizations": [', '[]', '"text"', '']) {
        const response = await postMailSend(sink, body);
        expect(response.status).toBe(400);
        expect(await response.json()).toEqual({
          errors: [{ message: 'Bad Request', field: null, help: null }],
        });
      }
    });

    it('answers a missing key with 401', async () => {
      const response = await postMailSend(sink, JSON.stringify(validBody()), null);

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        errors: [{ message: 'authorization required', field: null, help: null }],
      });
    });

    it('answers a body over 30MB with 413 and stays up', async () => {
      const huge = JSON.stringify(
        validBody({ content: [{ type: 'text/plain', value: 'x'.repeat(30 * 1024 * 1024) }] }),
      );

      const response = await postMailSend(sink, huge);

      expect(response.status).toBe(413);
      expect(await errorFields(response)).toEqual([null]);
      expect((await postMailSend(sink, JSON.stringify(validBody()))).status).toBe(202);
    });

    it('answers sandbox mode with 200 and keeps nothing, as SendGrid does not deliver it', async () => {
      const body = validBody({ mail_settings: { sandbox_mode: { enable: true } } });

      const response = await postMailSend(sink, JSON.stringify(body));

      expect(response.status).toBe(200);
      expect(await response.text()).toBe('');
      expect(sink.messages()).toHaveLength(0);
    });

    it('clears the inbox with DELETE /messages', async () => {
      await postMailSend(sink, JSON.stringify(validBody()));

      const response = await fetch(`${sink.url}/messages`, { method: 'DELETE' });

      expect(response.status).toBe(204);
      expect(sink.messages()).toHaveLength(0);
      expect(await (await fetch(`${sink.url}/messages`)).json()).toEqual([]);
    });

    it('answers an unknown message id and an unknown route with 404', async () => {
      expect((await fetch(`${sink.url}/messages/nope`)).status).toBe(404);
      expect((await fetch(`${sink.url}/messages/%E0%A4%A`)).status).toBe(404);
      expect((await fetch(`${sink.url}/v3/templates`)).status).toBe(404);
      expect((await fetch(`${sink.url}/v3/mail/send`)).status).toBe(405);
    });
  });

  describe('inbox page', () => {
    const hostile = validBody({
      subject: '<script>alert(1)</script> & "quotes"',
      content: [
        { type: 'text/plain', value: 'Plain <b>not bold</b>' },
        { type: 'text/html', value: '<p onclick="x()">Hi & "bye"</p><script>steal()</script>' },
      ],
    });

    it('lists messages with time, recipient and escaped subject', async () => {
      await postMailSend(sink, JSON.stringify(hostile));

      const response = await fetch(`${sink.url}/`);
      const html = await response.text();

      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toContain("script-src 'none'");
      expect(html).toContain('2026-03-01T09:00:00.000Z');
      expect(html).toContain('someone@example.com');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
      expect(html).not.toContain('<script>');
    });

    it('shows a message with the HTML part in a sandboxed srcdoc iframe and the text part escaped', async () => {
      await postMailSend(sink, JSON.stringify(hostile));
      const [stored] = sink.messages();

      const response = await fetch(`${sink.url}/inbox/${stored?.id ?? ''}`);
      const html = await response.text();

      expect(response.status).toBe(200);
      expect(html).toContain(
        '<iframe sandbox title="HTML part" srcdoc="&lt;p onclick=&quot;x()&quot;&gt;Hi &amp; &quot;bye&quot;&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;">',
      );
      expect(html).toContain('<pre>Plain &lt;b&gt;not bold&lt;/b&gt;</pre>');
      expect(html).not.toContain('<script>');
      expect((await fetch(`${sink.url}/inbox/unknown`)).status).toBe(404);
    });
  });
});

describe('SendGrid sink persistence', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'sendgrid-sink-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps the inbox across a restart, and clear() empties it for good', async () => {
    const first = await startSendGridSink({ port: 0, apiKey: API_KEY, dataDir });
    await mailerFor(first).send({ ...message, subject: 'older' });
    await mailerFor(first).send({ ...message, subject: 'newer' });
    const before = first.messages();
    await first.close();

    const second = await startSendGridSink({ port: 0, apiKey: API_KEY, dataDir });
    try {
      expect(second.messages()).toEqual(JSON.parse(JSON.stringify(before)));
      expect(second.messages().map((m) => m.subject)).toEqual(['newer', 'older']);
      await mailerFor(second).send({ ...message, subject: 'after restart' });
      expect(second.messages().map((m) => m.subject)).toEqual(['after restart', 'newer', 'older']);

      await second.clear();
      expect(await readdir(path.join(dataDir, 'messages'))).toEqual([]);
    } finally {
      await second.close();
    }

    const third = await startSendGridSink({ port: 0, apiKey: API_KEY, dataDir });
    expect(third.messages()).toEqual([]);
    await third.close();
  });
});
