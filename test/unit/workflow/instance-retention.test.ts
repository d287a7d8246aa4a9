import type * as df from 'durable-functions';
import { createInstancePurgeHandler } from '../../../functions/instance-purge.function';
import {
  instancesToPurge,
  retentionCutoff,
  type InstanceFacts,
} from '../../../shared/workflow/instance-retention';
import { recordingContext } from '../functions/fakes';

const DAY = 86_400_000;
const NOW = new Date('2026-06-30T03:30:00.000Z');
const CUTOFF = retentionCutoff(NOW, 90 * DAY); // 2026-04-01T03:30:00Z

const instance = (
  instanceId: string,
  runtimeStatus: string,
  lastUpdatedTime: Date | string,
  name = 'mcaOnboarding',
): InstanceFacts => ({ instanceId, name, runtimeStatus, lastUpdatedTime });

describe('instancesToPurge', () => {
  it.each<[string, InstanceFacts, boolean]>([
    [
      'a Completed run last updated before the cutoff',
      instance('a', 'Completed', '2026-03-01T00:00:00Z'),
      true,
    ],
    ['a Failed one', instance('a', 'Failed', '2026-03-01T00:00:00Z'), true],
    ['a Terminated one', instance('a', 'Terminated', '2026-03-01T00:00:00Z'), true],
    ['exactly at the cutoff', instance('a', 'Completed', CUTOFF), true],
    [
      'a sweep',
      instance('mca-sweep-2026-03-01', 'Completed', '2026-03-01T02:00:00Z', 'mcaComplianceSweep'),
      true,
    ],
    ['a Running run, however old', instance('a', 'Running', '2026-01-01T00:00:00Z'), false],
    ['a Pending run', instance('a', 'Pending', '2026-01-01T00:00:00Z'), false],
    [
      'a run that ended after the cutoff (started long before)',
      instance('a', 'Completed', '2026-04-01T03:30:00.001Z'),
      false,
    ],
    ['an orchestration that is not ours', instance('a', 'Completed', '2026-01-01T00:00:00Z', 'other'), false],
    ['an unreadable time', instance('a', 'Completed', 'soon'), false],
  ])('%s: purged=%p', (_name, facts, purged) => {
    expect(instancesToPurge([facts], CUTOFF)).toEqual(purged ? [facts.instanceId] : []);
  });

  it('takes the oldest first, at most `limit`', () => {
    const list = [
      instance('b', 'Completed', '2026-02-02T00:00:00Z'),
      instance('a', 'Completed', '2026-02-01T00:00:00Z'),
      instance('c', 'Completed', '2026-02-03T00:00:00Z'),
    ];
    expect(instancesToPurge(list, CUTOFF, 2)).toEqual(['a', 'b']);
  });
});

describe('mcaInstancePurge', () => {
  it('asks for finished candidates created before the cutoff, purges the old ones and goes on after a failure', async () => {
    const filters: unknown[] = [];
    const purged: string[] = [];
    const client = {
      getStatusBy: (filter: unknown) => {
        filters.push(filter);
        return Promise.resolve([
          instance('mca-old', 'Completed', '2026-03-01T00:00:00Z'),
          instance('mca-broken', 'Failed', '2026-03-02T00:00:00Z'),
          instance('mca-recent', 'Completed', '2026-06-01T00:00:00Z'),
        ]);
      },
      purgeInstanceHistory: (id: string) => {
        if (id === 'mca-broken') return Promise.reject(new Error('storage down'));
        purged.push(id);
        return Promise.resolve({ instancesDeleted: 1 });
      },
    } as unknown as df.DurableClient;
    const run = recordingContext();
    const handler = createInstancePurgeHandler({
      config: { timing: { instanceRetentionMs: 90 * DAY } },
      now: () => NOW,
    });

    await handler({}, client, run.context);

    expect(filters).toEqual([
      { createdTimeTo: CUTOFF, runtimeStatus: ['Completed', 'Failed', 'Terminated'] },
    ]);
    expect(purged).toEqual(['mca-old']);
  });
});
