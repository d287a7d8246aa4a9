import { HttpRequest, type HttpResponseInit } from '@azure/functions';
import type * as df from 'durable-functions';
import { createLatestSweepHttp, createStateSummaryHttp } from '../../../functions/api/operations-read.http';
import { recentSweepInstanceIds } from '../../../functions/compliance-sweep.function';
import type { CustomerState } from '../../../shared/store';
import { customer, iterate } from '../reports/fixtures';
import { recordingContext } from './fakes';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const get = (path: string) => new HttpRequest({ method: 'GET', url: `http://localhost:7071/api/${path}` });

describe('GET reports/summary', () => {
  const summaryOf = (customers: CustomerState[]) =>
    createStateSummaryHttp({
      store: { customerState: { listAll: () => iterate(customers) } as never },
      now: () => NOW,
    })(get('reports/summary'), recordingContext().context);

  it('answers the counts of every customer, overdue with the reminder safety net grace (30 min)', async () => {
    const response = await summaryOf([
      customer({ state: 'Accepted', nextReminderAt: null }),
      customer({ state: 'InviteSent', nextReminderAt: '2026-03-10T11:29:00.000Z', purchaseBlocked: true }),
      customer({ state: 'AttestationPending', nextReminderAt: '2026-03-10T11:31:00.000Z' }),
    ]);

    expect(response.status).toBe(200);
    expect(response.jsonBody).toMatchObject({
      states: { Accepted: 1, InviteSent: 1, AttestationPending: 1, Failed: 0, AwaitingContact: 0 },
      total: 3,
      covered: 1,
      coveredRatio: 1 / 3,
      purchaseBlocked: 1,
      overdue: 1,
    });
  });

  it('answers a 500 naming the invocation when the store fails', async () => {
    const response = await createStateSummaryHttp({
      store: {
        customerState: {
          listAll: () => ({
            [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('table down')) }),
          }),
        } as never,
      },
      now: () => NOW,
    })(get('reports/summary'), recordingContext().context);

    expect(response.status).toBe(500);
  });
});

describe('recentSweepInstanceIds', () => {
  it('names today first, then each earlier day', () => {
    expect(recentSweepInstanceIds(new Date('2026-03-01T01:00:00.000Z'), 3)).toEqual([
      'mca-sweep-2026-03-01',
      'mca-sweep-2026-02-28',
      'mca-sweep-2026-02-27',
    ]);
  });
});

/** getStatus as durable-functions v3 answers it: full status, or an HTTP 404 error for an unknown id. */
function sweepClient(statuses: Record<string, object>) {
  const asked: string[] = [];
  const client = {
    getStatus: (instanceId: string) => {
      asked.push(instanceId);
      const status = statuses[instanceId];
      if (!status) return Promise.reject(new Error(`DurableClient error: replied with HTTP 404 response`));
      return Promise.resolve(status);
    },
  } as unknown as df.DurableClient;
  return { client, asked };
}

describe('GET sweeps/latest', () => {
  const latest = (client: df.DurableClient): Promise<HttpResponseInit> =>
    createLatestSweepHttp({ now: () => NOW })(get('sweeps/latest'), client, recordingContext().context);
  const counts = { customers: 4, accepted: 2, started: 1, skipped: 1, failed: 0 };

  it("answers the newest sweep (yesterday's when today's has not run) with status, counts and times", async () => {
    const { client, asked } = sweepClient({
      'mca-sweep-2026-03-09': {
        runtimeStatus: 'Completed',
        customStatus: counts,
        output: counts,
        createdTime: new Date('2026-03-09T02:00:00.000Z'),
        lastUpdatedTime: new Date('2026-03-09T02:03:00.000Z'),
      },
      'mca-sweep-2026-03-08': { runtimeStatus: 'Completed' },
    });

    const response = await latest(client);

    expect(asked).toEqual(['mca-sweep-2026-03-10', 'mca-sweep-2026-03-09']);
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual({
      instanceId: 'mca-sweep-2026-03-09',
      runtimeStatus: 'Completed',
      customStatus: counts,
      output: counts,
      createdTime: '2026-03-09T02:00:00.000Z',
      lastUpdatedTime: '2026-03-09T02:03:00.000Z',
    });
  });

  it('answers a running sweep with its counts so far and no output', async () => {
    const { client } = sweepClient({
      'mca-sweep-2026-03-10': {
        runtimeStatus: 'Running',
        customStatus: { ...counts, accepted: 1 },
        createdTime: '2026-03-10T02:00:00.000Z',
        lastUpdatedTime: '2026-03-10T02:01:00.000Z',
      },
    });

    const response = await latest(client);

    expect(response.jsonBody).toMatchObject({
      runtimeStatus: 'Running',
      output: null,
      customStatus: { accepted: 1 },
    });
  });

  it('answers 404 when no sweep ran in the last 7 days', async () => {
    const { client, asked } = sweepClient({ 'mca-sweep-2026-03-03': { runtimeStatus: 'Completed' } });

    const response = await latest(client);

    expect(asked).toHaveLength(7);
    expect(response.status).toBe(404);
    expect(response.jsonBody).toEqual({ error: 'NotFound' });
  });

  it('answers a 500 when the durable client fails otherwise', async () => {
    const client = {
      getStatus: () => Promise.reject(new Error('socket hang up')),
    } as unknown as df.DurableClient;

    expect((await latest(client)).status).toBe(500);
  });
});
