import {
  decidePath,
  type Method,
  type PartnerType,
  type Path,
  type PathReason,
  type ResellerStrategy,
} from '../../../shared/mca';

const REASONS: PathReason[] = ['new', 'stale', 'purchaseBlocked'];

describe('decidePath', () => {
  // [partnerType, resellerStrategy, defaultMethod, requestedMethod, expected]
  const table: [PartnerType, ResellerStrategy, Method, Method | undefined, Path][] = [
    ['DirectBill', 'both', 'direct', undefined, { kind: 'direct' }],
    ['DirectBill', 'both', 'attestation', undefined, { kind: 'attestation' }],
    ['DirectBill', 'both', 'direct', 'attestation', { kind: 'attestation' }],
    ['DirectBill', 'both', 'attestation', 'direct', { kind: 'direct' }],
    ['IndirectProvider', 'handOff', 'direct', undefined, { kind: 'direct' }],
    ['IndirectProvider', 'handOff', 'attestation', undefined, { kind: 'attestation' }],
    ['IndirectProvider', 'direct', 'direct', 'attestation', { kind: 'attestation' }],
    ['IndirectProvider', 'both', 'attestation', 'direct', { kind: 'direct' }],
    // An indirect reseller never attests, whatever the message or the default says.
    ['IndirectReseller', 'direct', 'attestation', 'attestation', { kind: 'direct' }],
    ['IndirectReseller', 'direct', 'direct', undefined, { kind: 'direct' }],
    [
      'IndirectReseller',
      'handOff',
      'attestation',
      'attestation',
      { kind: 'handOff', alsoInviteDirect: false },
    ],
    ['IndirectReseller', 'handOff', 'direct', 'direct', { kind: 'handOff', alsoInviteDirect: false }],
    ['IndirectReseller', 'both', 'attestation', undefined, { kind: 'handOff', alsoInviteDirect: true }],
    ['IndirectReseller', 'both', 'direct', 'attestation', { kind: 'handOff', alsoInviteDirect: true }],
  ];

  describe.each(REASONS)('reason %s (re-attestation follows the same rule)', (reason) => {
    it.each(table)('%s / strategy %s / default %s / requested %s', (...row) => {
      const [partnerType, resellerStrategy, defaultMethod, requestedMethod, expected] = row;
      expect(decidePath({ partnerType, resellerStrategy, defaultMethod, requestedMethod, reason })).toEqual(
        expected,
      );
    });
  });
});
