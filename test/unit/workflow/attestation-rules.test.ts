import {
  afterAgreementConflict,
  agreedAt,
  attestationStateOf,
  isStaleUpdate,
  needsNewAttestation,
  pollInterval,
  sameSignatory,
} from '../../../shared/workflow/attestation-rules';

describe('attestationStateOf', () => {
  it.each([
    ['required', 'required'],
    ['REQUIRED', 'required'],
    ['Pending', 'pending'],
    ['accepted', 'accepted'],
    ['ReadyToCreateAgreement', 'accepted'],
    ['ready to create agreement', 'accepted'],
    ['EXPIRED', 'expired'],
    ['inReview', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%p is %s', (word, state) => {
    expect(attestationStateOf(word)).toBe(state);
  });
});

describe('agreedAt', () => {
  const firstSeen = '2026-03-05T10:00:00.000Z';
  const now = '2026-03-05T10:00:00.000Z';
  it.each([
    ['the reported acceptance time', '2026-03-04T08:15:30Z', '2026-03-04T08:15:30.000Z'],
    ['a reported time with an offset, as UTC', '2026-03-04T17:15:30+09:00', '2026-03-04T08:15:30.000Z'],
    ['first seen when none is reported', null, firstSeen],
    ['first seen when the report is unreadable', 'yesterday', firstSeen],
    ['first seen when the report is in the future (600002)', '2026-03-06T00:00:00Z', firstSeen],
  ])('%s', (_name, reported, expected) => {
    expect(agreedAt(reported, firstSeen, now)).toBe(expected);
  });
});

describe('pollInterval', () => {
  const backoff = { initialMs: 5, maxMs: 40 };
  it.each([
    [0, false, 5],
    [2, false, 20],
    [9, false, 40],
    [0, true, 15],
    [9, true, 15],
  ])('attempt %d, link out %p: %d', (attempt, pending, expected) => {
    expect(pollInterval(attempt, pending, backoff, 15)).toBe(expected);
  });
});

describe('isStaleUpdate', () => {
  it.each([
    ['older than the last applied', '2026-03-01T09:00:00Z', '2026-03-01T10:00:00Z', true],
    ['older, across offsets', '2026-03-01T18:00:00+09:00', '2026-03-01T10:00:00Z', true],
    ['the same instant', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', false],
    ['newer', '2026-03-01T11:00:00Z', '2026-03-01T10:00:00Z', false],
    ['no occurredAt (API, Partner Center)', undefined, '2026-03-01T10:00:00Z', false],
    ['nothing applied yet', '2026-03-01T09:00:00Z', undefined, false],
  ])('%s', (_name, occurredAt, last, stale) => {
    expect(isStaleUpdate(occurredAt, last)).toBe(stale);
  });
});

describe('signatories', () => {
  const alex = {
    firstName: 'Alex',
    lastName: 'Signer',
    email: 'alex@contoso.example',
    phoneNumber: '+1 425 555 0100',
  };
  it.each([
    ['identical', alex, true],
    [
      'e-mail in another case, names with spaces',
      { ...alex, email: 'ALEX@Contoso.example', firstName: ' Alex ' },
      true,
    ],
    ['phone written differently', { ...alex, phoneNumber: '+1-425-555-0100' }, true],
    ['another e-mail', { ...alex, email: 'kim@contoso.example' }, false],
    ['another last name', { ...alex, lastName: 'Other' }, false],
    ['phone dropped', { ...alex, phoneNumber: undefined }, false],
  ])('%s: same = %p', (_name, other, same) => {
    expect(sameSignatory(alex, other)).toBe(same);
    expect(needsNewAttestation(true, alex, other)).toBe(!same);
    expect(needsNewAttestation(false, alex, other)).toBe(false);
  });
});

describe('afterAgreementConflict', () => {
  it.each([
    [true, 'direct', 'confirm'],
    [true, 'fail', 'confirm'],
    [false, 'direct', 'direct'],
    [false, 'fail', 'fail'],
  ] as const)('covered %p, setting %s: %s', (covered, setting, action) => {
    expect(afterAgreementConflict(covered, setting)).toBe(action);
  });
});
