/** Service Bus output bindings (`serviceBus` type, queue or topic) sent with the SDK. */
import type { ServiceBusMessage } from '@azure/service-bus';
import { bindingString } from './binding-expressions';
import type { RpcTypedData } from './rpc-types';
import { connectionStringFor, type ServiceBusClients } from './service-bus-client';
import { fromTypedData } from './typed-data';

/** Sends what a `serviceBus` output binding produced: one message, or one per array element. */
export async function sendServiceBusOutput(
  clients: ServiceBusClients,
  binding: Record<string, unknown>,
  data: RpcTypedData,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const entity = bindingString(binding, 'queueName', env) ?? bindingString(binding, 'topicName', env);
  if (!entity) throw new Error('A serviceBus output binding needs queueName or topicName.');
  const connectionString = connectionStringFor(bindingString(binding, 'connection', env), env);
  const value = fromTypedData(data);
  const items = Array.isArray(value) ? (value as unknown[]) : [value];
  const messages: ServiceBusMessage[] = items.map((item) =>
    typeof item === 'string' || Buffer.isBuffer(item)
      ? { body: Buffer.isBuffer(item) ? item : Buffer.from(item, 'utf8') }
      : { body: Buffer.from(JSON.stringify(item), 'utf8'), contentType: 'application/json' },
  );
  const sender = clients.get(connectionString).createSender(entity);
  try {
    await sender.sendMessages(messages);
  } finally {
    await sender.close();
  }
}
