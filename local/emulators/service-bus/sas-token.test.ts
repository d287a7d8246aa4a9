import { createHmac } from 'node:crypto';
import { audienceCovers, checkSasToken, DEVELOPMENT_KEY } from './sas-token';

const NOW = Date.UTC(2026, 10, 25);
const AUDIENCE = 'sb://127.0.0.1:5672/crm-customer-events';

/** Signs the way @azure/core-amqp's SAS token provider does. */
function sign(audience: string, key: string, keyName: string, expirySeconds: number): string {
  const sr = encodeURIComponent(audience);
  const sig = encodeURIComponent(
    createHmac('sha256', key).update(`${sr}\n${expirySeconds}`).digest('base64'),
  );
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${expirySeconds}&skn=${encodeURIComponent(keyName)}`;
}

const inAnHour = NOW / 1000 + 3600;

describe('SAS token check', () => {
  test('accepts a token signed with the well-known key and returns its audience', () => {
    const token = sign(AUDIENCE, 'SAS_KEY_VALUE', 'RootManageSharedAccessKey', inAnHour);
    expect(checkSasToken(token, DEVELOPMENT_KEY, NOW)).toEqual({ valid: true, audience: AUDIENCE });
  });

  test.each([
    ['another key', sign(AUDIENCE, 'other', 'RootManageSharedAccessKey', inAnHour), 'invalid signature'],
    ['another key name', sign(AUDIENCE, 'SAS_KEY_VALUE', 'Listen', inAnHour), 'unknown key name'],
    [
      'an expired token',
      sign(AUDIENCE, 'SAS_KEY_VALUE', 'RootManageSharedAccessKey', NOW / 1000 - 1),
      'token expired',
    ],
    ['a JWT', 'eyJhbGciOi.x.y', 'not a SAS token'],
    ['a token without signature', 'SharedAccessSignature sr=a&se=1&skn=b', 'missing sr, sig, se or skn'],
  ])('rejects %s', (_what, token, reason) => {
    expect(checkSasToken(token, DEVELOPMENT_KEY, NOW)).toEqual({ valid: false, reason });
  });

  test('rejects a token whose audience was changed after signing', () => {
    const token = sign(AUDIENCE, 'SAS_KEY_VALUE', 'RootManageSharedAccessKey', inAnHour).replace(
      'crm-customer-events',
      'mca-outcomes',
    );
    expect(checkSasToken(token, DEVELOPMENT_KEY, NOW)).toEqual({ valid: false, reason: 'invalid signature' });
  });

  test.each([
    ['sb://h:1/q', 'q', true],
    ['sb://h:1/q', 'q/$management', true],
    ['sb://h:1/q', 'q/$deadletterqueue', true],
    ['sb://h:1/', 'anything', true],
    ['sb://h:1/q', 'q2', false],
    ['sb://h:1/q/$management', 'q', false],
  ])('audience %s covers %s: %s', (audience, entity, covered) => {
    expect(audienceCovers(audience, entity)).toBe(covered);
  });
});
