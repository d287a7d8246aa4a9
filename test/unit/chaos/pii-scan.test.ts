import { scanForPii, type KnownPii, type PiiSources } from '../../../chaos/pii-scan';

const known: KnownPii = {
  emails: ['Hanako.Yamada@contoso.example'],
  phones: ['+81 90 1234 5678'],
  names: ['Hanafzq1', 'Yamafzq1', '山田'],
};
const none: PiiSources = { logs: [], durable: [], outcomes: [], stateRows: [] };

function found(sources: Partial<PiiSources>): string[] {
  return scanForPii({ ...none, ...sources }, known).hits.map((h) => `${h.kind} ${h.where}`);
}

describe('scanForPii', () => {
  it.each([
    ['an address, any case', 'mail to hanako.yamada@CONTOSO.example.', ['email logs[0]']],
    ['an address URL-encoded', 'GET /x?to=hanako.yamada%40contoso.example', ['email logs[0]']],
    [
      'a phone number written another way',
      'call 819012345678 or (+81) 90-1234-5678',
      ['phone logs[0]', 'phone logs[0]'],
    ],
    ['a name as a word', 'Dear Hanafzq1,', ['name logs[0]']],
    ['a name in another script, glued', '山田様', ['name logs[0]']],
    ['a longer word that only starts with a name', 'Hanafzq12 x', []],
    ['a tenant id and a time', 'c0000000-0000-4000-8000-000000000001 at 2026-03-02T09:00:00.000Z', []],
  ])('in a log line: %s', (_what, line, expected) => {
    expect(found({ logs: [line] })).toEqual(expected);
  });

  it('names the path in structured sources, keys included', () => {
    expect(
      found({ outcomes: [{ type: 'McaFailed', detail: { to: 'hanako.yamada@contoso.example' } }] }),
    ).toEqual(['email outcomes[0].detail.to']);
    expect(found({ stateRows: [{ table: 'McaAuditTrail', Yamafzq1: 1 }] })).toEqual([
      'name stateRows[0](McaAuditTrail).Yamafzq1(key)',
    ]);
  });

  it('lets a durable instance hold the signatory in its input and in the mail and attestation requests only', () => {
    const signatory = { firstName: 'Hanafzq1', email: 'hanako.yamada@contoso.example' };
    const instance = {
      instanceId: 'mca-1',
      input: { customer: { signatory } },
      customStatus: { contact: 'Hanafzq1' },
      historyEvents: [
        { EventType: 'ExecutionStarted', Input: { customer: { signatory } } },
        { EventType: 'EventRaised', Name: 'CustomerUpdated', Input: { customer: { signatory } } },
        { EventType: 'TaskScheduled', Name: 'mcaSendMail', Input: { to: signatory.email } },
        { EventType: 'TaskScheduled', Name: 'mcaCreateAttestation', Input: { primaryContact: signatory } },
        { EventType: 'TaskCompleted', Result: { sentTo: signatory.email } },
        { EventType: 'TaskScheduled', Name: 'mcaSaveState', Input: { reason: 'Hanafzq1' } },
      ],
    };
    expect(found({ durable: [instance] })).toEqual([
      'name durable[mca-1].customStatus.contact',
      'email durable[mca-1].historyEvents[4].Result.sentTo',
      'name durable[mca-1].historyEvents[5].Input.reason',
    ]);
  });
});
