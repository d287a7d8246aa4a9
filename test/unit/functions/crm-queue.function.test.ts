import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import {
  CRM_RETRY,
  crmRetryDelayMs,
  decodeCrmMessage,
  describeInvalidFields,
  handleCrmMessages,
  toOnboardingRequest,
  type MessageActions,
} from '../../../functions/crm-queue.function';
import { StoreValidationError } from '../../../shared/store';
import { ONBOARDING_EVENTS, ORCHESTRATORS, type CrmEvent } from '../../../shared/workflow/contracts';
import { FakeDurableClient, FakeProcessedEvents, recordingContext } from './fakes';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const INSTANCE = `mca-${TENANT}`;
const EMAIL = 'hanako.yamada@contoso.example';

function crmEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'CustomerCreated',
    eventId: 'crm-evt-1',
    occurredAt: '2026-03-02T09:00:00+09:00',
    customer: {
      tenantId: TENANT,
      companyName: 'Contoso KK',
      country: 'JP',
      language: 'ja-JP',
      signatory: { firstName: 'Hanako', lastName: 'Yamada', email: EMAIL, phoneNumber: '+81 3 1234 5678' },
    },
    ...overrides,
  };
}

function withCustomer(customer: Record<string, unknown>): Record<string, unknown> {
  const base = crmEvent();
  return { ...base, customer: { ...(base.customer as object), ...customer } };
}

describe('decodeCrmMessage', () => {
  it.each<[string, unknown]>([
    ['a parsed JSON object', crmEvent()],
    ['bytes of JSON', Buffer.from(JSON.stringify(crmEvent()))],
    ['a Uint8Array of JSON', new TextEncoder().encode(JSON.stringify(crmEvent()))],
    ['a string of JSON', JSON.stringify(crmEvent())],
  ])('accepts %s', (_name, body) => {
    const decoded = decodeCrmMessage(body);

    expect(decoded).toEqual({
      ok: true,
      event: expect.objectContaining({ eventId: 'crm-evt-1' }) as unknown,
    });
  });

  it.each<[string, unknown, string[]]>([
    ['bytes that are not JSON', Buffer.from('not json'), ['body']],
    ['a string that is not JSON', '{"type":', ['body']],
    ['an array', [crmEvent()], ['body']],
    ['null', null, ['body']],
    ['no event type', crmEvent({ type: undefined }), ['type']],
    ['an unknown event type', crmEvent({ type: 'CustomerDeleted' }), ['type']],
    ['an empty event id', crmEvent({ eventId: '' }), ['eventId']],
    ['a date without offset', crmEvent({ occurredAt: '2026-03-02 09:00' }), ['occurredAt']],
    ['an unknown method', crmEvent({ method: 'email' }), ['method']],
    ['no customer', crmEvent({ customer: undefined }), ['customer']],
    ['a tenant id that is not a GUID', withCustomer({ tenantId: 'contoso' }), ['customer.tenantId']],
    ['a lower-case country', withCustomer({ country: 'jp' }), ['customer.country']],
    ['a bad reseller tenant id', withCustomer({ resellerTenantId: 'x' }), ['customer.resellerTenantId']],
    [
      'a bad e-mail and no last name',
      withCustomer({ signatory: { firstName: 'Hanako', email: 'hanako-at-contoso' } }),
      ['customer.signatory.lastName', 'customer.signatory.email'],
    ],
    [
      'several wrong fields at once',
      { type: 'X', eventId: 7, occurredAt: 'yesterday', customer: {} },
      [
        'type',
        'eventId',
        'occurredAt',
        'customer.tenantId',
        'customer.companyName',
        'customer.country',
        'customer.language',
        'customer.signatory',
      ],
    ],
  ])('rejects %s', (_name, body, fields) => {
    const decoded = decodeCrmMessage(body);

    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.fields.map((f) => f.field).sort()).toEqual([...fields].sort());
    for (const field of decoded.fields) expect(field.message).not.toBe('');
  });
});

