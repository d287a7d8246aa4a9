import { startTestHost, type TestHost } from './host-fixture';

describe('FunctionInvoker (the durable engine seam)', () => {
  let t: TestHost;

  beforeAll(async () => {
    t = await startTestHost('http-timer');
  });

  afterAll(() => t.stop());

  it('exports what the app registered, bindings keyed by name', () => {
    const double = t.host.functions.find((f) => f.name === 'double');
    expect(double?.triggerType).toBe('customTrigger');
    expect(double?.bindings.extra).toMatchObject({ type: 'customInput', direction: 'in' });
    const echo = t.host.functions.find((f) => f.name === 'echo');
    expect(echo?.triggerType).toBe('httpTrigger');
    expect(echo?.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    expect(t.host.functions.map((f) => f.name)).toEqual(
      expect.arrayContaining(['echo', 'hello', 'boom', 'tick', 'onStartup', 'double', 'hooked']),
    );
  });

  it('passes a trigger value, extra inputs and trigger metadata through the library and decodes the return value', async () => {
    const result = await t.host.invoker.invoke(
      'double',
      { n: 21 },
      { inputs: { extra: { from: 'engine' } }, triggerMetadata: { instanceId: 'mca-123', Custom: 'x' } },
    );
    expect(result).toEqual({
      doubled: 42,
      extra: { from: 'engine' },
      metadata: { instanceId: 'mca-123', custom: 'x' },
    });
    expect(t.lines.some((l) => / double customTrigger \d+ms Succeeded instance=mca-123$/.test(l))).toBe(true);
  });

  it("rejects with the function's own error, an Error in the caller's realm too", async () => {
    const error: unknown = await t.host.invoker.invoke('fails', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('generic failure');
    expect((error as Error).stack).toMatch(/generic\.js/);
    await expect(t.host.invoker.invoke('noSuchFunction', {})).rejects.toThrow(/not registered/);
  });

  it('runs appStart, preInvocation and postInvocation hooks the way the worker does', async () => {
    const result = await t.host.invoker.invoke('hooked', { original: 1 });
    expect(result).toEqual({ seen: { replaced: true }, original: { original: 1 } });
    const events = (await (await fetch(`${t.host.url}/api/hook-events`)).json()) as string[];
    expect(events).toEqual(['appStart:object', 'preInvocation', 'postInvocation']);
  });
});
