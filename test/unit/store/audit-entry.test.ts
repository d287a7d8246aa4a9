import { auditEntrySchema } from '../../../shared/store/audit-trail.repository';

const entry = {
  tenantId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
  at: '2026-03-02T09:00:00.000Z',
  actor: 'operator',
  action: 'RecheckRequested',
};

describe('audit entry actorId', () => {
  it.each([
    ['an Entra object id', '7d3e5c1a-1111-4222-8333-944455556666', true],
    ['the local caller', 'local', true],
    ['left out', undefined, true],
    ['an e-mail address', 'hanako@contoso.example', false],
    ['a display name', 'Hanako Yamada', false],
    ['too long', 'x'.repeat(129), false],
  ])('%s: valid=%p', (_name, actorId, valid) => {
    expect(auditEntrySchema.safeParse({ ...entry, actorId }).success).toBe(valid);
  });
});
