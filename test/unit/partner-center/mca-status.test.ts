import type { IgnoredAgreement } from '../../../shared/mca';
import { readMcaStatus, type McaStatusReader } from '../../../shared/partnerCenter';

const TENANT = 'c0000000-0000-4000-8000-000000000004';
const AT = new Date('2026-03-02T09:00:00Z');
const contact = { firstName: 'A', lastName: 'B', email: 'a@b.example' };
const MCA = 'MicrosoftCustomerAgreement';

type Item = { dateAgreed?: string; type?: string };

function reader(isSigned: boolean, items: Item[]) {
  const calls: string[] = [];
  const client: McaStatusReader = {
    getDirectSignedStatus: () => {
      calls.push('direct');
      return Promise.resolve({ isSigned });
    },
    listCustomerAgreements: () => {
      calls.push('agreements');
      return Promise.resolve(items.map((item) => ({ primaryContact: contact, templateId: 't', ...item })));
    },
  };
  return { client, calls };
}

const mca = (...dates: string[]): Item[] => dates.map((dateAgreed) => ({ dateAgreed, type: MCA }));

describe('readMcaStatus', () => {
  it('takes direct acceptance without reading the attestations', async () => {
    const { client, calls } = reader(true, mca('2021-01-01T00:00:00'));
    expect(await readMcaStatus(client, TENANT, AT)).toEqual({ kind: 'accepted', method: 'direct' });
    expect(calls).toEqual(['direct']);
  });

  it.each<[string, Item[], string]>([
    ['a current and a stale MCA', mca('2023-04-01T00:00:00', '2021-03-10T00:00:00'), 'accepted'],
    ['only a stale MCA', mca('2021-03-10T00:00:00'), 'reattestationRequired'],
    ['nothing', [], 'none'],
    [
      'only a Microsoft Cloud Agreement (agreementType ignored by the server)',
      [{ dateAgreed: '2024-01-01T00:00:00', type: 'MicrosoftCloudAgreement' }],
      'none',
    ],
    ['an unreadable date beside a valid one', [...mca('2024-01-01T00:00:00'), { type: MCA }], 'accepted'],
  ])('%s: %s', async (_name, items, kind) => {
    const { client, calls } = reader(false, items);
    expect((await readMcaStatus(client, TENANT, AT)).kind).toBe(kind);
    expect(calls).toEqual(['direct', 'agreements']);
  });

  it('tells onIgnored which items did not count, and only when some did not', async () => {
    const notes: (readonly IgnoredAgreement[])[] = [];
    const onIgnored = (ignored: readonly IgnoredAgreement[]) => notes.push(ignored);
    const odd = reader(false, [
      ...mca('2021-03-10T00:00:00', 'yesterday'),
      { dateAgreed: '2024-01-01T00:00:00', type: 'MicrosoftCloudAgreement' },
    ]);
    expect(await readMcaStatus(odd.client, TENANT, AT, { onIgnored })).toEqual({
      kind: 'reattestationRequired',
      attestedAt: '2021-03-10T00:00:00.000Z',
      purchaseBlocked: true,
    });
    expect(notes).toEqual([
      [
        { reason: 'unreadableDate', dateAgreed: 'yesterday' },
        { reason: 'otherType', type: 'MicrosoftCloudAgreement' },
      ],
    ]);
    await readMcaStatus(reader(false, mca('2024-01-01T00:00:00')).client, TENANT, AT, { onIgnored });
    expect(notes).toHaveLength(1);
  });
});
