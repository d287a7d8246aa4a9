import {
  ATTESTATION_VALID_FROM,
  InvalidAgreementDateError,
  MCA_TEMPLATE_ID,
  PURCHASE_BLOCKED_FROM,
  assessMcaEvidence,
  evaluateMcaStatus,
  parseAgreementDate,
  type AgreementItem,
  type IgnoredAgreement,
  type McaStatus,
} from '../../../shared/mca';

const BEFORE_BLOCK = new Date('2025-10-06T23:59:59.999Z');
const AT_BLOCK = new Date('2025-10-07T00:00:00.000Z');

const attested = (...dates: string[]) => dates.map((dateAgreed) => ({ dateAgreed }));

describe('constants', () => {
  it('name the documented cut-off dates in UTC', () => {
    expect(new Date(ATTESTATION_VALID_FROM).toISOString()).toBe('2023-04-01T00:00:00.000Z');
    expect(new Date(PURCHASE_BLOCKED_FROM).toISOString()).toBe('2025-10-07T00:00:00.000Z');
  });
});

describe('evaluateMcaStatus', () => {
  it.each<[string, boolean | undefined, string[], Date, McaStatus]>([
    ['nothing at all', undefined, [], BEFORE_BLOCK, { kind: 'none' }],
    ['direct status false, no attestations', false, [], AT_BLOCK, { kind: 'none' }],
    ['direct acceptance', true, [], AT_BLOCK, { kind: 'accepted', method: 'direct' }],
    [
      'direct acceptance beats a stale attestation after the block date',
      true,
      ['2020-01-01T00:00:00'],
      AT_BLOCK,
      { kind: 'accepted', method: 'direct' },
    ],
    [
      'direct acceptance ignores even an unparseable attestation',
      true,
      ['not a date'],
      AT_BLOCK,
      { kind: 'accepted', method: 'direct' },
    ],
    [
      'valid attestation on the cut-off instant (no zone = UTC)',
      false,
      ['2023-04-01T00:00:00'],
      AT_BLOCK,
      { kind: 'accepted', method: 'attestation', attestedAt: '2023-04-01T00:00:00.000Z' },
    ],
    [
      'valid attestation on the cut-off instant with Z',
      undefined,
      ['2023-04-01T00:00:00Z'],
      AT_BLOCK,
      { kind: 'accepted', method: 'attestation', attestedAt: '2023-04-01T00:00:00.000Z' },
    ],
    [
      'one second before the cut-off (no zone) is stale',
      false,
      ['2023-03-31T23:59:59'],
      BEFORE_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-31T23:59:59.000Z', purchaseBlocked: false },
    ],
    [
      'one second before the cut-off with Z is stale',
      false,
      ['2023-03-31T23:59:59Z'],
      BEFORE_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-31T23:59:59.000Z', purchaseBlocked: false },
    ],
    [
      'one millisecond before the cut-off is stale',
      false,
      ['2023-03-31T23:59:59.999Z'],
      BEFORE_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-31T23:59:59.999Z', purchaseBlocked: false },
    ],
    [
      '+09:00 local April 1st that is still March 31st in UTC is stale',
      false,
      ['2023-04-01T08:59:59+09:00'],
      BEFORE_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-31T23:59:59.000Z', purchaseBlocked: false },
    ],
    [
      '+09:00 local time reaching the UTC cut-off is valid',
      false,
      ['2023-04-01T09:00:00+09:00'],
      BEFORE_BLOCK,
      { kind: 'accepted', method: 'attestation', attestedAt: '2023-04-01T00:00:00.000Z' },
    ],
    [
      '-05:00 local March 31st evening that is April 1st in UTC is valid',
      false,
      ['2023-03-31T19:00:00-05:00'],
      BEFORE_BLOCK,
      { kind: 'accepted', method: 'attestation', attestedAt: '2023-04-01T00:00:00.000Z' },
    ],
    [
      'stale attestation one millisecond before the block date: purchases still allowed',
      false,
      ['2022-06-15T00:00:00'],
      BEFORE_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2022-06-15T00:00:00.000Z', purchaseBlocked: false },
    ],
    [
      'stale attestation on the block instant: purchases blocked',
      false,
      ['2022-06-15T00:00:00'],
      AT_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2022-06-15T00:00:00.000Z', purchaseBlocked: true },
    ],
    [
      'unsorted list: the latest (valid) one counts',
      false,
      ['2022-01-01T00:00:00', '2024-02-02T10:00:00', '2023-01-01T00:00:00'],
      AT_BLOCK,
      { kind: 'accepted', method: 'attestation', attestedAt: '2024-02-02T10:00:00.000Z' },
    ],
    [
      'unsorted list, all stale: the latest stale one is reported',
      undefined,
      ['2021-01-01T00:00:00', '2023-03-01T00:00:00Z', '2022-01-01T00:00:00'],
      AT_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-01T00:00:00.000Z', purchaseBlocked: true },
    ],
    [
      'latest is compared as an instant, not as text (offset makes the textually later one earlier)',
      false,
      ['2023-04-01T05:00:00+09:00', '2023-03-31T21:00:00Z'],
      AT_BLOCK,
      { kind: 'reattestationRequired', attestedAt: '2023-03-31T21:00:00.000Z', purchaseBlocked: true },
    ],
  ])('%s', (_name, directSigned, dates, now, expected) => {
    expect(evaluateMcaStatus({ directSigned, attestations: attested(...dates) }, now)).toEqual(expected);
  });

  it('still parses dates strictly: parseAgreementDate names what it cannot read', () => {
    expect(() => parseAgreementDate('01/05/2023')).toThrow(InvalidAgreementDateError);
    expect(() => parseAgreementDate('01/05/2023')).toThrow('"01/05/2023"');
  });

  it('rejects an invalid now', () => {
    expect(() => evaluateMcaStatus({ directSigned: false, attestations: [] }, new Date('nope'))).toThrow(
      RangeError,
    );
  });
});

