/**
 * Faults on demand for the SendGrid sink's Mail Send endpoint, as SendGrid misbehaves in real life:
 * a 5xx answer (the mail was not taken), or a timeout (the mail was taken, the answer never comes in
 * time). Each rule hits a seeded-random share of requests, so a chaos run is repeatable.
 */
import { z } from 'zod';
import { seededRandom } from '../partner-center/faults';

export const sendGridFaultRuleSchema = z.discriminatedUnion('kind', [
  z.object({
    /** Answer this 5xx instead of taking the mail. */
    kind: z.literal('error'),
    status: z.number().int().min(500).max(599).default(503),
    probability: z.number().min(0).max(1),
    seed: z.number().int().default(1),
  }),
  z.object({
    /** Take the mail, then hold the answer this long (real ms) before a 202: longer than the client waits. */
    kind: z.literal('timeout'),
    holdMs: z.number().int().min(0).max(120_000).default(35_000),
    probability: z.number().min(0).max(1),
    seed: z.number().int().default(1),
  }),
]);
export type SendGridFaultRule = z.input<typeof sendGridFaultRuleSchema>;
type ParsedRule = z.output<typeof sendGridFaultRuleSchema>;

export type SendGridFaultDecision =
  { kind: 'none' } | { kind: 'error'; status: number } | { kind: 'timeout'; holdMs: number };

interface ActiveRule {
  id: string;
  rule: ParsedRule;
  hits: number;
  random: () => number;
}

export class SendGridFaults {
  private rules: ActiveRule[] = [];
  private nextId = 1;

  /** Throws a ZodError for a rule that does not parse. */
  add(input: unknown): string {
    const rule = sendGridFaultRuleSchema.parse(input);
    const id = `fault-${this.nextId++}`;
    this.rules.push({ id, rule, hits: 0, random: seededRandom(rule.seed) });
    return id;
  }

  clear(): void {
    this.rules = [];
  }

  list(): Array<ParsedRule & { id: string; hits: number }> {
    return this.rules.map((r) => ({ ...r.rule, id: r.id, hits: r.hits }));
  }

  /** The first rule that hits decides; every rule draws once per request, so shares stay independent. */
  decide(): SendGridFaultDecision {
    let decision: SendGridFaultDecision = { kind: 'none' };
    for (const active of this.rules) {
      if (active.random() >= active.rule.probability) continue;
      if (decision.kind !== 'none') continue;
      active.hits += 1;
      decision =
        active.rule.kind === 'error'
          ? { kind: 'error', status: active.rule.status }
          : { kind: 'timeout', holdMs: active.rule.holdMs };
    }
    return decision;
  }
}
