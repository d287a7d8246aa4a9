import { benchTenantId, coverageOf, seedCustomer } from '../../../bench/book';
import { niceCeiling, sweepChart } from '../../../bench/chart';
import { goals, goalsTable, sweepFigures, type BenchResults } from '../../../bench/results';
import { median, ratio } from '../../../bench/stats';
import { sweepReadsFor } from '../../../bench/sweep';

describe('stats', () => {
  it.each([
    { values: [3], expected: 3 },
    { values: [5, 1, 3], expected: 3 },
    { values: [4, 1, 3, 2], expected: 2.5 },
  ])('median of $values is $expected', ({ values, expected }) => {
    expect(median(values)).toBe(expected);
  });

  it('ratio is 0 when nothing was measured', () => {
    expect(ratio(3, 0)).toBe(0);
    expect(ratio(2, 3)).toBe(0.667);
  });
});

describe('sweep figures', () => {
  it('takes the floor from the median counted calls and the rate', () => {
    const figures = sweepFigures(
      [
        { seconds: 40, calls: 3000 },
        { seconds: 36, calls: 3200 },
        { seconds: 50, calls: 3100 },
      ],
      100,
    );
    expect(figures).toEqual({ seconds: 40, calls: 3100, floorSeconds: 31, ratio: 1.29 });
  });

  it("counts the sweep's own reads: pages, then one read for a directly signed customer, two otherwise", () => {
    // 10 customers: 4 direct (1 read), 6 others (2 reads), 1 page.
    expect(sweepReadsFor(10)).toBe(1 + 4 + 12);
    expect(sweepReadsFor(2000)).toBe(20 + 800 + 2400);
  });
});

describe('the book', () => {
  it('mixes 4 direct, 2 attested, 2 stale and 2 uncovered in every ten, with stable distinct ids', () => {
    const mix = Array.from({ length: 10 }, (_, i) => coverageOf(i));
    expect(mix.filter((c) => c === 'direct')).toHaveLength(4);
    expect(mix.filter((c) => c === 'attested')).toHaveLength(2);
    expect(mix.filter((c) => c === 'stale')).toHaveLength(2);
    expect(mix.filter((c) => c === 'none')).toHaveLength(2);
    expect(new Set(Array.from({ length: 20_000 }, (_, i) => benchTenantId(i))).size).toBe(20_000);
    expect(benchTenantId(255)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('gives an attested customer an agreement from after 2023-04-01 and a stale one only an older one', () => {
    expect(seedCustomer(1).agreements?.[0]?.dateAgreed).toBe('2024-05-01T00:00:00');
    expect(seedCustomer(2).agreements?.[0]?.dateAgreed).toBe('2021-03-10T00:00:00');
    expect(seedCustomer(0)).toMatchObject({ directSigned: true, agreements: [] });
    expect(seedCustomer(3)).toMatchObject({ directSigned: false, agreements: [] });
  });
});

function results(overrides: {
  sweep?: Partial<BenchResults['sweep']>;
  engine?: Partial<BenchResults['engine']>;
  coldStart?: Partial<BenchResults['coldStart']>;
}): BenchResults {
  return {
    sweep: {
      customers: 2000,
      ratePerSecond: 100,
      latencyMs: 20,
      calls: 3000,
      sweepReads: 2800,
      throttled: 0,
      floorSeconds: 30,
      seconds: 32,
      ratio: 1.067,
      naiveSeconds: 80,
      naiveRatio: 2.5,
      peakRssMbSmall: 200,
      peakRssMbLarge: 215,
      largeCustomers: 20_000,
      largeCompleted: true,
      largeSeconds: 100,
      largeSummary: {},
      completed: true,
      runs: 3,
      points: [],
      ...overrides.sweep,
    },
    engine: {
      workflows: 1000,
      engineSeconds: 20,
      directSeconds: 10,
      ratio: 2,
      runs: 1,
      unfinished: 0,
      ...overrides.engine,
    },
    coldStart: {
      bundledMs: 100,
      unbundledMs: 400,
      ratio: 0.25,
      bundleBytes: 1,
      runs: 9,
      ...overrides.coldStart,
    },
    measuredAt: '2026-12-04T21:00:00.000Z',
    machine: { cpus: 2, node: 'v20' },
  };
}

describe('goals', () => {
  it('meets every goal with figures inside them', () => {
    expect(goals(results({})).map((g) => g.met)).toEqual([true, true, true, true, true]);
  });

  it.each([
    { name: 'sweep ratio', change: { sweep: { ratio: 1.2 } }, index: 0 },
    { name: 'naive ratio', change: { sweep: { naiveRatio: 1.5 } }, index: 1 },
    { name: 'RSS growth', change: { sweep: { peakRssMbLarge: 230 } }, index: 2 },
    { name: 'engine ratio', change: { engine: { ratio: 3.5 } }, index: 3 },
    { name: 'cold-start ratio', change: { coldStart: { ratio: 0.5 } }, index: 4 },
  ])('misses on $name', ({ change, index }) => {
    const met = goals(results(change)).map((g) => g.met);
    expect(met[index]).toBe(false);
    expect(met.filter((m) => !m)).toHaveLength(1);
  });

  it('prints a Markdown table, one row per goal', () => {
    const table = goalsTable(goals(results({ sweep: { ratio: 1.2 } })));
    expect(table.split('\n')).toHaveLength(2 + 5);
    expect(table).toContain('| sweep 2000 customers / floor | 32 s / 30 s = 1.2 | <= 1.10 | no |');
  });
});

describe('sweep chart', () => {
  it.each([
    [0.7, 1],
    [3, 5],
    [31, 50],
    [120, 200],
  ])('rounds %s up to %s for the axis', (value, expected) => {
    expect(niceCeiling(value)).toBe(expected);
  });

  it('draws a sweep bar and a floor bar per book size, with their labels', () => {
    const svg = sweepChart([
      { customers: 500, ratePerSecond: 100, latencyMs: 20, seconds: 9.5, floorSeconds: 8, completed: true },
      {
        customers: 20_000,
        ratePerSecond: 1000,
        latencyMs: 0,
        seconds: 120,
        floorSeconds: 31,
        completed: false,
      },
    ]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg.match(/<rect [^>]*fill="#2f6fb0"/g)).toHaveLength(3); // 2 bars + legend
    expect(svg).toContain('20,000 customers');
    expect(svg).toContain('100/s, 20 ms');
    expect(svg).toContain('stopped at the time limit');
    expect(svg).toContain('>120<');
  });
});
