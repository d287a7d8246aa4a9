import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HttpRequest } from '@azure/functions';
import { OPENAPI_VERSION, openApiDocument, openApiHttp } from '../../../functions/api/openapi';
import { CUSTOMER_STATE_NAMES } from '../../../shared/store';
import { recordingContext } from './fakes';

const FUNCTIONS_DIR = join(__dirname, '../../../functions');
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * `METHOD /route` of every HTTP function registered in functions/: `app.get|post|...(name, { route })`
 * and `df.app.client.http(name, { route, methods })`.
 */
function registeredHttpRoutes(): string[] {
  const routes: string[] = [];
  const call = /\b(?:app|client)\.(get|post|put|patch|delete|http)\(/g;
  for (const file of sourceFiles(FUNCTIONS_DIR)) {
    const text = readFileSync(file, 'utf8');
    const starts = [...text.matchAll(call)];
    starts.forEach((match, i) => {
      const options = text.slice(match.index, starts[i + 1]?.index ?? text.length);
      const route = /\broute: '([^']+)'/.exec(options)?.[1];
      if (route === undefined) return;
      const kind = match[1];
      const methods =
        kind === 'http'
          ? [...(/\bmethods: \[([^\]]*)\]/.exec(options)?.[1] ?? "'GET'").matchAll(/'(\w+)'/g)].map(
              (m) => m[1],
            )
          : [kind];
      for (const method of methods) routes.push(`${method.toUpperCase()} /${route}`);
    });
  }
  return routes.sort();
}

type Document = ReturnType<typeof openApiDocument>;

function documentedRoutes(document: Document): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' ? [inner] : refsIn(inner),
  );
}

describe('openApiDocument', () => {
  const document = openApiDocument();

  it('documents every HTTP route the app registers, and no other', () => {
    const registered = registeredHttpRoutes();

    expect(registered).toEqual(
      expect.arrayContaining(['GET /reports/summary', 'GET /sweeps/latest', 'POST /webhooks/partner-center']),
    );
    expect(documentedRoutes(document)).toEqual(registered);
  });

  it('is structurally OpenAPI 3.1: version, info, paths of operations with responses, components', () => {
    expect(document.openapi).toBe(OPENAPI_VERSION);
    expect(OPENAPI_VERSION).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).not.toBe('');
    expect(document.info.version).not.toBe('');
    expect(document.components.schemas).toBeDefined();
    const operationIds: string[] = [];
    for (const [path, item] of Object.entries(document.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, operation] of Object.entries(item) as [string, Record<string, unknown>][]) {
        expect(HTTP_METHODS).toContain(method);
        operationIds.push(operation.operationId as string);
        expect(Object.keys(operation.responses as object).length).toBeGreaterThan(0);
        // Every path template parameter is declared, as OpenAPI requires.
        const declared = ((operation.parameters ?? []) as { name: string; in: string; required?: boolean }[])
          .filter((p) => p.in === 'path' && p.required === true)
          .map((p) => p.name);
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(declared).toEqual(templated);
      }
    }
    expect(new Set(operationIds).size).toBe(operationIds.length);
  });

  it('resolves every $ref to a component schema', () => {
    const names = refsIn(document.paths).map((ref) => ref.replace('#/components/schemas/', ''));

    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(document.components.schemas).toHaveProperty([name]);
  });

  it("takes request bodies and query parameters from the handlers' zod schemas", () => {
    const { schemas } = document.components;

    expect(schemas.StartBody).toMatchObject({ type: 'object' });
    expect(schemas.StartBody?.required).toEqual([
      'tenantId',
      'companyName',
      'country',
      'language',
      'signatory',
    ]);
    expect(schemas.ConfirmationBody).toMatchObject({ required: ['method', 'acceptedAt', 'confirmedBy'] });
    const states = (schemas.StateSummary?.properties as Record<string, { required: string[] }>).states;
    expect(states?.required).toEqual([...CUSTOMER_STATE_NAMES]);
    const list = document.paths['/customers']?.get as { parameters: { name: string; in: string }[] };
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'query:state',
      'query:purchaseBlocked',
      'query:pageSize',
      'query:continuationToken',
    ]);
  });

  it('leaves the Partner Center webhook without the function key (its signature authenticates it)', () => {
    expect(document.paths['/webhooks/partner-center']?.post).toMatchObject({ security: [] });
    // Either a function key (API_AUTH=open) or an Entra ID token with an app role (appService).
    expect(document.security).toEqual([{ functionKey: [] }, { entraId: [] }]);
  });
});

describe('GET openapi.json', () => {
  it('answers the document as JSON', async () => {
    const response = await openApiHttp(
      new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/openapi.json' }),
      recordingContext().context,
    );

    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual(openApiDocument());
  });
});
