import { isPurchaseBlocked, purchaseBlockReason, type PurchaseBlockReason } from '../../../shared/mca';

const BLOCK_DESCRIPTION =
  'Either a partner re-attestation of the customer acceptance of the Microsoft Customer Agreement must be provided ...';

describe('isPurchaseBlocked', () => {
  it.each<[string, number, unknown, boolean]>([
    [
      'classic shape, numeric 900428',
      403,
      { code: 900428, description: BLOCK_DESCRIPTION, data: [], source: 'PartnerFD' },
      true,
    ],
    ['classic shape, string "900428"', 403, { code: '900428', description: BLOCK_DESCRIPTION }, true],
    ['classic shape, 13605', 403, { code: 13605, description: 'blocked' }, true],
    ['classic shape, string "13605"', 403, { code: '13605' }, true],
    [
      'newer shape, 900428',
      403,
      {
        code: 900428,
        message: 'blocked',
        description: BLOCK_DESCRIPTION,
        errorName: 'X',
        isRetryable: false,
        parameters: {},
      },
      true,
    ],
    ['raw JSON text', 403, JSON.stringify({ code: 900428, description: BLOCK_DESCRIPTION }), true],
    ['raw JSON text with string code', 403, '{"code":"13605"}', true],
    ['same code, other status 400', 400, { code: 900428 }, false],
    ['same code, status 401', 401, { code: 900428 }, false],
    ['same code, status 404', 404, { code: 900428 }, false],
    ['same code, status 200', 200, { code: 900428 }, false],
    ['403, neighbouring code 900427', 403, { code: 900427 }, false],
    ['403, neighbouring code 900429', 403, { code: 900429 }, false],
    ['403, neighbouring code 13606', 403, { code: 13606 }, false],
    ['403, other code (MFA missing)', 403, { code: 900421 }, false],
    ['403, code as decimal', 403, { code: 900428.5 }, false],
    ['403, code string with text', 403, { code: '900428abc' }, false],
    ['403, code string with spaces', 403, { code: ' 900428' }, false],
    ['403, code nested elsewhere', 403, { error: { code: 900428 } }, false],
    ['403, description mentions code only', 403, { description: '900428' }, false],
    ['403, no body', 403, undefined, false],
    ['403, null body', 403, null, false],
    ['403, array body', 403, [900428], false],
    ['403, number body', 403, 900428, false],
    ['403, non-JSON text', 403, 'Forbidden', false],
    ['403, code null', 403, { code: null }, false],
    ['403, code boolean', 403, { code: true }, false],
  ])('%s -> %s', (_name, status, body, expected) => {
    expect(isPurchaseBlocked(status, body)).toBe(expected);
  });
});

describe('purchaseBlockReason', () => {
  it.each<[string, number, unknown, PurchaseBlockReason | undefined]>([
    ['900428: only a pre-2023-04-01 attestation', 403, { code: 900428 }, 'staleAttestation'],
    ['13605: no MCA at all', 403, { code: 13605 }, 'noMca'],
    ['13605 as text in raw JSON', 403, '{"code":"13605"}', 'noMca'],
    ['13605 with another status', 400, { code: 13605 }, undefined],
    ['another 403', 403, { code: 2006 }, undefined],
  ])('%s', (_name, status, body, reason) => {
    expect(purchaseBlockReason(status, body)).toBe(reason);
  });
});
