/**
 * A Mail Send endpoint that reads every request in full (so SendGrid "has" the mail) and then behaves
 * as told: answers 202, answers another status, never answers, or drops the connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMailSender, type MailSender } from '../../shared/mail';

export type FakeSendGridBehaviour = 'accept' | 'hang' | 'reset' | { status: number };

export interface FakeSendGrid {
  url: string;
  /** The JSON bodies received in full, in order. */
  readonly received: unknown[];
  behaviour: FakeSendGridBehaviour;
  /** A real sender (the SendGrid SDK) pointed at this endpoint, with a short timeout. */
  sender(timeoutMs?: number): MailSender;
  close(): Promise<void>;
}

export async function startFakeSendGrid(behaviour: FakeSendGridBehaviour = 'accept'): Promise<FakeSendGrid> {
  const received: unknown[] = [];
  const fake = { behaviour };
  const answer = (req: IncomingMessage, res: ServerResponse, body: string): void => {
    received.push(JSON.parse(body));
    const now = fake.behaviour;
    if (now === 'hang') return;
    if (now === 'reset') {
      req.socket.destroy();
      return;
    }
    const status = now === 'accept' ? 202 : now.status;
    res.writeHead(status, { 'Content-Type': 'application/json', 'X-Message-Id': `msg-${received.length}` });
    res.end(status === 202 ? '' : JSON.stringify({ errors: [{ message: 'failed', field: null }] }));
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(fake, {
    url,
    received,
    sender: (timeoutMs = 1500) =>
      createMailSender({
        apiKey: 'SG.fake-sendgrid-key',
        baseUrl: url,
        from: { email: 'noreply@partner.example', name: 'Contoso Cloud Partner' },
        sendGrid: { timeoutMs },
      }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  });
}
