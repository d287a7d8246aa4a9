import path from 'node:path';
import { startHost, type RunningHost } from '../../../local/host';
import { VirtualClock } from '../../../local/clock';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const appDir = path.resolve(__dirname, '../../fixtures/apps/http-timer');

describe('HTTP triggers through startHost', () => {
  let host: RunningHost;
  let dataDir: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'host-http-'));
    host = await startHost({
      appDir,
      port: 0,
      clock: new VirtualClock(),
      dataDir,
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('passes route params, query, headers and the raw body', async () => {
    const body = Buffer.from([0, 1, 2, 250, 255]);
    const res = await fetch(`${host.url}/api/echo/42/ann?x=1&x=2&y=z`, {
      method: 'POST',
      headers: { 'x-fixture': 'yes', 'content-type': 'application/octet-stream' },
      body,
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toEqual({
      method: 'POST',
      url: `${host.url}/api/echo/42/ann?x=1&x=2&y=z`,
      params: { id: '42', name: 'ann' },
      query: { x: '1,2', y: 'z' },
      header: 'yes',
      bodyBase64: body.toString('base64'),
    });
  });
});
