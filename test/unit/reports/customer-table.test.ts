import { customerSummary, customerTablePage, type CustomerTableQuery } from '../../../shared/reports';
import { customer } from './fixtures';

const tenant = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const book = [
  customer({ tenantId: tenant(1), companyName: 'Contoso KK', country: 'JP', state: 'Accepted' }),
  customer({ tenantId: tenant(2), companyName: 'adatum', country: 'GB', state: 'Failed' }),
  customer({ tenantId: tenant(3), companyName: 'Fabrikam', country: 'US', state: 'InviteSent' }),
  customer({ tenantId: tenant(4), companyName: 'Contoso Ltd', country: 'GB', state: 'Expired' }),
  customer({ tenantId: tenant(5), companyName: 'Fabrikam', country: 'DE', state: 'Accepted' }),
].map(customerSummary);

const query = (overrides: Partial<CustomerTableQuery> = {}): CustomerTableQuery => ({
  sort: 'companyName',
  order: 'asc',
  page: 1,
  pageSize: 50,
  ...overrides,
});
const names = (q: Partial<CustomerTableQuery>) =>
  customerTablePage(book, query(q)).items.map((c) => `${c.companyName}/${c.tenantId.slice(-1)}`);

describe('customerTablePage', () => {
  it.each([
    ['company, any case', { search: 'CONTOSO' }, ['Contoso KK/1', 'Contoso Ltd/4']],
    ['part of a tenant id', { search: '000000000003' }, ['Fabrikam/3']],
    [
      'blank search: everyone',
      { search: '  ' },
      ['adatum/2', 'Contoso KK/1', 'Contoso Ltd/4', 'Fabrikam/3', 'Fabrikam/5'],
    ],
    ['nothing matches', { search: 'northwind' }, []],
  ])('searches by %s', (_case, q, expected) => {
    expect(names(q)).toEqual(expected);
  });

  it.each([
    [
      'company ascending, case-insensitive, ties by tenant',
      { sort: 'companyName', order: 'asc' },
      ['adatum/2', 'Contoso KK/1', 'Contoso Ltd/4', 'Fabrikam/3', 'Fabrikam/5'],
    ],
    [
      'company descending, ties still by tenant',
      { sort: 'companyName', order: 'desc' },
      ['Fabrikam/3', 'Fabrikam/5', 'Contoso Ltd/4', 'Contoso KK/1', 'adatum/2'],
    ],
    [
      'country',
      { sort: 'country', order: 'asc' },
      ['Fabrikam/5', 'adatum/2', 'Contoso Ltd/4', 'Contoso KK/1', 'Fabrikam/3'],
    ],
    [
      'state',
      { sort: 'state', order: 'asc' },
      ['Contoso KK/1', 'Fabrikam/5', 'Contoso Ltd/4', 'adatum/2', 'Fabrikam/3'],
    ],
  ] as const)('sorts by %s', (_case, q, expected) => {
    expect(names(q)).toEqual(expected);
  });

  it('pages: the slice, the total of matches and the page count; past the end no items', () => {
    expect(customerTablePage(book, query({ pageSize: 2, page: 2 }))).toMatchObject({
      total: 5,
      page: 2,
      pageSize: 2,
      pages: 3,
    });
    expect(names({ pageSize: 2, page: 3 })).toEqual(['Fabrikam/5']);
    expect(customerTablePage(book, query({ pageSize: 2, page: 9 }))).toMatchObject({ items: [], pages: 3 });
    expect(customerTablePage([], query())).toMatchObject({ items: [], total: 0, pages: 1 });
  });

  it('leaves the input in its order', () => {
    const before = book.map((c) => c.tenantId);
    customerTablePage(book, query({ order: 'desc' }));
    expect(book.map((c) => c.tenantId)).toEqual(before);
  });
});
