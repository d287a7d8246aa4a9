import { decodeCrmMessage } from '../../../functions/crm-queue.function';
import { generateFuzzMessages, identityOf } from '../../../chaos/fuzz-messages';

describe('fuzzed CRM messages', () => {
  const messages = generateFuzzMessages(500, 7);

  it('are the same for the same seed, and differ for another', () => {
    const again = generateFuzzMessages(500, 7);
    expect(again.map((m) => m.label)).toEqual(messages.map((m) => m.label));
    expect(generateFuzzMessages(500, 8).map((m) => m.label)).not.toEqual(messages.map((m) => m.label));
  });

  it('cover every kind of damage, and leave some valid', () => {
    const labels = messages.map((m) => m.label).join('\n');
    for (const kind of [
      'missing',
      'wrongType',
      'extraField',
      'hugeString',
      'controlCharacters',
      'invalidGuid',
      'invalidEmail',
      'not JSON',
      'binary',
    ]) {
      expect(labels).toContain(kind);
    }
    const valid = messages.filter((m) => m.verdict.valid).length;
    expect(valid).toBeGreaterThan(25);
    expect(valid).toBeLessThan(250);
  });

  it('give each message its own id, tenant and signatory', () => {
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(500);
    expect(new Set(messages.map((m) => m.tenantId)).size).toBe(500);
    expect(new Set(messages.flatMap((m) => m.pii.emails)).size).toBe(500);
    expect(identityOf(7, 3)).toEqual(identityOf(7, 3));
  });

  it('judge an intact event sent as an object valid, as the app decodes it', () => {
    const intact = messages.find((m) => m.label === 'intact');
    expect(intact).toBeDefined();
    expect(decodeCrmMessage(intact?.body).ok).toBe(true);
    expect(intact?.verdict).toEqual({ valid: true });
  });

  it('name the fields the app objects to for an invalid one', () => {
    const broken = messages.find(
      (m) => m.label.startsWith('invalidGuid customer.tenantId') && !m.verdict.valid,
    );
    expect(broken?.verdict).toMatchObject({
      valid: false,
      fields: expect.arrayContaining([expect.objectContaining({ field: 'customer.tenantId' })]) as unknown,
    });
  });
});
