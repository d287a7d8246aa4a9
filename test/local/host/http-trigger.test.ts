import { connect } from 'node:net';
import { nativeProcess } from '../../../local/host/native-runtime';
import { startTestHost, type TestHost } from './host-fixture';

describe('HTTP triggers through startHost', () => {
  let t: TestHost;
  let url: string;

  beforeAll(async () => {
    // The app sees the real process environment (Jest gives tests a copy).
    nativeProcess.env.FIXTURE_PRESET = 'from the environment';
    t = await startTestHost('http-timer');
    url = t.host.url;
  });

  afterAll(() => t.stop());

  it('passes route params, query, headers and the raw body', async () => {
    const body = Buffer.from([0, 1, 2, 250, 255]);
    const res = await fetch(`${url}/api/echo/42/ann?x=1&x=2&y=z`, {
      method: 'POST',
      headers: { 'x-fixture': 'yes', 'content-type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({
      method: 'POST',
      url: `${url}/api/echo/42/ann?x=1&x=2&y=z`,
      params: { id: '42', name: 'ann' },
      query: { x: '1,2', y: 'z' },
      header: 'yes',
      bodyBase64: body.toString('base64'),
    });
  });

  it('matches an optional parameter when it is absent and literals case-insensitively', async () => {
    const res = await fetch(`${url}/API/Echo/7`);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { params: Record<string, string>; method: string };
    expect(json.params).toEqual({ id: '7' });
    expect(json.method).toBe('GET');
  });

  it('uses the function name as the default route and returns status, headers, cookies and body', async () => {
    const res = await fetch(`${url}/api/hello`);
    expect(res.status).toBe(201);
    expect(res.headers.get('x-fixture-reply')).toBe('yes');
    expect(res.headers.get('set-cookie')).toBe('session=abc; HttpOnly');
    expect(await res.text()).toBe('hi');
  });

  it('answers 404 for an unknown route and for a method the function does not accept', async () => {
    expect((await fetch(`${url}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${url}/api/echo`)).status).toBe(404);
    expect((await fetch(`${url}/api/hello`, { method: 'DELETE' })).status).toBe(404);
    expect((await fetch(`${url}/api/echo/1`, { method: 'PATCH' })).status).toBe(404);
  });

  it('answers 500 when the handler throws, logs the failure and keeps serving', async () => {
    const res = await fetch(`${url}/api/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).toBe('');
    expect(t.lines.some((l) => /boom httpTrigger \d+ms Failed \(kaboom\)/.test(l))).toBe(true);
    expect((await fetch(`${url}/api/hello`)).status).toBe(201);
  });

  it('answers 400 to a request whose Host cannot form a URL', async () => {
    const { port } = new URL(url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.end('GET /api/hello HTTP/1.1\r\nHost: bad host\r\nConnection: close\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('prefers literal segments over parameters, whatever the registration order', async () => {
    expect(await (await fetch(`${url}/api/things/1/special`)).text()).toBe('specific');
    expect(await (await fetch(`${url}/api/things/1/other`)).text()).toBe('generic other');
  });

  it('answers 204 when the function returns no response', async () => {
    const res = await fetch(`${url}/api/nothing`);
    expect(res.status).toBe(204);
  });

  it('lets log hooks rewrite user logs', async () => {
    await fetch(`${url}/api/logsSecret`);
    const text = t.lines.join('\n');
    expect(text).toMatch(/logsSecret information: token \[redacted\] used/);
    expect(text).not.toMatch(/secret123/);
  });

  it('does not enforce keys by default, like Core Tools', async () => {
    expect((await fetch(`${url}/api/admin/only`)).status).toBe(200);
  });

  it('puts local.settings.json Values into the environment without overriding variables already set', async () => {
    const res = await fetch(`${url}/api/setting`);
    expect(await res.json()).toEqual({
      greeting: 'hello from local.settings.json',
      preset: 'from the environment',
    });
  });

  it('writes one line per invocation and filters context.log by host.json levels', async () => {
    await fetch(`${url}/api/quietLogs`);
    await fetch(`${url}/api/loudLogs`);
    const text = t.lines.join('\n');
    expect(text).toMatch(/quietLogs warning: warn line/);
    expect(text).not.toMatch(/quietLogs information: info line/);
    expect(text).toMatch(/loudLogs information: info line/);
    expect(text).not.toMatch(/loudLogs debug: debug line/);
    expect(t.lines.filter((l) => / loudLogs httpTrigger \d+ms Succeeded/.test(l))).toHaveLength(1);
  });
});

describe('HTTP auth levels with keys enforced', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost('http-timer', {
      auth: { enforceKeys: true, functionKeys: ['fn-key'], masterKey: 'master-key' },
    });
  });

  afterAll(() => t.stop());

  it('rejects a function-level route without a valid key', async () => {
    expect((await fetch(`${t.host.url}/api/hello`)).status).toBe(401);
    expect((await fetch(`${t.host.url}/api/hello?code=wrong`)).status).toBe(401);
  });

  it('accepts the key as ?code= or x-functions-key, and the master key', async () => {
    expect((await fetch(`${t.host.url}/api/hello?code=fn-key`)).status).toBe(201);
    expect(
      (await fetch(`${t.host.url}/api/hello`, { headers: { 'x-functions-key': 'fn-key' } })).status,
    ).toBe(201);
    expect((await fetch(`${t.host.url}/api/hello?code=master-key`)).status).toBe(201);
  });

  it('requires the master key for admin level and nothing for anonymous', async () => {
    expect((await fetch(`${t.host.url}/api/admin/only?code=fn-key`)).status).toBe(401);
    expect((await fetch(`${t.host.url}/api/admin/only?code=master-key`)).status).toBe(200);
    expect((await fetch(`${t.host.url}/api/echo/1`)).status).toBe(200);
  });
});

describe('stopping the host', () => {
  it('lets a request in progress finish, then refuses connections', async () => {
    const t = await startTestHost('http-timer');
    const slow = fetch(`${t.host.url}/api/slow?ms=150`);
    await new Promise((resolve) => setTimeout(resolve, 40));
    const closing = t.stop();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('slow done');
    await closing;
    await expect(fetch(`${t.host.url}/api/hello`)).rejects.toThrow();
  });
});