describe('assessMcaEvidence: which agreement items count', () => {
  const MCA = 'MicrosoftCustomerAgreement';
  const CLOUD = 'MicrosoftCloudAgreement';
  const CLOUD_TEMPLATE = '5a9b5e5c-0000-4000-8000-00000000c1a0';
  const accepted = (attestedAt: string): McaStatus => ({
    kind: 'accepted',
    method: 'attestation',
    attestedAt,
  });
  const stale = (attestedAt: string): McaStatus => ({
    kind: 'reattestationRequired',
    attestedAt,
    purchaseBlocked: true,
  });

  it.each<[string, AgreementItem[], McaStatus, IgnoredAgreement[]]>([
    [
      'a newer Microsoft Cloud Agreement does not make a stale MCA current',
      [
        { type: MCA, dateAgreed: '2021-03-10T00:00:00' },
        { type: CLOUD, dateAgreed: '2024-01-01T00:00:00' },
      ],
      stale('2021-03-10T00:00:00.000Z'),
      [{ reason: 'otherType', type: CLOUD }],
    ],
    [
      'only a Microsoft Cloud Agreement: no MCA at all',
      [{ type: CLOUD, dateAgreed: '2019-06-01T00:00:00' }],
      { kind: 'none' },
      [{ reason: 'otherType', type: CLOUD }],
    ],
    [
      'the type is compared without regard to case',
      [{ type: 'microsoftcustomeragreement', dateAgreed: '2024-01-01T00:00:00' }],
      accepted('2024-01-01T00:00:00.000Z'),
      [],
    ],
    [
      'no type: the MCA template counts',
      [{ templateId: MCA_TEMPLATE_ID.toUpperCase(), dateAgreed: '2024-01-01T00:00:00' }],
      accepted('2024-01-01T00:00:00.000Z'),
      [],
    ],
    [
      'no type: another template does not',
      [{ templateId: CLOUD_TEMPLATE, dateAgreed: '2024-01-01T00:00:00' }],
      { kind: 'none' },
      [{ reason: 'otherType', type: '(none)' }],
    ],
    [
      'an unreadable dateAgreed skips that item; the valid one decides',
      [
        { type: MCA, dateAgreed: '2024-01-01T00:00:00' },
        { type: MCA, dateAgreed: '01/05/2023' },
      ],
      accepted('2024-01-01T00:00:00.000Z'),
      [{ reason: 'unreadableDate', dateAgreed: '01/05/2023' }],
    ],
    [
      'an unreadable date on the newer item leaves the stale one deciding',
      [
        { type: MCA, dateAgreed: '2021-03-10T00:00:00' },
        { type: MCA, dateAgreed: '2025-02-30T00:00:00' },
      ],
      stale('2021-03-10T00:00:00.000Z'),
      [{ reason: 'unreadableDate', dateAgreed: '2025-02-30T00:00:00' }],
    ],
    [
      'missing and null dates are unreadable too',
      [{ type: MCA }, { type: MCA, dateAgreed: null }],
      { kind: 'none' },
      [
        { reason: 'unreadableDate', dateAgreed: '(none)' },
        { reason: 'unreadableDate', dateAgreed: '(none)' },
      ],
    ],
    [
      'a long unreadable value is shortened for the note',
      [{ type: MCA, dateAgreed: 'x'.repeat(100) }],
      { kind: 'none' },
      [{ reason: 'unreadableDate', dateAgreed: `${'x'.repeat(40)}…` }],
    ],
  ])('%s', (_name, attestations, status, ignored) => {
    expect(assessMcaEvidence({ directSigned: false, attestations }, AT_BLOCK)).toEqual({ status, ignored });
    expect(evaluateMcaStatus({ directSigned: false, attestations }, AT_BLOCK)).toEqual(status);
  });

  it('reads no items once the customer signed directly', () => {
    const attestations = [{ type: MCA, dateAgreed: 'garbage' }];
    expect(assessMcaEvidence({ directSigned: true, attestations }, AT_BLOCK)).toEqual({
      status: { kind: 'accepted', method: 'direct' },
      ignored: [],
    });
  });
});

