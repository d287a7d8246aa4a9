/**
 * Queue settings, read from a file shaped like the official Service Bus emulator's `Config.json`
 * (`UserConfig.Namespaces[].Queues[].Properties`), so the same file can feed either emulator.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export interface QueueConfig {
  name: string;
  /** Deliveries before the message moves to the dead-letter queue. Default 10, as in Azure. */
  maxDeliveryCount?: number;
  /** How long a peek-lock receiver holds a message. Default 60 s, as in Azure. */
  lockDurationMs?: number;
}

export type ResolvedQueueConfig = Required<QueueConfig>;

export const DEFAULT_MAX_DELIVERY_COUNT = 10;
export const DEFAULT_LOCK_DURATION_MS = 60_000;

const isoDuration = z.string().transform((text, ctx) => {
  const ms = parseIsoDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `not an ISO-8601 duration: ${text}` });
    return z.NEVER;
  }
  return ms;
});

const emulatorConfigSchema = z.object({
  UserConfig: z.object({
    Namespaces: z.array(
      z.object({
        Name: z.string().optional(),
        Queues: z
          .array(
            z.object({
              Name: z.string().min(1),
              Properties: z
                .object({
                  MaxDeliveryCount: z.number().int().positive().optional(),
                  LockDuration: isoDuration.optional(),
                })
                .loose()
                .optional(),
            }),
          )
          .default([]),
      }),
    ),
  }),
});

/** Reads the queues of every namespace in an official-emulator-shaped config file. */
export function loadQueueConfigFile(path: string): QueueConfig[] {
  return parseQueueConfig(JSON.parse(readFileSync(path, 'utf8')), path);
}

export function parseQueueConfig(raw: unknown, source: string): QueueConfig[] {
  const parsed = emulatorConfigSchema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`Invalid Service Bus emulator config ${source}: ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data.UserConfig.Namespaces.flatMap((ns) =>
    ns.Queues.map((queue) => ({
      name: queue.Name,
      maxDeliveryCount: queue.Properties?.MaxDeliveryCount,
      lockDurationMs: queue.Properties?.LockDuration,
    })),
  );
}

export function resolveQueueConfig(queue: QueueConfig): ResolvedQueueConfig {
  return {
    name: queue.name,
    maxDeliveryCount: queue.maxDeliveryCount ?? DEFAULT_MAX_DELIVERY_COUNT,
    lockDurationMs: queue.lockDurationMs ?? DEFAULT_LOCK_DURATION_MS,
  };
}

/** `PT1M`, `PT30S`, `P1DT2H` ... (days and smaller: what Service Bus settings use). */
export function parseIsoDuration(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, days, hours, minutes, seconds] = match;
  const totalSeconds =
    Number(days ?? 0) * 86_400 +
    Number(hours ?? 0) * 3_600 +
    Number(minutes ?? 0) * 60 +
    Number(seconds ?? 0);
  return Math.round(totalSeconds * 1000);
}
