import { join } from 'node:path';
import { loadQueueConfigFile, parseIsoDuration, parseQueueConfig, resolveQueueConfig } from './queue-config';

describe('queue config', () => {
  test.each([
    ['PT1M', 60_000],
    ['PT30S', 30_000],
    ['PT0.5S', 500],
    ['PT1H', 3_600_000],
    ['P1DT2H', 93_600_000],
    ['P14D', 1_209_600_000],
  ])('parses the ISO-8601 duration %s', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  test.each(['', 'P', 'PT', '1M', 'PT1X', 'P1M'])('rejects %p as a duration', (text) => {
    expect(parseIsoDuration(text)).toBeUndefined();
  });

  test('the shipped config.json declares the project queues', () => {
    const queues = loadQueueConfigFile(join(__dirname, 'config.json')).map(resolveQueueConfig);
    expect(queues).toEqual([
      { name: 'crm-customer-events', maxDeliveryCount: 5, lockDurationMs: 60_000 },
      { name: 'mca-outcomes', maxDeliveryCount: 10, lockDurationMs: 60_000 },
    ]);
  });

  test('missing properties take the Azure defaults', () => {
    const queues = parseQueueConfig(
      { UserConfig: { Namespaces: [{ Queues: [{ Name: 'plain' }] }] } },
      'inline',
    );
    expect(queues.map(resolveQueueConfig)).toEqual([
      { name: 'plain', maxDeliveryCount: 10, lockDurationMs: 60_000 },
    ]);
  });

  test('a malformed config names the file and the bad field', () => {
    const bad = {
      UserConfig: { Namespaces: [{ Queues: [{ Name: 'q', Properties: { LockDuration: 'soon' } }] }] },
    };
    expect(() => parseQueueConfig(bad, 'my-config.json')).toThrow(/my-config\.json[\s\S]*LockDuration/);
  });
});