describe('describeInvalidFields', () => {
  it('names each field with what was expected, never the value sent', () => {
    const body = withCustomer({
      country: 'Japan',
      signatory: {
        firstName: 'Hanako',
        lastName: 'Yamada',
        email: 'hanako.yamada-at-contoso',
        phoneNumber: '1',
      },
    });
    const decoded = decodeCrmMessage(body);
    if (decoded.ok) throw new Error('expected invalid');

    const description = describeInvalidFields(decoded.fields);

    expect(description).toMatch(/customer\.country: .*ISO 3166-1/);
    expect(description).toMatch(/customer\.signatory\.email: \S/);
    expect(description).toMatch(/customer\.signatory\.phoneNumber: \S/);
    expect(description).not.toContain('Japan');
    expect(description).not.toContain('hanako');
    expect(description).not.toContain('Yamada');
  });

  it('is cut to a length Service Bus keeps', () => {
    const fields = Array.from({ length: 200 }, (_, i) => ({ field: `f${i}`, message: 'expected something' }));

    expect(describeInvalidFields(fields).length).toBeLessThanOrEqual(1024);
  });
});

describe('toOnboardingRequest', () => {
  const decode = (body: unknown): CrmEvent => {
    const decoded = decodeCrmMessage(body);
    if (!decoded.ok) throw new Error('expected valid');
    return decoded.event;
  };

  it.each([
    ['CustomerCreated', 'new'],
    ['CustomerUpdated', 'new'],
    ['PurchaseBlocked', 'purchaseBlocked'],
  ])('maps %s to reason %s, source crm, with the customer, event id and occurredAt', (type, reason) => {
    const event = decode(crmEvent({ type, method: 'direct' }));

    expect(toOnboardingRequest(event)).toEqual({
      tenantId: TENANT,
      companyName: 'Contoso KK',
      customer: event.customer,
      method: 'direct',
      reason,
      source: 'crm',
      eventId: 'crm-evt-1',
      // The running workflow ignores an update older than the last one it applied.
      occurredAt: event.occurredAt,
    });
  });

  it('leaves the method out when the CRM did not choose one', () => {
    expect(toOnboardingRequest(decode(crmEvent()))).not.toHaveProperty('method');
  });

  it('lower-cases the tenant id', () => {
    const event = decode(withCustomer({ tenantId: TENANT.toUpperCase() }));

    expect(toOnboardingRequest(event).tenantId).toBe(TENANT);
  });

  // An order system that hit a 403 knows only the tenant: the run checks it and asks for a contact.
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['only the tenant id', { tenantId: TENANT }, {}],
    [
      'the tenant id and company name',
      { tenantId: TENANT, companyName: 'Contoso KK' },
      { companyName: 'Contoso KK' },
    ],
  ])('accepts a PurchaseBlocked with %s, as a run without a customer', (_name, customer, expected) => {
    const event = decode(crmEvent({ type: 'PurchaseBlocked', customer }));

    expect(toOnboardingRequest(event)).toEqual({
      tenantId: TENANT,
      ...expected,
      reason: 'purchaseBlocked',
      source: 'crm',
      eventId: 'crm-evt-1',
      occurredAt: '2026-03-02T09:00:00+09:00',
    });
  });

  it('still checks the customer fields a PurchaseBlocked does send', () => {
    const decoded = decodeCrmMessage(
      crmEvent({ type: 'PurchaseBlocked', customer: { tenantId: TENANT, country: 'jp' } }),
    );

    expect(decoded.ok || decoded.fields.map((f) => f.field)).toEqual(['customer.country']);
  });

  it.each(['CustomerCreated', 'CustomerUpdated'])('still needs the whole customer for %s', (type) => {
    const decoded = decodeCrmMessage(crmEvent({ type, customer: { tenantId: TENANT } }));

    expect(decoded.ok || decoded.fields.map((f) => f.field).sort()).toEqual([
      'customer.companyName',
      'customer.country',
      'customer.language',
      'customer.signatory',
    ]);
  });

  it('carries mcaAccepted and acceptedAt of a CustomerUpdated (reseller deployments)', () => {
    const acceptedAt = '2026-03-01T00:00:00Z';
    const event = decode(crmEvent({ type: 'CustomerUpdated', mcaAccepted: true, acceptedAt }));

    expect(toOnboardingRequest(event)).toMatchObject({ mcaAccepted: true, acceptedAt, reason: 'new' });
  });

  it('refuses an acceptedAt in the future and ignores mcaAccepted on other types', () => {
    const future = decodeCrmMessage(
      crmEvent({ type: 'CustomerUpdated', mcaAccepted: true, acceptedAt: '2999-01-01T00:00:00Z' }),
    );
    expect(future.ok || future.fields.map((f) => f.field)).toEqual(['acceptedAt']);
    expect(toOnboardingRequest(decode(crmEvent({ mcaAccepted: true })))).not.toHaveProperty('mcaAccepted');
  });
});

