/**
 * The emulator behaves as Microsoft documents Partner Center: agreementType on a customer's agreements
 * (REST reference: `*` for all, the Microsoft Cloud Agreement by default), purchases refused with
 * 13605 / 900428, agreements visible only after a delay of up to four hours, audit records with an id
 * and a PascalCase resourceNewValue, and 600061 unless every contact field differs (sandbox article).
 */
import { VirtualClock } from '../../../local/clock';
import {
  CUSTOMERS,
  MCA_TEMPLATE_ID,
  appToken,
  call,
  emulatorPerTest,
  jsonOf,
  startHarness,
} from './partner-center.helpers';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MCA = 'MicrosoftCustomerAgreement';
const CLOUD = 'MicrosoftCloudAgreement';

interface Contact {
  firstName: string;
  lastName: string;
  email: string;
  phoneNumber?: string;
}
interface Agreement {
  type: string;
  templateId: string;
  dateAgreed: string;
  primaryContact: Contact;
}

describe('Partner Center emulator: documented behaviour', () => {
  const h = emulatorPerTest({}, { user: true });

  async function agreements(customerId: string, query = ''): Promise<Agreement[]> {
    const res = await call(h.url, h.userToken, 'GET', `/v1/customers/${customerId}/agreements${query}`);
    expect(res.status).toBe(200);
    const body = await jsonOf<{ totalCount: number; items: Agreement[] }>(res);
    expect(body.totalCount).toBe(body.items.length);
    return body.items;
  }

  /** An attestation for the customer, accepted through the control API. */
  async function acceptedAttestation(customerTenantId: string, contact: Contact): Promise<string> {
    const created = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', {
      customerTenantId,
      country: 'US',
      language: 'en-US',
      companyName: 'Example Co',
      signatoryFirstName: contact.firstName,
      signatoryLastName: contact.lastName,
      signatoryEmail: contact.email,
    });
    expect(created.status).toBe(201);
    const { id } = await jsonOf<{ id: string }>(created);
    expect(h.emulator.control.acceptAttestation(id)).toBe('accepted');
    return id;
  }

  async function createAgreement(customerTenantId: string, contact: Contact): Promise<Response> {
    const attestationId = await acceptedAttestation(customerTenantId, contact);
    return call(h.url, h.appToken, 'POST', `/v1/customers/${customerTenantId}/agreements`, {
      attestationId,
      templateId: MCA_TEMPLATE_ID,
      type: MCA,
      dateAgreed: '2026-01-15T00:00:00',
      primaryContact: contact,
    });
  }

  describe('GET /v1/customers/{id}/agreements honours agreementType', () => {
    it.each<[string, string, string, string[]]>([
      ['MCA items only', CUSTOMERS.stale, `?agreementType=${MCA}`, [MCA]],
      ['every type for *', CUSTOMERS.stale, '?agreementType=*', [CLOUD, MCA]],
      ['the Microsoft Cloud Agreement when left out', CUSTOMERS.stale, '', [CLOUD]],
      ['nothing of an MCA-only customer when left out', CUSTOMERS.attested, '', []],
      ['the older agreement of a customer with no MCA', CUSTOMERS.none, `?agreementType=${CLOUD}`, [CLOUD]],
      [
        'no MCA item for a customer with only the older agreement',
        CUSTOMERS.none,
        `?agreementType=${MCA}`,
        [],
      ],
    ])('%s', async (_name, customerId, query, types) => {
      expect((await agreements(customerId, query)).map((a) => a.type).sort()).toEqual(types);
    });

    it('gives the older agreement its own template, never the MCA template', async () => {
      const [cloud] = await agreements(CUSTOMERS.none, '?agreementType=*');
      expect(cloud).toEqual(expect.objectContaining({ type: CLOUD, dateAgreed: '2019-06-01T00:00:00' }));
      expect(cloud?.templateId).not.toBe(MCA_TEMPLATE_ID);
    });

    it('takes older agreements through the control API too', async () => {
      const added = h.emulator.control.addCustomer({
        companyName: 'Cloud Agreement Only Ltd',
        agreements: [
          {
            type: CLOUD,
            dateAgreed: '2019-01-01',
            primaryContact: { firstName: 'A', lastName: 'B', email: 'a@cloud.example.com' },
          },
        ],
      });
      expect(added).toEqual(expect.objectContaining({ coverage: 'none', agreementCount: 1 }));
      expect(await agreements(added.tenantId, `?agreementType=${MCA}`)).toEqual([]);
    });
  });

  describe('POST /v1/customers/{id}/orders refuses purchases as documented', () => {
    const order = { lineItems: [{ offerId: 'CFQ7TTC0LH18:0001', quantity: 1 }] };

    it.each([
      ['no MCA at all (only the older agreement)', 13605, CUSTOMERS.none, /accept the Microsoft Customer/],
      ['no agreement of any kind', 13605, CUSTOMERS.indirect, /accept the Microsoft Customer/],
      [
        'an attestation from before 2023-04-01 only',
        900428,
        CUSTOMERS.stale,
        /^Either a partner re-attestation/,
      ],
    ])('%s: 403 / %i', async (_name, code, customerId, text) => {
      const res = await call(h.url, h.appToken, 'POST', `/v1/customers/${customerId}/orders`, order);
      expect(res.status).toBe(403);
      const body = await jsonOf<{ code: number; description: string; source: string }>(res);
      expect(body).toEqual(expect.objectContaining({ code, data: [] }));
      expect(body.description).toMatch(text);
    });

    it('sells to the stale customer until the block starts on 2025-10-07', async () => {
      const before = await startHarness({ clock: new VirtualClock(Date.UTC(2025, 9, 6, 23)) });
      try {
        const token = await appToken(before.url);
        const path = `/v1/customers/${CUSTOMERS.stale}/orders`;
        expect((await call(before.url, token, 'POST', path, order)).status).toBe(201);
        await before.clock.advanceTo(Date.UTC(2025, 9, 7));
        expect((await call(before.url, token, 'POST', path, order)).status).toBe(403);
      } finally {
        await before.emulator.close();
      }
    });
  });

  describe('a created agreement shows in reads only after the visibility delay', () => {
    const newSigner: Contact = { firstName: 'Nora', lastName: 'Newman', email: 'nora@tailspin.example.com' };
    const mcaItems = (): Promise<Agreement[]> => agreements(CUSTOMERS.none, `?agreementType=${MCA}`);

    it('by default a few minutes of the scenario clock', async () => {
      expect(h.emulator.control.settings()).toEqual({ agreementVisibilityDelayMs: 5 * MINUTE });
      expect((await createAgreement(CUSTOMERS.none, newSigner)).status).toBe(201);
      await h.clock.advance(MINUTE);
      expect(await mcaItems()).toEqual([]);
      await h.clock.advance(4 * MINUTE);
      expect(await mcaItems()).toHaveLength(1);
    });

    it('up to four hours, set while running; the customer stays uncovered (and blocked) until then', async () => {
      expect(h.emulator.control.configure({ agreementVisibilityDelayMs: 4 * HOUR })).toEqual({
        agreementVisibilityDelayMs: 4 * HOUR,
      });
      expect((await createAgreement(CUSTOMERS.none, newSigner)).status).toBe(201);
      expect(h.emulator.control.customer(CUSTOMERS.none)).toEqual(
        expect.objectContaining({ coverage: 'none', agreementCount: 2 }),
      );
      await h.clock.advance(4 * HOUR - 1000);
      expect(await mcaItems()).toEqual([]);
      const order = { lineItems: [{ offerId: 'CFQ7TTC0LH18:0001', quantity: 1 }] };
      const early = await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.none}/orders`, order);
      expect((await jsonOf<{ code: number }>(early)).code).toBe(13605);
      await h.clock.advance(1000);
      expect((await mcaItems()).map((a) => a.primaryContact.email)).toEqual([newSigner.email]);
      expect(h.emulator.control.customer(CUSTOMERS.none).coverage).toBe('attested');
    });

    it('is set over HTTP, refused beyond four hours, and put back by reset', async () => {
      const patch = (body: unknown) =>
        fetch(`${h.url}/_control/settings`, { method: 'PATCH', body: JSON.stringify(body) });
      const set = await patch({ agreementVisibilityDelayMs: 2 * HOUR });
      expect(set.status).toBe(200);
      expect(await jsonOf(set)).toEqual({ agreementVisibilityDelayMs: 2 * HOUR });
      expect((await patch({ agreementVisibilityDelayMs: 4 * HOUR + 1 })).status).toBe(400);
      expect((await patch({ agreementVisibilityDelayMs: -1 })).status).toBe(400);
      expect((await patch({ unknownSetting: 1 })).status).toBe(400);
      expect(await jsonOf(await fetch(`${h.url}/_control/settings`))).toEqual({
        agreementVisibilityDelayMs: 2 * HOUR,
      });
      await fetch(`${h.url}/_control/reset`, { method: 'POST' });
      expect(h.emulator.control.settings()).toEqual({ agreementVisibilityDelayMs: 5 * MINUTE });
    });

    it('refuses a start-up delay beyond four hours', async () => {
      await expect(startHarness({ agreementVisibilityDelayMs: 5 * HOUR })).rejects.toThrow();
    });
  });

  describe('audit records', () => {
    it('carry an id and a PascalCase resourceNewValue, as Microsoft writes them', async () => {
      const added = h.emulator.control.addCustomer({
        companyName: 'Pascal Case Ltd',
        domain: 'pascal.example.com',
      });
      const day = new Date(h.clock.now()).toISOString().slice(0, 10);
      const res = await call(h.url, h.appToken, 'GET', `/v1/auditrecords?startDate=${day}`);
      const { items } = await jsonOf<{ items: Array<{ id: string; resourceNewValue: string }> }>(res);
      expect(items).toHaveLength(1);
      const [record] = items;
      expect(record?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(record?.resourceNewValue ?? '')).toEqual(
        expect.objectContaining({
          Id: added.tenantId,
          CompanyProfile: {
            TenantId: added.tenantId,
            Domain: 'pascal.example.com',
            CompanyName: 'Pascal Case Ltd',
          },
        }),
      );
      // The same record, read again, has the same id (what a reader de-duplicates by).
      const again = await jsonOf<{ items: Array<{ id: string }> }>(
        await call(h.url, h.appToken, 'GET', `/v1/auditrecords?startDate=${day}`),
      );
      expect(again.items.map((r) => r.id)).toEqual([record?.id]);
    });
  });

  describe('600061: another agreement only when first name, last name, e-mail and phone all differ', () => {
    const existing: Contact = {
      firstName: 'Kim',
      lastName: 'Existing',
      email: 'kim.existing@rule.example.com',
      phoneNumber: '+1 425 555 0100',
    };
    const allNew: Contact = {
      firstName: 'Lee',
      lastName: 'Newcomer',
      email: 'lee.newcomer@rule.example.com',
      phoneNumber: '+1 425 555 0199',
    };

    it.each<[string, Contact, number]>([
      ['every field different', allNew, 201],
      ['every field different, no phone given', { ...allNew, phoneNumber: undefined }, 201],
      ['the same signatory again', existing, 400],
      ['only the e-mail differs', { ...existing, email: allNew.email }, 400],
      ['the same first name', { ...allNew, firstName: 'kim' }, 400],
      ['the same last name', { ...allNew, lastName: 'EXISTING' }, 400],
      ['the same e-mail', { ...allNew, email: 'Kim.Existing@RULE.example.com' }, 400],
      ['the same phone number, written differently', { ...allNew, phoneNumber: '+1 (425) 555-0100' }, 400],
    ])('%s', async (_name, contact, status) => {
      const customer = h.emulator.control.addCustomer({
        companyName: 'Rule Example Inc',
        agreements: [{ dateAgreed: '2021-03-10', primaryContact: existing }],
      });
      const res = await createAgreement(customer.tenantId, contact);
      expect(res.status).toBe(status);
      if (status === 400) {
        expect(await jsonOf(res)).toEqual({
          code: 600061,
          message: 'A partner confirmed agreement already exists for the customer.',
          description: 'A partner confirmed agreement already exists for the customer.',
          errorName: 'PartnerConfirmedAgreementAlreadyExists',
          isRetryable: false,
          parameters: {},
          errorMessageExtended: 'InternalErrorCode=600061',
        });
      }
      expect(h.emulator.control.customer(customer.tenantId).agreementCount).toBe(status === 201 ? 2 : 1);
    });

    it('ignores the contact of an older Microsoft Cloud Agreement', async () => {
      const [cloud] = await agreements(CUSTOMERS.none, `?agreementType=${CLOUD}`);
      expect(cloud).toBeDefined();
      const res = await createAgreement(CUSTOMERS.none, cloud?.primaryContact ?? allNew);
      expect(res.status).toBe(201);
    });

    it('compares with an agreement not yet visible, too', async () => {
      h.emulator.control.configure({ agreementVisibilityDelayMs: 4 * HOUR });
      expect((await createAgreement(CUSTOMERS.indirect, allNew)).status).toBe(201);
      expect(
        (await createAgreement(CUSTOMERS.indirect, { ...allNew, email: 'other@rule.example.com' })).status,
      ).toBe(400);
    });
  });
});
