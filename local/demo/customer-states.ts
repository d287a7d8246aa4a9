/**
 * Reads every customer's state from the app's own API, `GET /api/customers` (paged with
 * `continuationToken`), as an operator's tool would. Only `tenantId` and `state` are used.
 */
import { z } from 'zod';

const customerSchema = z.looseObject({ tenantId: z.string(), state: z.string() });
const pageSchema = z.union([
  z.array(customerSchema).transform((items) => ({ items, continuationToken: undefined })),
  z.looseObject({ items: z.array(customerSchema), continuationToken: z.string().nullish() }),
]);

export type StatesReading =
  | { kind: 'states'; states: Map<string, string> }
  /** The API is not answering (yet) or answered something unexpected; `why` is one line. */
  | { kind: 'unavailable'; why: string };

const MAX_PAGES = 20;

export async function readCustomerStates(hostUrl: string): Promise<StatesReading> {
  const states = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL('/api/customers', hostUrl);
    if (token) url.searchParams.set('continuationToken', token);
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      return { kind: 'unavailable', why: `GET /api/customers failed: ${(error as Error).message}` };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return { kind: 'unavailable', why: `GET /api/customers answered ${response.status}` };
    }
    const parsed = pageSchema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      return { kind: 'unavailable', why: 'GET /api/customers answered an unexpected shape' };
    }
    for (const customer of parsed.data.items) states.set(customer.tenantId, customer.state);
    token = parsed.data.continuationToken ?? undefined;
    if (!token) break;
  }
  return { kind: 'states', states };
}
