import type { FaultRunResult } from '../../../chaos/fault-run';
import { MUST_BE_ZERO, problemsOf, summaryTable, toResults, type HostileFindings } from '../../../chaos/run';
import { ZERO_COUNTS } from '../../helpers/chaos-counts';

const clean: FaultRunResult = {
  customers: 50,
  correct: 50,
  ...ZERO_COUNTS,
  failures: [],
  kills: 1,
  hostPeakRssMb: 240,
  seconds: 180,
};

const hostile = {
  fuzz: {
    fuzzed: 500,
    invalid: 300,
    deadLettered: 300,
    validProcessed: 200,
    instancesStartedForInvalid: 0,
    failures: [],
  },
  webhooks: { forged: 100, rejected: 100, peakRssMb: 260, rssBoundMb: 500, failures: [], byKind: {} },
  piiHits: [],
} as unknown as HostileFindings;

describe('the chaos run’s results', () => {
  it('lists the counts in the issue’s order, the hostile-input ones only when they ran', () => {
    expect(Object.keys(toResults(clean))).toEqual([
      'customers',
      'correct',
      'duplicateMails',
      'duplicateAttestations',
      'duplicateAgreements',
      'lostMessages',
      'misroutedMessages',
      'outcomesMissingOrDoubled',
      'kills',
      'hostCrashes',
      'peakRssMb',
      'faultRunSeconds',
      'seconds',
    ]);
    expect(toResults(clean, hostile, 600)).toMatchObject({ faultRunSeconds: 180, seconds: 600 });
    expect(toResults(clean, hostile)).toMatchObject({
      fuzzed: 500,
      fuzzDeadLettered: 300,
      fuzzInvalid: 300,
      forgedWebhooks: 100,
      forgedRejected: 100,
      peakRssMb: 260,
      piiHits: 0,
    });
  });

  it('holds every count that must be zero to zero', () => {
    expect([...MUST_BE_ZERO].sort()).toEqual(Object.keys(ZERO_COUNTS).sort());
  });

  it('names every problem: counts not zero, customers wrong, kills missing, driver failures', () => {
    expect(problemsOf(clean, 1, hostile)).toEqual([]);
    const bad = { ...clean, correct: 48, duplicateMails: 1, kills: 0 };
    const failing = {
      ...hostile,
      fuzz: { ...hostile.fuzz, failures: ['x'] },
      piiHits: [{ where: 'logs[3]', kind: 'email' }],
    };
    expect(problemsOf(bad, 1, failing)).toEqual([
      'duplicateMails is 1',
      '2 customer(s) not in the expected state',
      '0 kill(s) instead of 1',
      '1 fuzz failure(s)',
      '1 personal-data leak(s)',
    ]);
  });

  it('prints a table with what each count must be', () => {
    expect(summaryTable(toResults(clean))).toMatch(/duplicateMails\s+0\s+= 0/);
    expect(summaryTable(toResults(clean))).toMatch(/correct\s+50\s+= customers/);
    expect(summaryTable(toResults(clean, hostile))).toMatch(/forgedRejected\s+100\s+= forgedWebhooks/);
  });
});
