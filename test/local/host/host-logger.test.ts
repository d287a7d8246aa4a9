import { HostLogger } from '../../../local/host/host-logger';

function logger(levels: Record<string, string>, verbose = false) {
  const lines: string[] = [];
  return {
    lines,
    log: new HostLogger(
      (line) => lines.push(line),
      levels,
      verbose,
      () => Date.UTC(2026, 0, 1),
    ),
  };
}

describe('HostLogger', () => {
  it('uses the most specific host.json category for user logs', () => {
    const { lines, log } = logger({
      default: 'Warning',
      Function: 'Information',
      'Function.noisy': 'Error',
      'Function.noisy.User': 'Debug',
    });
    log.user('plain', 'information', 'shown: Function level');
    log.user('plain', 'debug', 'hidden: below Function level');
    log.user('noisy', 'debug', 'shown: Function.noisy.User level');
    log.user('noisy', 'trace', 'hidden: below Function.noisy.User level');
    expect(lines).toEqual([
      '[2026-01-01T00:00:00.000Z] plain information: shown: Function level',
      '[2026-01-01T00:00:00.000Z] noisy debug: shown: Function.noisy.User level',
    ]);
  });

  it('falls back to default, then Information, and None silences everything', () => {
    const a = logger({ default: 'Error' });
    a.log.user('f', 'warning', 'hidden');
    a.log.user('f', 'error', 'shown');
    const b = logger({});
    b.log.user('f', 'information', 'shown');
    b.log.user('f', 'debug', 'hidden');
    const c = logger({ default: 'None' });
    c.log.user('f', 'critical', 'hidden');
    expect([a.lines.length, b.lines.length, c.lines.length]).toEqual([1, 1, 0]);
  });

  it('shows system messages below warning and invocation detail only when verbose', () => {
    const quiet = logger({});
    const loud = logger({}, true);
    for (const { log } of [quiet, loud]) {
      log.system('debug', 'loading entry point');
      log.system('warning', 'output dropped');
      log.invocation({
        at: Date.UTC(2026, 0, 1),
        functionName: 'f',
        triggerType: 'httpTrigger',
        durationMs: 3.4,
        detail: 'GET /api/f',
      });
    }
    expect(quiet.lines).toEqual([
      '[2026-01-01T00:00:00.000Z] host warning: output dropped',
      '[2026-01-01T00:00:00.000Z] f httpTrigger 3ms Succeeded',
    ]);
    expect(loud.lines).toEqual([
      '[2026-01-01T00:00:00.000Z] host debug: loading entry point',
      '[2026-01-01T00:00:00.000Z] host warning: output dropped',
      '[2026-01-01T00:00:00.000Z] f httpTrigger GET /api/f 3ms Succeeded',
    ]);
  });
});
