/**
 * Pure rules of the paged compliance sweep: how a page is dealt to lanes, how outcomes add up, and what
 * one generation (`continueAsNew`) hands to the next. The orchestrators only sequence these.
 */
import { z } from 'zod';

/** The outcome kinds the sweep counts; anything else an activity returns counts as failed. */
export const SWEEP_OUTCOMES = ['accepted', 'started', 'skipped', 'failed'] as const;
export type SweepOutcome = (typeof SWEEP_OUTCOMES)[number];
export type SweepCounts = Record<SweepOutcome, number>;

/** `GET /api/sweeps/latest` shows this (custom status while running, output when done). */
export interface SweepSummary extends SweepCounts {
  /** Customers listed so far (evaluated or being evaluated). */
  customers: number;
  /** Pages of the customer list taken so far (one generation of the orchestration each). */
  pages: number;
}

export function emptySweepCounts(): SweepCounts {
  return { accepted: 0, started: 0, skipped: 0, failed: 0 };
}

export function emptySweepSummary(): SweepSummary {
  return { customers: 0, pages: 0, ...emptySweepCounts() };
}

/** An activity's result as a counted outcome: its `kind` when known, else failed. */
export function outcomeOf(result: unknown): SweepOutcome {
  const kind = (result as { kind?: unknown } | null | undefined)?.kind;
  return SWEEP_OUTCOMES.find((known) => known === kind) ?? 'failed';
}

export function addCounts(total: SweepCounts, more: SweepCounts): void {
  for (const outcome of SWEEP_OUTCOMES) total[outcome] += more[outcome];
}

/**
 * Deals `items` round-robin to at most `lanes` lanes (never an empty lane), so every lane has the same
 * amount of work within one item.
 */
export function dealToLanes<T>(items: readonly T[], lanes: number): T[][] {
  const count = Math.max(1, Math.min(Math.floor(lanes), items.length));
  const dealt: T[][] = Array.from({ length: items.length === 0 ? 0 : count }, () => []);
  items.forEach((item, index) => dealt[index % count]?.push(item));
  return dealt;
}

/**
 * A lane's instance id: unique per sweep, page and lane, and outside the `mca-sweep-` prefix, so a
 * listing of sweeps by prefix never shows lanes.
 */
export function laneInstanceId(sweepInstanceId: string, page: number, lane: number): string {
  return `sweeplane-${sweepInstanceId}-p${page}-l${lane}`;
}

const countsShape = {
  accepted: z.number().int().min(0),
  started: z.number().int().min(0),
  skipped: z.number().int().min(0),
  failed: z.number().int().min(0),
};

const listedCustomerSchema = z.object({
  tenantId: z.string(),
  companyName: z.string().optional(),
});

/** What one generation hands the next through `continueAsNew`; nothing for the first. */
export const sweepCarrySchema = z.object({
  /** The date of the first generation: part of every event id, even after midnight. */
  sweepDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  summary: z.object({
    ...countsShape,
    customers: z.number().int().min(0),
    pages: z.number().int().min(0),
  }),
  /** The page listed while the previous page was evaluated (prefetch). */
  page: z.object({
    customers: z.array(listedCustomerSchema),
    continuationToken: z.string().optional(),
  }),
});
export type SweepCarry = z.infer<typeof sweepCarrySchema>;

/** The first generation gets no input (the timer and an operator start it bare: null or ''). */
export function readSweepCarry(input: unknown): SweepCarry | undefined {
  return input === undefined || input === null || input === '' ? undefined : sweepCarrySchema.parse(input);
}
