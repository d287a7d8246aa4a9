import { compileRoute } from '../../../local/host/route-template';

describe('HTTP route templates', () => {
  it.each([
    ['api', 'customers/{tenantId}/mca', '/api/customers/abc/mca', { tenantId: 'abc' }],
    ['api', 'customers/{tenantId}/mca', '/API/Customers/abc/MCA', { tenantId: 'abc' }],
    ['api', 'customers/{tenantId}/mca', '/api/customers/abc/mca/', { tenantId: 'abc' }],
    ['api', 'items/{id:int}', '/api/items/-12', { id: '-12' }],
    [
      'api',
      'items/{id:guid}',
      '/api/items/6f1c8a52-1d2b-4c3e-9f00-0a1b2c3d4e5f',
      { id: '6f1c8a52-1d2b-4c3e-9f00-0a1b2c3d4e5f' },
    ],
    ['api', 'files/{*path}', '/api/files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['api', 'files/{*path}', '/api/files', {}],
    ['api', 'reports/{name}.csv', '/api/reports/mca.csv', { name: 'mca' }],
    ['api', 'echo/{id}/{name?}', '/api/echo/1', { id: '1' }],
    ['api', 'echo/{id}/{name?}', '/api/echo/1/a%20b', { id: '1', name: 'a b' }],
    ['', 'root/{x}', '/root/1', { x: '1' }],
    ['/api/', '/hello/', '/api/hello', {}],
  ])('%s + %s matches %s', (prefix, route, path, params) => {
    expect(compileRoute(prefix, route).match(path)).toEqual(params);
  });

  it.each([
    ['api', 'customers/{tenantId}/mca', '/api/customers/mca'],
    ['api', 'customers/{tenantId}/mca', '/api/customers/a/b/mca'],
    ['api', 'items/{id:int}', '/api/items/x1'],
    ['api', 'items/{id:guid}', '/api/items/not-a-guid'],
    ['api', 'hello', '/hello'],
    ['api', 'hello', '/api/hello/extra'],
  ])('%s + %s does not match %s', (prefix, route, path) => {
    expect(compileRoute(prefix, route).match(path)).toBeUndefined();
  });

  it('counts literal segments so specific routes can win over parameters', () => {
    expect(compileRoute('api', 'customers/{id}/mca/recheck').literalSegments).toBe(4);
    expect(compileRoute('api', 'customers/{id}/{action}').literalSegments).toBe(2);
    expect(compileRoute('api', 'customers/{id}/mca/recheck').template).toBe('api/customers/{id}/mca/recheck');
  });
});
