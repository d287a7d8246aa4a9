/**
 * Reads customers' states from the app's own API as an operator's tool would: the list
 * `GET /api/customers` (paged with `continuationToken`), or, where the list is missing, each tenant's
 * `GET /api/customers/{tenantId}/mca`. Only `tenantId` and `state` are used.
 */
import { z } from 'zod';

const customerSchema = z.looseObject({ tenantId: z.string(), state: z.string() });
const pageSchema = z.union([
  z.array(customerSchema).transform((items) => ({ items, continuationToken: undefined })),
  z.looseObject({
    items: z.array(customerSchema),
    continuationToken: z.string().nullish(),
  }),
]);

export type StatesReading =
  | { kind: 'states'; states: Map<string, string> }
  /** The API is not there (yet) or answered something unexpected; `why` is one line. */
  | { kind: 'unavailable'; why: string };

const MAX_PAGES = 20;

export async function readCustomerStates(
  hostUrl: string,
  tenantIds: readonly string[],
): Promise<StatesReading> {
  const list = await readList(hostUrl);
  if (list.kind === 'states' || !list.notFound) return list;
  return readEach(hostUrl, tenantIds);
}

async function readList(hostUrl: string): Promise<StatesReading & { notFound?: boolean }> {
  const states = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL('/api/customers', hostUrl);
    if (token) url.searchParams.set('continuationToken', token);
    const answer = await getJson(url);
    if (answer.kind !== 'ok') return { ...answer, notFound: answer.status === 404 };
    const parsed = pageSchema.safeParse(answer.body);
    if (!parsed.success) {
      return { kind: 'unavailable', why: 'GET /api/customers answered an unexpected shape' };
    }
    for (const customer of parsed.data.items) states.set(customer.tenantId, customer.state);
    token = parsed.data.continuationToken ?? undefined;
    if (!token) break;
  }
  return { kind: 'states', states };
}

/** One request per tenant; a tenant the app does not know yet (404) is simply not in the result. */
async function readEach(hostUrl: string, tenantIds: readonly string[]): Promise<StatesReading> {
  const states = new Map<string, string>();
  for (const tenantId of tenantIds) {
    const answer = await getJson(new URL(`/api/customers/${encodeURIComponent(tenantId)}/mca`, hostUrl));
    if (answer.kind === 'unavailable' && answer.status === 404) continue;
    if (answer.kind === 'unavailable') return answer;
    const parsed = customerSchema.safeParse(answer.body);
    if (!parsed.success) {
      return { kind: 'unavailable', why: 'GET /api/customers/{tenantId}/mca answered an unexpected shape' };
    }
    states.set(tenantId, parsed.data.state);
  }
  return { kind: 'states', states };
}

type JsonAnswer = { kind: 'ok'; body: unknown } | { kind: 'unavailable'; why: string; status?: number };

async function getJson(url: URL): Promise<JsonAnswer> {
  const what = `GET ${url.pathname}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    return { kind: 'unavailable', why: `${what} failed: ${(error as Error).message}` };
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { kind: 'unavailable', why: `${what} answered ${response.status}`, status: response.status };
  }
  const body: unknown = await response.json().catch(() => undefined);
  return { kind: 'ok', body };
}
