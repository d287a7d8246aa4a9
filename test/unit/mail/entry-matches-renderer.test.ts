/**
 * The entry (CRM message, `POST /api/customers/{tenantId}/mca`) accepts exactly the customers the mail
 * renderer can write to: what could never be mailed is refused there, with the field named, instead
 * of failing the run at its first mail.
 */
import { decodeStartBody } from '../../../functions/api/start-onboarding.http';
import { decodeCrmMessage } from '../../../functions/crm-queue.function';
import { ValidationError } from '../../../functions/http-errors';
import { renderMail } from '../../../shared/mail';
import { customerSchema, type Customer } from '../../../shared/workflow/contracts';
import { composeMail, type MailRequest, type PartnerDirectory } from '../../../shared/workflow/mail-requests';
import { entryCustomer } from './mail-data.fixtures';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const customer = entryCustomer(TENANT);
type Signatory = Customer['signatory'];

const partner: PartnerDirectory = {
  companyName: 'Contoso Cloud Partner',
  contactEmail: 'desk@partner.example',
  contactName: 'CSP desk',
  contactPhone: undefined,
  partnerLanguage: 'en',
  providerEmail: 'onboarding@provider.example',
  providerName: 'Fabrikam Distribution',
  providerLanguage: 'en',
  confirmsByHand: false,
};

const LINK = { acceptanceUrl: 'https://example.microsoft.com/accept/1', linkExpiresAt: null };
const MAILS: MailRequest['mail'][] = [
  { kind: 'directInvite' },
  { kind: 'attestationLink', ...LINK },
  { kind: 'reminder', n: 1, path: 'direct' },
  { kind: 'reminder', n: 1, path: 'attestation', ...LINK },
  { kind: 'handOff' },
  { kind: 'escalation', path: 'direct', invitationsSent: 1 },
];

/** Every mail of a run for this customer, rendered; throws where one cannot be. */
function mailEverything(accepted: Customer): void {
  for (const mail of MAILS) {
    const composed = composeMail(
      {
        tenantId: accepted.tenantId,
        runKey: 'evt-1',
        companyName: accepted.companyName,
        language: accepted.language,
        deadline: '2026-04-01T00:00:00.000Z',
        customer: accepted,
        mail,
      },
      partner,
    );
    renderMail(composed.template, composed.data, composed.language);
  }
}

const withSignatory = (signatory: Partial<Signatory>) => ({
  ...customer,
  signatory: { ...customer.signatory, ...signatory },
});

// Each was accepted at the entry before and then refused by the renderer (or the mail request).
const UNMAILABLE: [string, object, string][] = [
  ['a company name over 200 characters', { ...customer, companyName: 'N'.repeat(201) }, 'companyName'],
  [
    'a line break in the company name',
    { ...customer, companyName: 'Northwind\nBcc: x@y.example' },
    'companyName',
  ],
  ['a tab in the first name', withSignatory({ firstName: 'Hana\tko' }), 'signatory.firstName'],
  ['a control character in the last name', withSignatory({ lastName: 'Sa\u0007to' }), 'signatory.lastName'],
  [
    'a line break in the phone number',
    withSignatory({ phoneNumber: '+81 3\n1234 5678' }),
    'signatory.phoneNumber',
  ],
  [
    'a language tag over 35 characters',
    { ...customer, language: 'ja-JP-aaaaaaaa-bbbbbbbb-cccccccc-ddd' },
    'language',
  ],
];

describe('the customer schema refuses what could never be mailed', () => {
  it.each(UNMAILABLE)('%s', (_name, value, field) => {
    const result = customerSchema.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([field]);
  });

  it.each(UNMAILABLE)(
    'a CRM message with %s is dead-lettered with the field named',
    (_name, value, field) => {
      const decoded = decodeCrmMessage({
        type: 'CustomerCreated',
        eventId: 'evt-1',
        occurredAt: '2026-03-01T00:00:00Z',
        customer: value,
      });
      expect(decoded).toEqual({
        ok: false,
        fields: [expect.objectContaining({ field: `customer.${field}` })],
      });
    },
  );

  it.each(UNMAILABLE)('a POST with %s is a 400 naming the field', (_name, value, field) => {
    let error: unknown;
    try {
      decodeStartBody(value, TENANT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fields.map((f) => f.field)).toEqual([field]);
  });
});

describe('whatever the entry accepts can be mailed', () => {
  it.each([
    ['the plain customer', customer],
    ['a company name of 200 characters', { ...customer, companyName: 'N'.repeat(200) }],
    [
      'Japanese names',
      { ...withSignatory({ firstName: '花子', lastName: '佐藤' }), companyName: '株式会社ノースウィンド' },
    ],
    ['padded names (trimmed)', withSignatory({ firstName: '  Hanako ', lastName: ' Sato  ' })],
    ['a phone number of 40 characters', withSignatory({ phoneNumber: '+'.padEnd(40, '1') })],
    ['no phone number', withSignatory({ phoneNumber: undefined })],
    ['a language tag of 35 characters', { ...customer, language: 'ja-JP-aaaaaaaa-bbbbbbbb-cccccccc-d1' }],
  ])('%s', (_name, value) => {
    const accepted = customerSchema.parse(value);
    expect(() => mailEverything(accepted)).not.toThrow();
  });
});
