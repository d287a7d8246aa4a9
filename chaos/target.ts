/**
 * What the chaos drivers need from a running stack, whether the host runs in this process (the
 * integration tests' app stack) or as a child process (`npm run chaos`, so `kill -9` is real). Plain
 * addresses and two callbacks: every driver talks to the stack over HTTP, AMQP and Table storage only.
 */
import { readFile } from 'node:fs/promises';

export interface ChaosTarget {
  /** The Functions host: the HTTP API and the durable management API (`/runtime/webhooks/durabletask`). */
  readonly hostUrl: string;
  /** The Service Bus emulator (`crm-customer-events`, `mca-outcomes`). */
  readonly serviceBusConnectionString: string;
  /** The storage the app uses (Azurite): state rows are read from its tables. */
  readonly storageConnectionString: string;
  /** The Partner Center emulator's base URL: its signing certificate and its `/_control` API. */
  readonly partnerCenterUrl: string;
  /** Every line the host logged so far (across restarts). */
  logs(): readonly string[];
  /** The host process's resident set size now, in bytes. */
  hostRssBytes(): number | Promise<number>;
}

/** A line of progress or a finding; the drivers never print by themselves. */
export type ChaosLog = (line: string) => void;

/** Resident set size of another process, from `/proc/<pid>/status` (Linux), in bytes. */
export async function rssOfProcess(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

export const BYTES_PER_MB = 1024 * 1024;
