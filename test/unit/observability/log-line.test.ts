import {
  currentLogDimensions,
  dimensionText,
  formatLogLine,
  invocationDimensions,
  logEvent,
  mergeDimensions,
  runWithLogScope,
  withLogDimensions,
  type LogRecord,
} from '../../../shared/observability';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describe('formatLogLine', () => {
  it.each([
    ['no dimensions', {}, 'Done'],
    ['undefined values left out', { tenantId: undefined, attempt: 2 }, 'Done | attempt=2'],
    [
      'ids and numbers as key=value, in order',
      { tenantId: TENANT, instanceId: `mca-${TENANT}`, msCorrelationId: 'c-1', delayMs: 500 },
      `Done | tenantId=${TENANT} instanceId=mca-${TENANT} msCorrelationId=c-1 delayMs=500`,
    ],
    ['keys that are not identifiers dropped', { 'bad key': 'x', ok: true }, 'Done | ok=true'],
  ])('%s', (_name, dimensions, expected) => {
    expect(formatLogLine('Done', dimensions)).toBe(expected);
  });
});

describe('dimensionText', () => {
  it.each([
    ['Thu, 01 Jan 2026 00:00:07 GMT', 'Thu,_01_Jan_2026_00:00:07_GMT'],
    ['a=b|c', 'a_b_c'],
    ['', '_'],
    ['hanako.yamada@contoso.example', 'withheld'],
    ['+81 90 1234 5678', 'withheld'],
    [429, '429'],
  ])('%p -> %p', (value, expected) => {
    expect(dimensionText(value)).toBe(expected);
  });
});

describe('mergeDimensions', () => {
  it('lets later layers win but never with undefined', () => {
    expect(mergeDimensions({ a: 1, b: 2 }, { b: 3, a: undefined }, undefined)).toEqual({ a: 1, b: 3 });
  });
});

describe('invocationDimensions', () => {
  const base = { functionName: 'f', invocationId: 'inv-1' };
  it.each([
    ['nothing known', {}, {}],
    [
      'activity input tenant, instance from metadata',
      { input: { tenantId: TENANT.toUpperCase() }, triggerMetadata: { instanceId: 'sweep-1' } },
      { tenantId: TENANT, instanceId: 'sweep-1' },
    ],
    ['HTTP route parameter', { input: { params: { tenantId: TENANT } } }, { tenantId: TENANT }],
    [
      'onboarding instance id',
      { triggerMetadata: { instanceId: `mca-${TENANT}` } },
      { tenantId: TENANT, instanceId: `mca-${TENANT}` },
    ],
    ['a tenant id that is not a GUID is ignored', { input: { tenantId: 'hanako@contoso.example' } }, {}],
  ])('%s', (_name, facts, expected) => {
    expect(invocationDimensions({ ...base, ...facts })).toEqual({ ...base, ...expected });
  });
});

describe('log scope', () => {
  it('sends logs inside a scope to its sink with its dimensions, and drops them outside', async () => {
    const records: LogRecord[] = [];
    logEvent('information', 'outside');
    await runWithLogScope(
      (r) => records.push(r),
      { invocationId: 'inv-1' },
      async () => {
        await Promise.resolve();
        withLogDimensions({ tenantId: TENANT }, () => {
          expect(currentLogDimensions()).toEqual({ invocationId: 'inv-1', tenantId: TENANT });
          logEvent('warning', 'inner', { attempt: 1 });
        });
        logEvent('information', 'outer');
      },
    );
    expect(records).toEqual([
      {
        level: 'warning',
        message: 'inner',
        dimensions: { invocationId: 'inv-1', tenantId: TENANT, attempt: 1 },
      },
      { level: 'information', message: 'outer', dimensions: { invocationId: 'inv-1' } },
    ]);
  });
});
