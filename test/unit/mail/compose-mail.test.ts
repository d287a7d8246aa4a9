/**
 * From the settings and a workflow MailRequest to the rendered mail: each recipient reads its own
 * language, the partner's phone stands with the partner contact, and `reacceptance` reaches the words.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { partnerDirectory } from '../../../functions/activities/send-mail.activity';
import { loadConfig } from '../../../shared/config';
import { renderMail } from '../../../shared/mail';
import { composeMail, type MailRequest } from '../../../shared/workflow/mail-requests';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
/** The local settings (every mail setting set); each test overrides what it is about. */
const SETTINGS = (
  JSON.parse(readFileSync(join(__dirname, '../../../local.settings.json.example'), 'utf8')) as {
    Values: Record<string, string>;
  }
).Values;
const PHONE = '+81 3-0000-1111';

/** A Japanese customer: their mails are in Japanese, whatever the desk and the provider read. */
const request = (mail: MailRequest['mail'], extra: Partial<MailRequest> = {}): MailRequest => ({
  tenantId: TENANT,
  runKey: 'crm-event-1',
  companyName: 'Northwind',
  language: 'ja-JP',
  deadline: '2026-04-01T00:00:00.000Z',
  customer: {
    tenantId: TENANT,
    companyName: 'Northwind',
    country: 'JP',
    language: 'ja-JP',
    signatory: { firstName: 'Hanako', lastName: 'Sato', email: 'hanako@northwind.example' },
  },
  mail,
  ...extra,
});

const LINK = { acceptanceUrl: 'https://example.microsoft.com/accept/1', linkExpiresAt: null };

function rendered(settings: Record<string, string>, input: MailRequest) {
  const composed = composeMail(input, partnerDirectory(loadConfig({ ...SETTINGS, ...settings })));
  return renderMail(composed.template, composed.data, composed.language);
}

describe('the language of each recipient', () => {
  it.each([
    ['hand-off to the provider', { kind: 'handOff' }, 'INDIRECT_PROVIDER_LANGUAGE'],
    [
      'escalation to the desk',
      { kind: 'escalation', path: 'direct', invitationsSent: 2 },
      'PARTNER_LANGUAGE',
    ],
  ] as const)('the %s is in %s (default en), not in the customer’s language', (_name, mail, key) => {
    expect(rendered({ [key]: '' }, request(mail)).language).toBe('en');
    expect(rendered({ [key]: 'ja-JP' }, request(mail, { language: 'en-US' })).language).toBe('ja');
  });

  it.each([
    ['invitation', { kind: 'directInvite' }],
    ['attestation link', { kind: 'attestationLink', ...LINK }],
    ['reminder', { kind: 'reminder', n: 1, path: 'direct' }],
  ] as const)('the customer’s %s is in the customer’s language', (_name, mail) => {
    const settings = { PARTNER_LANGUAGE: 'en', INDIRECT_PROVIDER_LANGUAGE: 'en' };
    expect(rendered(settings, request(mail)).language).toBe('ja');
  });
});

describe('PARTNER_CONTACT_PHONE', () => {
  it.each([
    ['invitation', { kind: 'directInvite' }],
    ['attestation link', { kind: 'attestationLink', ...LINK }],
    ['reminder', { kind: 'reminder', n: 2, path: 'attestation', ...LINK }],
    ['hand-off', { kind: 'handOff' }],
  ] as const)('stands with the partner contact in the %s when set, and only then', (_name, mail) => {
    const withPhone = rendered({ PARTNER_CONTACT_PHONE: PHONE }, request(mail));
    expect(withPhone.text).toMatch(new RegExp(`(電話|Phone)：?:? ?${PHONE.replace(/[+]/g, '\\+')}`));
    expect(rendered({ PARTNER_CONTACT_PHONE: '' }, request(mail)).text).not.toMatch(/電話：|Phone:/);
  });
});

describe('reacceptance', () => {
  it.each([
    ['invitation', { kind: 'directInvite' }],
    ['attestation link', { kind: 'attestationLink', ...LINK }],
    ['direct reminder', { kind: 'reminder', n: 1, path: 'direct' }],
    ['attestation reminder', { kind: 'reminder', n: 1, path: 'attestation', ...LINK }],
    ['hand-off', { kind: 'handOff' }],
  ] as const)('turns the %s into the re-acceptance mail', (_name, mail) => {
    const again = rendered({ INDIRECT_PROVIDER_LANGUAGE: 'ja' }, request(mail, { reacceptance: true }));
    const first = rendered({ INDIRECT_PROVIDER_LANGUAGE: 'ja' }, request(mail));
    expect(again.subject).toContain('再同意');
    expect(again.text).toContain('2023 年 4 月 1 日より前');
    expect(first.subject).not.toContain('再同意');
  });
});
