import {
  addCounts,
  dealToLanes,
  emptySweepCounts,
  laneInstanceId,
  outcomeOf,
  readSweepCarry,
} from '../../../shared/workflow/sweep-progress';

describe('dealToLanes', () => {
  it.each<[string, number[], number, number[][]]>([
    [
      'round-robin over the lanes',
      [1, 2, 3, 4, 5, 6, 7],
      3,
      [
        [1, 4, 7],
        [2, 5],
        [3, 6],
      ],
    ],
    ['never an empty lane', [1, 2], 4, [[1], [2]]],
    ['one lane at least', [1, 2], 0, [[1, 2]]],
    ['nothing to deal', [], 3, []],
  ])('%s', (_name, items, lanes, expected) => {
    expect(dealToLanes(items, lanes)).toEqual(expected);
  });
});

describe('outcomeOf', () => {
  it.each<[unknown, string]>([
    [{ kind: 'accepted' }, 'accepted'],
    [{ kind: 'started' }, 'started'],
    [{ kind: 'skipped' }, 'skipped'],
    [{ kind: 'failed' }, 'failed'],
    [{ kind: 'unheard-of' }, 'failed'],
    [null, 'failed'],
    [undefined, 'failed'],
  ])('%j counts as %s', (result, expected) => {
    expect(outcomeOf(result)).toBe(expected);
  });
});

it('addCounts adds every outcome', () => {
  const total = { ...emptySweepCounts(), accepted: 2 };
  addCounts(total, { accepted: 1, started: 2, skipped: 3, failed: 4 });
  expect(total).toEqual({ accepted: 3, started: 2, skipped: 3, failed: 4 });
});

it('a lane id is unique per sweep, page and lane, and outside the mca-sweep- prefix', () => {
  expect(laneInstanceId('mca-sweep-2027-03-10', 12, 3)).toBe('sweeplane-mca-sweep-2027-03-10-p12-l3');
  expect(laneInstanceId('mca-sweep-2027-03-10', 1, 2).startsWith('mca-sweep-')).toBe(false);
});

describe('readSweepCarry', () => {
  const carry = {
    sweepDate: '2027-03-10',
    summary: { customers: 100, pages: 1, accepted: 90, started: 5, skipped: 4, failed: 1 },
    page: { customers: [{ tenantId: 'a' }], continuationToken: 'next' },
  };
  it.each([undefined, null, ''])('the first generation (input %j) carries nothing', (input) => {
    expect(readSweepCarry(input)).toBeUndefined();
  });
  it('reads what a generation hands the next, and rejects anything else', () => {
    expect(readSweepCarry(carry)).toEqual(carry);
    expect(() => readSweepCarry({ ...carry, sweepDate: 'today' })).toThrow();
  });
});