// ---- the handler ---------------------------------------------------------------------------------------

interface Settlement {
  action: 'complete' | 'abandon' | 'deadletter' | 'renewMessageLock';
  messageId: unknown;
  reason?: string;
  description?: string;
}

class FakeActions implements MessageActions {
  readonly settled: Settlement[] = [];
  complete(message: ServiceBusReceivedMessage): Promise<void> {
    this.settled.push({ action: 'complete', messageId: message.messageId });
    return Promise.resolve();
  }
  abandon(message: ServiceBusReceivedMessage): Promise<void> {
    this.settled.push({ action: 'abandon', messageId: message.messageId });
    return Promise.resolve();
  }
  renewMessageLock(message: ServiceBusReceivedMessage): Promise<void> {
    this.settled.push({ action: 'renewMessageLock', messageId: message.messageId });
    return Promise.resolve();
  }
  /** The settlements, lock renewals left out. */
  get outcomes(): Settlement['action'][] {
    return this.settled.map((s) => s.action).filter((a) => a !== 'renewMessageLock');
  }
  deadletter(
    message: ServiceBusReceivedMessage,
    _p: undefined,
    reason: string,
    description: string,
  ): Promise<void> {
    this.settled.push({ action: 'deadletter', messageId: message.messageId, reason, description });
    return Promise.resolve();
  }
}

let sequence = 0;
function message(body: unknown): ServiceBusReceivedMessage {
  sequence += 1;
  return {
    body,
    messageId: `msg-${sequence}`,
    deliveryCount: 1,
    lockToken: `lock-${sequence}`,
  } as ServiceBusReceivedMessage;
}

