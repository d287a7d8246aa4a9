import {
  CUSTOMERS,
  MCA_TEMPLATE_ID,
  call,
  directSignedStatusPath,
  emulatorPerTest,
  jsonOf,
} from './partner-center.helpers';

const HOUR = 60 * 60 * 1000;
const VISIBILITY_DELAY = 2 * HOUR;
const LINK_TTL = 24 * HOUR;
const MCA_QUERY = '?agreementType=MicrosoftCustomerAgreement';

/**
 * The re-attesting signatory: not the seeded 2021 one (Kei Example), since Partner Center refuses a
 * new agreement that shares a contact field with an existing one (600061).
 */
const SIGNATORY = { firstName: 'Aiko', lastName: 'Tanaka', email: 'aiko.tanaka@northwind.example.com' };

const attestationRequest = (customerTenantId: string): Record<string, string> => ({
  customerTenantId,
  country: 'JP',
  language: 'ja-JP',
  companyName: 'Northwind Example KK',
  signatoryFirstName: SIGNATORY.firstName,
  signatoryLastName: SIGNATORY.lastName,
  signatoryEmail: SIGNATORY.email,
});

const agreementRequest = (
  attestationId: string,
  dateAgreed = '2026-01-15T00:00:00',
): Record<string, unknown> => ({
  attestationId,
  templateId: MCA_TEMPLATE_ID,
  type: 'MicrosoftCustomerAgreement',
  dateAgreed,
  primaryContact: SIGNATORY,
});

interface Attestation {
  id: string;
  status: string;
  acceptanceLink?: string;
}

