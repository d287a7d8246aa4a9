/**
 * A bare rhea client for what the @azure/service-bus SDK does not let a test do directly: call a
 * `$management` operation by hand, send a malformed batch, attach to an address the SDK would not.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { create_container, type AmqpError, type Connection, type Delivery, type Message } from 'rhea';

export interface Reply {
  status: unknown;
  condition: unknown;
  body: unknown;
  /** The reply's application properties as sent. */
  properties: Record<string, unknown>;
}

export class RawAmqpClient {
  private constructor(private readonly connection: Connection) {}

  static async connect(port: number): Promise<RawAmqpClient> {
    const connection = create_container().connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => connection.once('connection_open', resolve));
    return new RawAmqpClient(connection);
  }

  /** Puts a SAS token for `sb://127.0.0.1:<port>/<path>` on `$cbs`, signed the way @azure/core-amqp signs. */
  async authorize(port: number, path: string, key = 'SAS_KEY_VALUE'): Promise<Reply> {
    const sr = encodeURIComponent(`sb://127.0.0.1:${port}/${path}`);
    const se = Math.floor(Date.now() / 1000) + 3600;
    const sig = encodeURIComponent(createHmac('sha256', key).update(`${sr}\n${se}`).digest('base64'));
    return this.request('$cbs', {
      application_properties: {
        operation: 'put-token',
        name: decodeURIComponent(sr),
        type: 'servicebus.windows.net:sastoken',
      },
      body: `SharedAccessSignature sr=${sr}&sig=${sig}&se=${se}&skn=RootManageSharedAccessKey`,
    });
  }

  /** Sends a request on a fresh sender/receiver pair and resolves with the correlated reply. */
  async request(address: string, request: Record<string, unknown>): Promise<Reply> {
    const replyTo = randomUUID();
    const receiver = this.connection.open_receiver({
      source: { address },
      target: { address: replyTo },
      name: replyTo,
    });
    const sender = this.connection.open_sender({ target: { address } });
    await Promise.all([
      new Promise((resolve) => receiver.once('receiver_open', resolve)),
      new Promise((resolve) => sender.once('sendable', resolve)),
    ]);
    const messageId = randomUUID();
    const reply = new Promise<Message>((resolve) =>
      receiver.on('message', (context: { message?: Message }) => {
        if (context.message?.correlation_id === messageId) resolve(context.message);
      }),
    );
    sender.send({ ...request, message_id: messageId, reply_to: replyTo } as Message);
    const message = await reply;
    sender.close();
    receiver.close();
    const properties = (message.application_properties ?? {}) as Record<string, unknown>;
    // $cbs answers `status-code`; an entity's $management answers `statusCode` (camelCase).
    return {
      status: properties['status-code'] ?? properties.statusCode,
      condition: properties['error-condition'] ?? properties.errorCondition,
      body: message.body as unknown,
      properties,
    };
  }

  /** Sends raw bytes with the given message format and resolves with how the broker settled them. */
  async sendRaw(address: string, payload: Buffer, format: number): Promise<unknown> {
    const sender = this.connection.open_sender({ target: { address } });
    await new Promise((resolve) => sender.once('sendable', resolve));
    const delivery: Delivery = sender.send(payload, undefined, format);
    return new Promise((resolve) => {
      const done = (context: { delivery?: Delivery }): void => {
        if (context.delivery === delivery) resolve(delivery.remote_state);
      };
      sender.on('accepted', done);
      sender.on('rejected', done);
    });
  }

  /** Attaches a sender and resolves with the error the broker detached it with, if any. */
  async attachError(address: string): Promise<AmqpError | Error | undefined> {
    const sender = this.connection.open_sender({ target: { address } });
    return new Promise((resolve) => {
      sender.once('sender_error', () => resolve(sender.error));
      sender.once('sendable', () => resolve(undefined));
    });
  }

  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.connection.once('connection_close', resolve));
    this.connection.close();
    await closed;
  }
}