describe('handleCrmMessages', () => {
  let client: FakeDurableClient;
  let processedEvents: FakeProcessedEvents;
  let actions: FakeActions;
  let run: ReturnType<typeof recordingContext>;
  /** Time passes only in the handler's pauses between retries. */
  let now: number;
  let afterPause: () => void;
  const sleep = (ms: number): Promise<void> => {
    now += ms;
    afterPause();
    return Promise.resolve();
  };

  beforeEach(() => {
    now = 0;
    afterPause = () => undefined;
    client = new FakeDurableClient();
    processedEvents = new FakeProcessedEvents();
    actions = new FakeActions();
    run = recordingContext();
  });

  const deliver = (...messages: ServiceBusReceivedMessage[]): Promise<void> =>
    handleCrmMessages(
      { store: { processedEvents }, sleep },
      { messages: messages.length === 1 ? messages[0] : messages, actions },
      client.client,
      run.context,
    );

  it('starts the workflow, marks the event, then completes the message', async () => {
    const msg = message(crmEvent({ type: 'PurchaseBlocked' }));

    await deliver(msg);

    expect(client.started).toEqual([
      {
        name: ORCHESTRATORS.onboarding,
        instanceId: INSTANCE,
        input: expect.objectContaining({
          reason: 'purchaseBlocked',
          source: 'crm',
          eventId: 'crm-evt-1',
        }) as unknown,
      },
    ]);
    expect(processedEvents.seen).toEqual(new Set(['crm|crm-evt-1']));
    expect(actions.settled).toEqual([{ action: 'complete', messageId: msg.messageId }]);
  });

  it('dead-letters an invalid message with a reason naming the field, and never starts', async () => {
    const msg = message(
      withCustomer({ signatory: { firstName: 'Hanako', lastName: 'Yamada', email: 'nope' } }),
    );

    await deliver(msg);

    expect(actions.settled).toEqual([
      {
        action: 'deadletter',
        messageId: msg.messageId,
        reason: 'InvalidMessage',
        description: expect.stringMatching(/^customer\.signatory\.email: /) as unknown,
      },
    ]);
    expect(client.started).toEqual([]);
    expect(client.raised).toEqual([]);
    expect(processedEvents.seen.size).toBe(0);
    expect(run.logs).toEqual([
      {
        level: 'warning',
        text: `CRM message ${String(msg.messageId)} dead-lettered: invalid customer.signatory.email`,
      },
    ]);
  });

  it('dead-letters a body that is not JSON', async () => {
    await deliver(message(Buffer.from('<xml/>')));

    expect(actions.settled).toEqual([
      expect.objectContaining({
        action: 'deadletter',
        reason: 'InvalidMessage',
        description: 'body: expected a JSON object',
      }),
    ]);
    expect(client.started).toEqual([]);
  });

  it('starts a duplicate eventId once and completes both deliveries', async () => {
    await deliver(message(crmEvent()));
    await deliver(message(crmEvent()));

    expect(client.started).toHaveLength(1);
    expect(client.raised).toEqual([]);
    expect(actions.outcomes).toEqual(['complete', 'complete']);
  });

  it('starts a new eventId for the same tenant as a join of the running workflow', async () => {
    await deliver(message(crmEvent()));
    await deliver(message(crmEvent({ eventId: 'crm-evt-2', type: 'CustomerUpdated' })));

    expect(client.started).toHaveLength(1);
    expect(client.raised).toEqual([
      {
        instanceId: INSTANCE,
        eventName: ONBOARDING_EVENTS.customerUpdated,
        payload: expect.objectContaining({ eventId: 'crm-evt-2' }) as unknown,
      },
    ]);
  });

  /** Service Bus around the handler: an abandoned message comes back until max delivery count. */
  async function deliverUntilSettled(body: unknown, maxDeliveryCount = 5): Promise<string> {
    const first = message(body);
    for (let deliveryCount = 1; ; deliveryCount++) {
      await deliver({ ...first, deliveryCount });
      const outcome = actions.outcomes[actions.outcomes.length - 1] ?? 'none';
      if (outcome !== 'abandon') return outcome;
      if (deliveryCount >= maxDeliveryCount) return 'deadletter: MaxDeliveryCountExceeded';
    }
  }

  it('rides out a 30-second storage outage in the delivery: nothing dead-lettered, processed once after', async () => {
    const isProcessed = processedEvents.isProcessed.bind(processedEvents);
    processedEvents.isProcessed = (source, eventId) =>
      now < 30_000 ? Promise.reject(new Error('ECONNREFUSED 127.0.0.1:10002')) : isProcessed(source, eventId);

    expect(await deliverUntilSettled(crmEvent())).toBe('complete');

    expect(actions.outcomes).toEqual(['complete']);
    expect(client.started).toHaveLength(1);
    expect(processedEvents.seen).toEqual(new Set(['crm|crm-evt-1']));
    // 1 + 2 + 4 + 8 + 16 s of pauses, the lock renewed after each.
    expect(now).toBe(31_000);
    expect(actions.settled.filter((s) => s.action === 'renewMessageLock')).toHaveLength(5);
    expect(run.logs.map((l) => l.level)).toEqual([...Array<string>(5).fill('warning'), 'information']);
  });

  it('abandons a storage failure only after retrying for the per-delivery budget, without starting', async () => {
    processedEvents.failWith = new Error('ECONNREFUSED 127.0.0.1:10002');

    await deliver(message(crmEvent()));

    expect(actions.outcomes).toEqual(['abandon']);
    expect(client.started).toEqual([]);
    expect(now).toBeLessThanOrEqual(CRM_RETRY.perDeliveryMs);
    expect(now).toBeGreaterThan(CRM_RETRY.perDeliveryMs - CRM_RETRY.maxDelayMs);
    expect(run.logs[run.logs.length - 1]).toEqual(
      expect.objectContaining({
        level: 'error',
        text: expect.stringContaining('abandoned for redelivery') as unknown,
      }),
    );
  });

  it('dead-letters a message that keeps failing only after max deliveries of retrying (about 20 minutes)', async () => {
    processedEvents.failWith = new Error('ECONNREFUSED 127.0.0.1:10002');

    expect(await deliverUntilSettled(crmEvent())).toBe('deadletter: MaxDeliveryCountExceeded');

    expect(now).toBeGreaterThan(5 * (CRM_RETRY.perDeliveryMs - CRM_RETRY.maxDelayMs));
  });

  it('retries when the durable client fails, and does not mark the event until it started', async () => {
    client.failWith = new Error('DurableClient error: HTTP 500');
    afterPause = () => {
      if (now >= 10_000) client.failWith = undefined;
    };

    await deliver(message(crmEvent()));

    expect(client.started).toHaveLength(1);
    expect(actions.outcomes).toEqual(['complete']);
    expect(processedEvents.seen.size).toBe(1);
  });

  it('after a failure between start and mark, the retry only joins the run it started', async () => {
    const markProcessed = processedEvents.markProcessed.bind(processedEvents);
    processedEvents.markProcessed = (source, eventId) => {
      processedEvents.markProcessed = markProcessed;
      return Promise.reject(new Error(`table unavailable for ${source}|${eventId}`));
    };

    await deliver(message(crmEvent()));

    expect(client.started).toHaveLength(1);
    expect(client.raised.map((r) => r.eventName)).toEqual([ONBOARDING_EVENTS.customerUpdated]);
    expect(actions.outcomes).toEqual(['complete']);
    expect(processedEvents.seen).toEqual(new Set(['crm|crm-evt-1']));
  });

  it.each([
    [1, 1_000],
    [2, 2_000],
    [5, 16_000],
    [6, 30_000],
    [20, 30_000],
  ])('pauses before retry %i for %i ms', (retry, ms) => {
    expect(crmRetryDelayMs(retry)).toBe(ms);
  });

  it('dead-letters an event id the store cannot key (retrying would not help)', async () => {
    processedEvents.failWith = new StoreValidationError('Key too long for Table storage');

    await deliver(message(crmEvent()));

    expect(actions.settled).toEqual([
      expect.objectContaining({
        action: 'deadletter',
        reason: 'InvalidMessage',
        description: 'eventId: Key too long for Table storage',
      }),
    ]);
  });

  it('settles every message of a batch on its own', async () => {
    await deliver(
      message(crmEvent()),
      message({ type: 'Nope' }),
      message(crmEvent({ eventId: 'crm-evt-3' })),
    );

    expect(actions.outcomes).toEqual(['complete', 'deadletter', 'complete']);
  });

  it('logs no personal data', async () => {
    await deliver(message(crmEvent()));
    await deliver(message(withCustomer({ country: 'Japan' })));
    processedEvents.failWith = new Error(`write failed for ${EMAIL}`);
    await deliver(message(crmEvent({ eventId: 'crm-evt-9' })));

    // Started, dead-lettered, each retry of the failing event, abandoned.
    expect(run.logs.map((l) => l.level)).toEqual([
      'information',
      'warning',
      ...run.logs.slice(2, -1).map(() => 'warning'),
      'error',
    ]);
    const text = run.logs.map((l) => l.text).join('\n');
    expect(text).toContain(TENANT);
    for (const personal of ['hanako', 'Hanako', 'Yamada', '1234', 'Japan'])
      expect(text).not.toContain(personal);
  });
});