describe('Partner Center emulator: enhanced attestation, agreements, orders', () => {
  const h = emulatorPerTest(
    { agreementVisibilityDelayMs: VISIBILITY_DELAY, linkTtlMs: LINK_TTL },
    { user: true },
  );

  async function createAttestation(customerTenantId: string): Promise<Attestation> {
    const res = await call(
      h.url,
      h.appToken,
      'POST',
      '/v1/attestations/enhanced',
      attestationRequest(customerTenantId),
    );
    expect(res.status).toBe(201);
    return jsonOf<Attestation>(res);
  }

  /** The link as the partner builds it from the local template (the responses carry none). */
  const linkOf = (attestation: Attestation): string =>
    `${h.url}/acceptance/${attestation.id}?country=JP&language=ja-JP`;

  async function attestationStatus(id: string): Promise<string> {
    const res = await call(h.url, h.appToken, 'GET', `/v1/attestations/enhanced/${id}`);
    return (await jsonOf<Attestation>(res)).status;
  }

  /** Creates a customer's agreement with `token`; `body` is usually an agreementRequest. */
  const postAgreement = (token: string, customerId: string, body: unknown): Promise<Response> =>
    call(h.url, token, 'POST', `/v1/customers/${customerId}/agreements`, body);

  async function mcaAgreements(customerId: string): Promise<Array<{ dateAgreed: string }>> {
    const res = await call(h.url, h.userToken, 'GET', `/v1/customers/${customerId}/agreements${MCA_QUERY}`);
    expect(res.status).toBe(200);
    return (await jsonOf<{ items: Array<{ dateAgreed: string }> }>(res)).items;
  }

  it('runs attestation end to end: page, Accept, agreement 201, duplicate 600061, visible after the delay', async () => {
    const stale = CUSTOMERS.stale;
    const attestation = await createAttestation(stale);
    expect(attestation.status).toBe('required');
    expect(attestation.acceptanceLink).toBeUndefined();

    // Not accepted yet: the agreement cannot be created.
    const early = await postAgreement(h.userToken, stale, agreementRequest(attestation.id));
    expect(early.status).toBe(400);

    const pageHtml = await (await fetch(linkOf(attestation))).text();
    expect(pageHtml).toContain('Northwind Example KK');
    expect(pageHtml).toContain('https://aka.ms/customeragreement');
    expect(pageHtml).toMatch(/<form method="post" action="\/acceptance\/[^"]+">/);
    expect(pageHtml).toContain('>Accept</button>');
    expect(await attestationStatus(attestation.id)).toBe('pending');

    const accepted = await fetch(linkOf(attestation), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '',
    });
    expect(accepted.status).toBe(200); // after the 303 back to the page
    expect(await accepted.text()).toContain('Accepted.');
    expect(await attestationStatus(attestation.id)).toBe('accepted');

    const before = await mcaAgreements(stale);
    // Created with the app-only token (the attestation-id flow); the duplicate below uses App+User.
    const created = await postAgreement(h.appToken, stale, agreementRequest(attestation.id));
    expect(created.status).toBe(201);
    expect(await jsonOf(created)).toEqual(
      expect.objectContaining({ templateId: MCA_TEMPLATE_ID, dateAgreed: '2026-01-15T00:00:00' }),
    );

    const duplicate = await postAgreement(h.userToken, stale, agreementRequest(attestation.id));
    expect(duplicate.status).toBe(400);
    expect(await jsonOf(duplicate)).toEqual(expect.objectContaining({ code: 600061 }));

    expect(await mcaAgreements(stale)).toEqual(before);
    await h.clock.advance(VISIBILITY_DELAY - 1000);
    expect(await mcaAgreements(stale)).toHaveLength(before.length);
    await h.clock.advance(1000);
    expect((await mcaAgreements(stale)).map((a) => a.dateAgreed)).toContain('2026-01-15T00:00:00');

    // Re-attested: the purchase block is lifted.
    const order = { lineItems: [{ offerId: 'CFQ7TTC0LH18:0001', quantity: 1 }] };
    expect((await call(h.url, h.appToken, 'POST', `/v1/customers/${stale}/orders`, order)).status).toBe(201);
  });

  it('names the missing or bad field in a 400', async () => {
    const { signatoryEmail: _dropped, ...withoutEmail } = attestationRequest(CUSTOMERS.none);
    const missing = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', withoutEmail);
    expect(missing.status).toBe(400);
    expect(await jsonOf(missing)).toEqual(
      expect.objectContaining({ code: 600002, parameters: { field: 'signatoryEmail' } }),
    );
    const badCountry = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', {
      ...attestationRequest(CUSTOMERS.none),
      country: 'Japan',
    });
    expect(await jsonOf(badCountry)).toEqual(expect.objectContaining({ parameters: { field: 'country' } }));
    const malformed = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', '{"country": "JP",');
    expect(malformed.status).toBe(400);
    const malformedAgreement = await postAgreement(h.userToken, CUSTOMERS.none, 'not json');
    expect(malformedAgreement.status).toBe(400);
  });

  it('refuses a future dateAgreed with 600002', async () => {
    const attestation = await createAttestation(CUSTOMERS.none);
    const accept = await fetch(`${h.url}/_control/attestations/${attestation.id}/accept`, { method: 'POST' });
    expect(await jsonOf(accept)).toEqual({ state: 'accepted' });
    const future = await postAgreement(
      h.userToken,
      CUSTOMERS.none,
      agreementRequest(attestation.id, '2026-02-01T00:00:00'),
    );
    expect(future.status).toBe(400);
    expect(await jsonOf(future)).toEqual(
      expect.objectContaining({ code: 600002, parameters: { field: 'dateAgreed' } }),
    );
  });

  it('carries the acceptance link in its responses only when the control API switches it on', async () => {
    h.emulator.control.setAttestationLinkInResponse(true);
    const withLink = await createAttestation(CUSTOMERS.none);
    expect(withLink.acceptanceLink).toBe(`${h.url}/acceptance/${withLink.id}`);
    h.emulator.control.setAttestationLinkInResponse(false);
    expect((await createAttestation(CUSTOMERS.none)).acceptanceLink).toBeUndefined();
  });

  it('expires links after linkTtlMs and through the control API', async () => {
    const first = await createAttestation(CUSTOMERS.none);
    await h.clock.advance(LINK_TTL);
    expect(await (await fetch(linkOf(first))).text()).toContain('This link has expired.');
    expect(await attestationStatus(first.id)).toBe('expired');
    await fetch(linkOf(first), { method: 'POST' });
    expect(await attestationStatus(first.id)).toBe('expired');

    const second = await createAttestation(CUSTOMERS.none);
    expect(h.emulator.control.expireLinks(second.id)).toBe(1);
    expect(h.emulator.control.acceptAttestation(second.id)).toBe('expired');

    // The same over the HTTP control API.
    const third = await createAttestation(CUSTOMERS.none);
    const expire = await fetch(`${h.url}/_control/attestations/expire`, {
      method: 'POST',
      body: JSON.stringify({ attestationId: third.id }),
    });
    expect(await jsonOf(expire)).toEqual({ expired: 1 });
    const accept = await fetch(`${h.url}/_control/attestations/${third.id}/accept`, { method: 'POST' });
    expect(await jsonOf(accept)).toEqual({ state: 'expired' });
    const listed = await jsonOf<Array<{ id: string; state: string }>>(
      await fetch(`${h.url}/_control/attestations`),
    );
    expect(listed.map((a) => a.state)).toEqual(['expired', 'expired', 'expired']);
  });

  it('replays the first response for a repeated MS-RequestId', async () => {
    const requestId = crypto.randomUUID();
    const headers = { 'MS-RequestId': requestId };
    const body = attestationRequest(CUSTOMERS.none);
    const first = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', body, headers);
    const again = await call(h.url, h.appToken, 'POST', '/v1/attestations/enhanced', body, headers);
    expect(first.headers.get('ms-requestid')).toBe(requestId);
    expect(again.status).toBe(first.status);
    expect((await jsonOf<Attestation>(again)).id).toBe((await jsonOf<Attestation>(first)).id);
    expect(h.emulator.control.attestations()).toHaveLength(1);
    expect(h.emulator.control.requestLog().at(-1)).toEqual(
      expect.objectContaining({ requestId, note: 'replay' }),
    );
  });

  it('blocks orders for the stale customer with 403 / 900428 (no MCA: 13605) until it re-attests', async () => {
    const order = { lineItems: [{ offerId: 'CFQ7TTC0LH18:0001', quantity: 1 }] };
    const blocked = await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.stale}/orders`, order);
    expect(blocked.status).toBe(403);
    const error = await jsonOf<{ code: number; description: string }>(blocked);
    expect(error.code).toBe(900428);
    expect(error.description).toMatch(/^Either a partner re-attestation of the customer acceptance/);

    expect(
      (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.attested}/orders`, order)).status,
    ).toBe(201);
    expect(
      (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.direct}/orders`, order)).status,
    ).toBe(201);
    const none = await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.none}/orders`, order);
    expect(none.status).toBe(403);
    expect((await jsonOf<{ code: number }>(none)).code).toBe(13605);
    expect(
      (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.none}/orders`, { lineItems: [] }))
        .status,
    ).toBe(400);

    // The customer accepts in the admin center: purchases are allowed again.
    const admin = await fetch(`${h.url}/admin-center/${CUSTOMERS.stale}`);
    expect(await admin.text()).toContain('Accept agreement');
    await fetch(`${h.url}/admin-center/${CUSTOMERS.stale}`, { method: 'POST' });
    const status = await call(h.url, h.userToken, 'GET', directSignedStatusPath(CUSTOMERS.stale));
    expect(await jsonOf(status)).toEqual({ isSigned: true });
    expect(
      (await call(h.url, h.appToken, 'POST', `/v1/customers/${CUSTOMERS.stale}/orders`, order)).status,
    ).toBe(201);
  });

  it('sets direct acceptance through the control API, in-process and over HTTP', async () => {
    h.emulator.control.acceptDirectly(CUSTOMERS.none);
    expect(h.emulator.control.customer(CUSTOMERS.none)).toEqual(
      expect.objectContaining({ directSigned: true, coverage: 'direct' }),
    );
    expect(() => h.emulator.control.acceptDirectly(crypto.randomUUID())).toThrow(/not found/);

    const overHttp = await fetch(`${h.url}/_control/customers/${CUSTOMERS.indirect}/accept-direct`, {
      method: 'POST',
    });
    expect(overHttp.status).toBe(200);
    const status = await call(h.url, h.userToken, 'GET', directSignedStatusPath(CUSTOMERS.indirect));
    expect(await jsonOf(status)).toEqual({ isSigned: true });
    const unknown = await fetch(`${h.url}/_control/customers/${crypto.randomUUID()}/accept-direct`, {
      method: 'POST',
    });
    expect(unknown.status).toBe(404);
  });
});
