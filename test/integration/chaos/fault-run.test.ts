/**
 * The reduced chaos fault run (`npm run chaos -- --small`): 50 customers on every path through the CRM
 * queue while Partner Center and SendGrid fail a share of calls, with one `kill -9` of the host while
 * the emulators (Service Bus among them) restart. Nothing may be lost, doubled or left wrong.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runFaultRun, type FaultRunResult } from '../../../chaos/fault-run';
import { CHAOS_PROFILES, problemsOf } from '../../../chaos/run';
import { ensureBuilt } from '../../helpers/app-stack';
import { ZERO_COUNTS } from '../../helpers/chaos-counts';

// Start-up, the settle budget and the final reading, with room for a loaded machine.
jest.setTimeout(CHAOS_PROFILES.small.settleTimeoutMs + 70_000);

let workDir: string;
let result: FaultRunResult;
const lines: string[] = [];

beforeAll(async () => {
  await ensureBuilt();
  workDir = mkdtempSync(path.join(tmpdir(), 'chaos-fault-run-'));
  result = await runFaultRun({
    ...CHAOS_PROFILES.small,
    seed: 20261204,
    workDir,
    log: (line) => lines.push(line),
  });
});

afterAll(() => {
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

it('loses, doubles and misplaces nothing through faults, a kill and a Service Bus restart', () => {
  // The failures name each customer or message; the progress lines show how the run went.
  expect({ problems: problemsOf(result, CHAOS_PROFILES.small.kills), failures: result.failures }).toEqual({
    problems: [],
    failures: [],
  });
  expect(result).toMatchObject({
    customers: CHAOS_PROFILES.small.customers,
    correct: CHAOS_PROFILES.small.customers,
    ...ZERO_COUNTS,
    kills: 1,
  });
  expect(lines.some((line) => line.startsWith('kill -9 of the host'))).toBe(true);
});
