import type { ServiceBusReceivedMessage } from '@azure/service-bus';
import { resendCopy, summarise } from '../../../cli/commands/dlq';

const deadLetter = {
  messageId: 'm-1',
  sequenceNumber: { toString: () => '42' },
  enqueuedTimeUtc: new Date('2026-03-02T09:00:00Z'),
  deadLetterReason: 'InvalidMessage',
  deadLetterErrorDescription: 'customer.signatory.email: Invalid email address',
  contentType: 'application/json',
  correlationId: 'corr-1',
  subject: 'crm',
  applicationProperties: { source: 'crm' },
  body: {
    type: 'CustomerCreated',
    eventId: 'evt-1',
    customer: { tenantId: 't-1', signatory: { email: 'hanako@example.com', phoneNumber: '+81 3 0000' } },
  },
} as unknown as ServiceBusReceivedMessage;

describe('dead letters', () => {
  it('summarise: ids, reason, type, event and tenant; never the contact data', () => {
    const summary = summarise(deadLetter);
    expect(summary).toEqual({
      messageId: 'm-1',
      sequenceNumber: '42',
      enqueuedAt: '2026-03-02T09:00:00.000Z',
      reason: 'InvalidMessage',
      description: 'customer.signatory.email: Invalid email address',
      type: 'CustomerCreated',
      eventId: 'evt-1',
      tenantId: 't-1',
    });
    expect(JSON.stringify(summary)).not.toMatch(/hanako|\+81/);
  });

  it('summarise: a body that is not JSON leaves the event fields empty', () => {
    const summary = summarise({ ...deadLetter, body: 'not json' });
    expect(summary).toMatchObject({ type: undefined, eventId: undefined, tenantId: undefined });
  });

  it('resendCopy: same body and properties, a new message id that names the original', () => {
    const copy = resendCopy(deadLetter);
    expect(copy).toMatchObject({
      body: deadLetter.body as unknown,
      contentType: 'application/json',
      correlationId: 'corr-1',
      subject: 'crm',
      applicationProperties: { source: 'crm', resentFromDeadLetter: 'm-1' },
    });
    expect(String(copy.messageId)).toMatch(/^m-1-resent-\d+$/);
  });
});
