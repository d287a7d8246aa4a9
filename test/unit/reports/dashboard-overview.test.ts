import { expiringLinks, stateChangesPerDay, timeToAccepted } from '../../../shared/reports';
import { customer } from './fixtures';

const NOW = new Date('2026-03-10T12:00:00.000Z');

describe('stateChangesPerDay', () => {
  it('counts state changes and acceptances per UTC day, oldest first, empty days included', () => {
    const rows = stateChangesPerDay(
      [
        { at: '2026-03-10T00:00:00.000Z', action: 'RunStarted' },
        { at: '2026-03-10T11:59:00.000Z', action: 'Accepted' },
        { at: '2026-03-08T23:59:59.999Z', action: 'InvitationSent' },
        { at: '2026-03-08T10:00:00.000Z', action: 'Healed' },
        // Not state changes: the row is rewritten with the same state.
        { at: '2026-03-10T10:00:00.000Z', action: 'ReminderSent' },
        { at: '2026-03-10T10:00:00.000Z', action: 'EventJoined' },
        // Outside the window.
        { at: '2026-03-07T23:59:59.999Z', action: 'Accepted' },
        { at: '2026-03-11T00:00:00.000Z', action: 'Accepted' },
      ],
      { now: NOW, days: 3 },
    );

    expect(rows).toEqual([
      { day: '2026-03-08', changes: 2, accepted: 1 },
      { day: '2026-03-09', changes: 0, accepted: 0 },
      { day: '2026-03-10', changes: 2, accepted: 1 },
    ]);
  });
});

describe('timeToAccepted', () => {
  it('buckets the days from start to acceptance of customers accepted during their run, with the median', () => {
    const accepted = (startedAt: string, acceptedAt: string) =>
      customer({ state: 'Accepted', startedAt, acceptedAt });
    const result = timeToAccepted([
      accepted('2026-03-01T00:00:00.000Z', '2026-03-01T06:00:00.000Z'), // 0.25 days
      accepted('2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'), // exactly 1: the 1-3d bucket
      accepted('2026-03-01T00:00:00.000Z', '2026-03-11T00:00:00.000Z'), // 10
      accepted('2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'), // 59
      // Covered before the run started (an old attestation found at the first check): left out.
      accepted('2026-03-01T00:00:00.000Z', '2024-05-01T00:00:00.000Z'),
      // Not accepted (any more): left out.
      customer({ state: 'Failed', acceptedAt: '2026-03-02T00:00:00.000Z' }),
    ]);

    expect(result).toEqual({
      count: 4,
      medianDays: 5.5,
      buckets: [
        { label: '0-1d', count: 1 },
        { label: '1-3d', count: 1 },
        { label: '3-7d', count: 0 },
        { label: '7-14d', count: 1 },
        { label: '14-30d', count: 0 },
        { label: '30d+', count: 1 },
      ],
    });
  });

  it('has no median without acceptances', () => {
    expect(timeToAccepted([customer()])).toMatchObject({ count: 0, medianDays: null });
  });
});

describe('expiringLinks', () => {
  it('lists waiting customers whose link expires within the window (or has expired), soonest first', () => {
    const pending = (tenantId: string, linkExpiresAt: string | null | undefined) =>
      customer({
        tenantId,
        companyName: `C${tenantId.slice(-1)}`,
        state: 'AttestationPending',
        linkExpiresAt,
      });
    const links = expiringLinks(
      [
        pending('00000000-0000-4000-8000-000000000001', '2026-03-12T12:00:00.000Z'), // exactly 48 h
        pending('00000000-0000-4000-8000-000000000002', '2026-03-09T12:00:00.000Z'), // expired
        pending('00000000-0000-4000-8000-000000000003', '2026-03-12T12:00:00.001Z'), // just outside
        pending('00000000-0000-4000-8000-000000000004', null),
        pending('00000000-0000-4000-8000-000000000005', undefined),
        customer({ state: 'Accepted', linkExpiresAt: '2026-03-10T13:00:00.000Z' }),
      ],
      { now: NOW, withinMs: 48 * 60 * 60_000 },
    );

    expect(links.map((link) => link.companyName)).toEqual(['C2', 'C1']);
    expect(links[0]).toEqual({
      tenantId: '00000000-0000-4000-8000-000000000002',
      companyName: 'C2',
      linkExpiresAt: '2026-03-09T12:00:00.000Z',
    });
  });
});
