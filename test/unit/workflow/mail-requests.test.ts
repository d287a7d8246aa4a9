import { renderMail } from '../../../shared/mail';
import { entryCustomer } from '../mail/mail-data.fixtures';
import {
  composeMail,
  runTag,
  MailNotComposable,
  type MailRequest,
  type PartnerDirectory,
} from '../../../shared/workflow/mail-requests';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const partner: PartnerDirectory = {
  companyName: 'Contoso Cloud Partner',
  contactEmail: 'desk@partner.example',
  contactName: 'CSP desk',
  contactPhone: '+81 3 0000 0000',
  partnerLanguage: 'en',
  providerEmail: 'onboarding@provider.example',
  providerName: 'Fabrikam Distribution',
  providerLanguage: 'en-GB',
  confirmsByHand: false,
};
const customer = entryCustomer(TENANT);
const base = {
  tenantId: TENANT,
  runKey: 'crm-event-1',
  companyName: 'Northwind',
  language: 'ja-JP',
  deadline: '2026-04-01T00:00:00.000Z',
  customer,
};
const link = {
  acceptanceUrl: 'https://example.microsoft.com/accept/1',
  linkExpiresAt: '2026-03-10T00:00:00.000Z',
};

describe('composeMail', () => {
  // Customer mails in the customer's language; the provider's and the desk's in their own settings'.
  it.each<[string, MailRequest['mail'], string, string, number, string]>([
    [
      'invite to the signatory',
      { kind: 'directInvite' },
      'directInvite',
      'hanako@northwind.example',
      0,
      'ja',
    ],
    [
      'attestation link to the signatory',
      { kind: 'attestationLink', ...link },
      'attestationLink',
      'hanako@northwind.example',
      0,
      'ja',
    ],
    [
      "a later attestation's link (a new signatory): its own send key",
      { kind: 'attestationLink', ...link, n: 2 },
      'attestationLink',
      'hanako@northwind.example',
      2,
      'ja',
    ],
    [
      '2nd direct reminder',
      { kind: 'reminder', n: 2, path: 'direct' },
      'reminder',
      'hanako@northwind.example',
      2,
      'ja',
    ],
    [
      '1st attestation reminder',
      { kind: 'reminder', n: 1, path: 'attestation', ...link },
      'reminder',
      'hanako@northwind.example',
      1,
      'ja',
    ],
    ['hand-off to the provider', { kind: 'handOff' }, 'handOff', 'onboarding@provider.example', 0, 'en'],
    [
      '2nd reminder to the provider',
      { kind: 'handOff', n: 2 },
      'handOff',
      'onboarding@provider.example',
      2,
      'en',
    ],
    [
      'no contact on file, to the desk',
      { kind: 'contactMissing' },
      'contactMissing',
      'desk@partner.example',
      0,
      'en',
    ],
    [
      'escalation to the desk',
      { kind: 'escalation', path: 'direct', invitationsSent: 3 },
      'escalation',
      'desk@partner.example',
      0,
      'en',
    ],
  ])('%s', (_name, mail, template, to, n, language) => {
    const composed = composeMail({ ...base, mail }, partner);
    expect(composed.template).toBe(template);
    expect(composed.to.email).toBe(to);
    expect(composed.sendKey).toEqual({ tenantId: TENANT, kind: `${mail.kind}-${runTag('crm-event-1')}`, n });
    // The data is what the template accepts: rendering validates it.
    const rendered = renderMail(composed.template, composed.data, composed.language);
    expect(rendered.language).toBe(language);
  });

  it('gives another run of the same customer other send keys, the same run the same', () => {
    const first = composeMail({ ...base, mail: { kind: 'directInvite' } }, partner).sendKey;
    const again = composeMail({ ...base, mail: { kind: 'directInvite' } }, partner).sendKey;
    const later = composeMail(
      { ...base, runKey: 'crm-event-2', mail: { kind: 'directInvite' } },
      partner,
    ).sendKey;
    expect(again).toEqual(first);
    expect(later.kind).not.toBe(first.kind);
  });

  it('escalates a customer whose signatory never arrived, without signatory data', () => {
    const composed = composeMail(
      {
        ...base,
        customer: undefined,
        language: 'en',
        mail: { kind: 'escalation', path: 'direct', invitationsSent: 0 },
      },
      partner,
    );
    expect(composed.data).not.toHaveProperty('signatory');
    expect(renderMail(composed.template, composed.data, composed.language).language).toBe('en');
  });

  it.each([
    ['en', 'the customer was not visible in Partner Center until the deadline (404)'],
    ['ja-JP', 'Partner Center にお客様が表示されませんでした（404）'],
  ])('escalates a customer Partner Center never showed, and says so (%s)', (language, words) => {
    const composed = composeMail(
      {
        ...base,
        customer: undefined,
        language,
        mail: { kind: 'escalation', path: 'direct', invitationsSent: 0, notVisible: true },
      },
      // The desk's mails are in its own language.
      { ...partner, partnerLanguage: language },
    );
    expect(renderMail(composed.template, composed.data, composed.language).text).toContain(words);
  });

  it('reminds the provider as a reminder, and tells the desk only the company and the tenant', () => {
    const reminder = composeMail({ ...base, mail: { kind: 'handOff', n: 1 } }, partner);
    expect(renderMail(reminder.template, reminder.data, reminder.language).subject).toMatch(/^Reminder: /);

    const alert = composeMail(
      { ...base, customer: undefined, mail: { kind: 'contactMissing', purchaseBlocked: true } },
      { ...partner, partnerLanguage: 'ja' },
    );
    expect(alert.data).toEqual({
      companyName: 'Northwind',
      tenantId: TENANT,
      purchaseBlocked: true,
      recipientName: 'CSP desk',
    });
    const rendered = renderMail(alert.template, alert.data, alert.language);
    expect(rendered.language).toBe('ja');
    expect(rendered.text).toContain('署名者');
    expect(rendered.text).toContain(`/api/customers/${TENANT}/mca`);
  });

  it('refuses customer mails without a signatory and hand-offs without a provider contact', () => {
    expect(() =>
      composeMail({ ...base, customer: undefined, mail: { kind: 'directInvite' } }, partner),
    ).toThrow(MailNotComposable);
    expect(() =>
      composeMail({ ...base, mail: { kind: 'handOff' } }, { ...partner, providerEmail: undefined }),
    ).toThrow('INDIRECT_PROVIDER_CONTACT');
  });
});
