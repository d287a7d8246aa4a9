import { readMcaStatus, type McaStatusReader } from '../../../shared/partnerCenter';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const AT = new Date('2026-03-02T09:00:00Z');
const contact = { firstName: 'A', lastName: 'B', email: 'a@b.example' };

function reader(isSigned: boolean, dates: string[]) {
  const calls: string[] = [];
  const client: McaStatusReader = {
    getDirectSignedStatus: () => {
      calls.push('direct');
      return Promise.resolve({ isSigned });
    },
    listCustomerAgreements: () => {
      calls.push('agreements');
      return Promise.resolve(
        dates.map((dateAgreed) => ({
          dateAgreed,
          primaryContact: contact,
          templateId: 't',
          type: 'MicrosoftCustomerAgreement',
        })),
      );
    },
  };
  return { client, calls };
}

describe('readMcaStatus', () => {
  it('takes direct acceptance without reading the attestations', async () => {
    const { client, calls } = reader(true, ['2021-01-01T00:00:00']);
    expect(await readMcaStatus(client, TENANT, AT)).toEqual({ kind: 'accepted', method: 'direct' });
    expect(calls).toEqual(['direct']);
  });

  it.each([
    [['2023-04-01T00:00:00', '2021-03-10T00:00:00'], 'accepted'],
    [['2021-03-10T00:00:00'], 'reattestationRequired'],
    [[], 'none'],
  ])('attestations %j: %s', async (dates, kind) => {
    const { client, calls } = reader(false, dates);
    expect((await readMcaStatus(client, TENANT, AT)).kind).toBe(kind);
    expect(calls).toEqual(['direct', 'agreements']);
  });
});