describe('parseAgreementDate', () => {
  it.each([
    ['2023-05-01T00:00:00', '2023-05-01T00:00:00.000Z'],
    ['2023-05-01T00:00:00Z', '2023-05-01T00:00:00.000Z'],
    ['2023-05-01t00:00:00z', '2023-05-01T00:00:00.000Z'],
    ['2023-05-01', '2023-05-01T00:00:00.000Z'],
    ['2023-05-01T12:34', '2023-05-01T12:34:00.000Z'],
    ['2023-05-01T12:34:56.7', '2023-05-01T12:34:56.700Z'],
    ['2023-05-01T12:34:56.1234567', '2023-05-01T12:34:56.123Z'],
    ['2023-05-01T09:00:00+09:00', '2023-05-01T00:00:00.000Z'],
    ['2023-05-01T09:00:00+0900', '2023-05-01T00:00:00.000Z'],
    ['2023-04-30T19:30:00-04:30', '2023-05-01T00:00:00.000Z'],
    ['2024-02-29T00:00:00', '2024-02-29T00:00:00.000Z'],
  ])('%s -> %s', (text, iso) => {
    expect(new Date(parseAgreementDate(text)).toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2023-5-1',
    '2023-05-01 00:00:00',
    '2023-02-29T00:00:00',
    '2023-04-31T00:00:00',
    '2023-13-01T00:00:00',
    '2023-05-01T24:00:00',
    '2023-05-01T23:60:00',
    '2023-05-01T23:59:60',
    '2023-05-01T00:00:00+24:00',
    '2023-05-01T00:00:00+09:60',
    '2023-05-01T00:00:00.12345678',
    '2023-05-01T00:00:00 ',
  ])('rejects %j', (text) => {
    expect(() => parseAgreementDate(text)).toThrow(InvalidAgreementDateError);
  });
});
