import {
  backoffDelayMs,
  defaultRetryPolicy,
  parseRetryAfterMs,
} from '../../../shared/partnerCenter/retry-policy';
import { parseErrorBody, requestIdForKey } from '../../../shared/partnerCenter';

describe('parseRetryAfterMs', () => {
  const now = Date.UTC(2026, 0, 10, 9, 0, 0);

  it.each([
    ['30', 30_000],
    [' 0 ', 0],
    [new Date(now + 5_000).toUTCString(), 5_000],
    [new Date(now - 5_000).toUTCString(), 0],
    ['soon', undefined],
    [null, undefined],
  ])('reads %p as %p ms', (value, expected) => {
    expect(parseRetryAfterMs(value, now)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const policy = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1_000 };

  it('grows exponentially up to the cap, scaled by the jitter draw', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(policy, n, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(0);
  });
});

describe('parseErrorBody', () => {
  it.each([
    [
      { code: 900428, description: 'x', data: [], source: 'PartnerFD' },
      { code: 900428, errorName: undefined },
    ],
    [
      { code: '600061', errorName: 'PartnerConfirmedAgreementAlreadyExists', isRetryable: false },
      { code: 600061, errorName: 'PartnerConfirmedAgreementAlreadyExists' },
    ],
    [{ code: 'Forbidden' }, { code: undefined, errorName: undefined }],
    ['<html>oops</html>', {}],
    [undefined, {}],
  ])('reads %j', (body, expected) => {
    expect(parseErrorBody(body)).toEqual(expected);
  });
});

describe('requestIdForKey', () => {
  it('keeps a GUID key and hashes anything else to a stable v5 UUID', () => {
    expect(requestIdForKey('0F8FAD5B-D9CB-469F-A165-70867728950E')).toBe(
      '0f8fad5b-d9cb-469f-a165-70867728950e',
    );
    expect(requestIdForKey('tenant:attestation:1')).toBe(requestIdForKey('tenant:attestation:1'));
    expect(requestIdForKey('tenant:attestation:1')).not.toBe(requestIdForKey('tenant:attestation:2'));
  });
});
