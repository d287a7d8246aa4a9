import { readsPartnerCenter } from '../../../shared/mca';
import { confirmationNote, reportedAcceptance, utcInstant } from '../../../shared/workflow/confirmation';

describe('readsPartnerCenter', () => {
  it.each([
    ['DirectBill', true],
    ['IndirectProvider', true],
    // Microsoft gives indirect resellers no Partner Center API access.
    ['IndirectReseller', false],
  ] as const)('%s: %s', (partnerType, reads) => {
    expect(readsPartnerCenter(partnerType)).toBe(reads);
  });
});

describe('reportedAcceptance', () => {
  const NOW = '2026-03-10T00:00:00.000Z';
  it.each<[string, { acceptedAt?: string; occurredAt?: string }, string]>([
    [
      'its own date, in UTC',
      { acceptedAt: '2026-03-09T09:00:00+09:00', occurredAt: '2026-03-09T12:00:00Z' },
      '2026-03-09T00:00:00.000Z',
    ],
    ["else the update's date", { occurredAt: '2026-03-09T12:00:00+01:00' }, '2026-03-09T11:00:00.000Z'],
    ['else now', {}, NOW],
  ])('takes %s', (_name, request, expected) => {
    expect(reportedAcceptance(request, NOW)).toBe(expected);
  });
});

describe('confirmation', () => {
  it('normalises to UTC and says who confirmed, naming no person', () => {
    expect(utcInstant('2026-03-09T18:00:00+09:00')).toBe('2026-03-09T09:00:00.000Z');
    expect(
      confirmationNote({
        method: 'attestation',
        acceptedAt: '2026-03-09T09:00:00Z',
        confirmedBy: 'operator',
      }),
    ).toBe('accepted (attestation), confirmed by an operator');
  });
});
