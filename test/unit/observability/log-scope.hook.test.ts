import { InvocationContext, PreInvocationContext } from '@azure/functions';
import { contextLogSink, openLogScope } from '../../../functions/log-scope.hook';
import { logEvent } from '../../../shared/observability';

const TENANT = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';

describe('log scope hook', () => {
  it('runs the handler in a scope whose logs reach context.warn with the invocation dimensions', async () => {
    const lines: string[] = [];
    const context = new InvocationContext({
      functionName: 'mcaCheckStatus',
      invocationId: 'inv-7',
      triggerMetadata: { instanceId: `mca-${TENANT}` },
      logHandler: (level, ...args) => lines.push(`${level}: ${args.join(' ')}`),
    });
    const hook = new PreInvocationContext({
      invocationContext: context,
      inputs: [{ tenantId: TENANT }],
      functionCallback: () => {
        logEvent('warning', 'Partner Center retry', { attempt: 1, msCorrelationId: 'c-1' });
        return Promise.resolve('done');
      },
    });

    openLogScope(hook);
    await expect(hook.functionHandler({ tenantId: TENANT }, context)).resolves.toBe('done');

    expect(lines).toEqual([
      `warning: Partner Center retry | functionName=mcaCheckStatus invocationId=inv-7 ` +
        `instanceId=mca-${TENANT} tenantId=${TENANT} attempt=1 msCorrelationId=c-1`,
    ]);
  });

  it('maps levels to context.log, warn and error', () => {
    const calls: string[] = [];
    const sink = contextLogSink({
      log: (line: unknown) => calls.push(`log ${String(line)}`),
      warn: (line: unknown) => calls.push(`warn ${String(line)}`),
      error: (line: unknown) => calls.push(`error ${String(line)}`),
    });
    sink({ level: 'information', message: 'a', dimensions: {} });
    sink({ level: 'warning', message: 'b', dimensions: {} });
    sink({ level: 'error', message: 'c', dimensions: { x: 1 } });
    expect(calls).toEqual(['log a', 'warn b', 'error c | x=1']);
  });
});
