/**
 * The hostile-webhook run: one genuine signed event (accepted: it starts its customer), then a flood of
 * `count` hostile requests (see hostile-webhooks-requests.ts), `CONCURRENCY` at a time. Required:
 * every one refused with a 4xx (a replay of the genuine event: acknowledged as a duplicate), no instance
 * or state row for any tenant they name, no request to a certificate URL that is not allowed, and the
 * host's resident memory during the flood at most `rssHeadroomMb` above what it was before.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createStore } from '../shared/store';
import { onboardingInstanceId } from '../shared/workflow/contracts';
import { listInstanceIds } from './fuzz';
import {
  genuineEvent,
  hostileRequests,
  hostileTenantId,
  padded,
  type HostileKind,
  type HostileRequest,
} from './hostile-webhooks-requests';
import { BYTES_PER_MB, type ChaosLog, type ChaosTarget } from './target';

export interface HostileWebhookOptions {
  count: number;
  seed: number;
  log: ChaosLog;
  /**
   * The memory bound: peak RSS during the flood <= RSS before it + this. Default 256 MB: bodies are
   * capped at 64 KB and certificates cached, so a flood must not cost the host more than a small
   * multiple of (concurrency x cap).
   */
  rssHeadroomMb?: number;
}

export interface HostileWebhookResult {
  forged: number;
  rejected: number;
  peakRssMb: number;
  rssBoundMb: number;
  failures: string[];
  /** Per kind: how many were sent and refused, and the answers (`401`, `413`, `closed`). */
  byKind: Partial<Record<HostileKind, { sent: number; rejected: number; answers: Record<string, number> }>>;
}

const WEBHOOK_PATH = '/api/webhooks/partner-center';
const CONCURRENCY = 32;
const RSS_SAMPLE_MS = 50;

export async function runHostileWebhooks(
  target: ChaosTarget,
  options: HostileWebhookOptions,
): Promise<HostileWebhookResult> {
  const { count, seed, log } = options;
  const failures: string[] = [];
  const canary = await startCanary();
  try {
    const genuine = genuineEvent(target.partnerCenterUrl, hostileTenantId(seed, 0xffffffffffff), new Date());
    const accepted = await post(target.hostUrl, genuine.body, genuine.headers);
    if (accepted.status !== 200)
      failures.push(`the genuine signed event got ${accepted.status}, expected 200`);

    const requests = hostileRequests(count, seed, {
      partnerCenterUrl: target.partnerCenterUrl,
      canaryUrl: canary.url,
      genuine,
    });
    const instancesBefore = await listInstanceIds(target.hostUrl);
    log(`webhooks: ${requests.length} hostile requests, ${CONCURRENCY} at a time`);

    const baselineBytes = await target.hostRssBytes();
    const rssBoundMb = Math.round(baselineBytes / BYTES_PER_MB + (options.rssHeadroomMb ?? 256));
    const sampler = sampleRss(target);
    const outcomes = await runPool(requests, CONCURRENCY, (request) => send(target.hostUrl, request));
    const peakBytes = await sampler.stop();
    const peakRssMb = Math.round(peakBytes / BYTES_PER_MB);

    const byKind: HostileWebhookResult['byKind'] = {};
    let rejected = 0;
    outcomes.forEach((outcome, i) => {
      const request = requests[i];
      const tally = (byKind[request.kind] ??= { sent: 0, rejected: 0, answers: {} });
      tally.sent += 1;
      const answer = outcome.status === undefined ? 'closed' : String(outcome.status);
      tally.answers[answer] = (tally.answers[answer] ?? 0) + 1;
      const problem = judge(request, outcome);
      if (problem) failures.push(`webhook #${i} (${request.kind}, tenant ${request.tenantId}): ${problem}`);
      else {
        rejected += 1;
        tally.rejected += 1;
      }
    });
    failures.push(...(await effectsOf(target, requests, instancesBefore)));
    if (canary.hits() > 0)
      failures.push(`the app fetched ${canary.hits()} certificate URL(s) that are not allowed`);
    if (peakRssMb > rssBoundMb)
      failures.push(`host RSS peaked at ${peakRssMb} MB, over the bound of ${rssBoundMb} MB`);
    log(
      `webhooks: ${rejected}/${requests.length} refused; host RSS peak ${peakRssMb} MB (bound ${rssBoundMb} MB)`,
    );
    return { forged: requests.length, rejected, peakRssMb, rssBoundMb, failures, byKind };
  } finally {
    await canary.close();
  }
}

interface Outcome {
  status?: number;
  body?: string;
  error?: string;
}

/**
 * Refused means a 4xx; a replay must be acknowledged (2xx) without effect, as Partner Center's own
 * redelivery would be. A connection the server closed on an oversize upload counts as refused.
 */
function judge(request: HostileRequest, outcome: Outcome): string | undefined {
  if (request.expect === 'duplicate') {
    return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300
      ? undefined
      : `a replay got ${outcome.status ?? outcome.error}, expected a 2xx acknowledgement`;
  }
  if (outcome.status === undefined) {
    const oversize = request.kind === 'oversizeBody' || request.kind === 'oversizeStreamedBody';
    return oversize ? undefined : `no answer (${outcome.error ?? 'unknown'})`;
  }
  if (outcome.status >= 400 && outcome.status < 500) return undefined;
  return `answered ${outcome.status} ${outcome.body?.slice(0, 120) ?? ''}, expected a 4xx`;
}

/** No instance and no state row for any hostile tenant (the genuine one's instance was there before). */
async function effectsOf(
  target: ChaosTarget,
  requests: HostileRequest[],
  instancesBefore: Set<string>,
): Promise<string[]> {
  const problems: string[] = [];
  const instances = await listInstanceIds(target.hostUrl);
  const tenants = new Set(requests.map((r) => r.tenantId));
  for (const tenantId of tenants) {
    const id = onboardingInstanceId(tenantId);
    if (instances.has(id) && !instancesBefore.has(id))
      problems.push(`tenant ${tenantId}: an instance was started`);
  }
  const store = createStore({ connectionString: target.storageConnectionString });
  const replayed = requests.find((r) => r.kind === 'replay')?.tenantId;
  for await (const row of store.customerState.listAll()) {
    if (tenants.has(row.tenantId) && row.tenantId !== replayed)
      problems.push(`tenant ${row.tenantId}: a state row was written`);
  }
  return problems;
}

async function send(hostUrl: string, request: HostileRequest): Promise<Outcome> {
  const body = request.padTo === undefined ? request.body : padded(request.body, request.padTo);
  return post(hostUrl, body, request.headers, request.streamed === true);
}

async function post(
  hostUrl: string,
  body: Buffer,
  headers: Record<string, string>,
  streamed = false,
): Promise<Outcome> {
  try {
    const response = await fetch(`${hostUrl}${WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { ...headers, connection: 'close' },
      body: streamed ? streamOf(body) : body,
      ...(streamed ? { duplex: 'half' } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return {
      error: error instanceof Error ? `${error.message} ${causeOf(error)}`.trim() : String(error),
    };
  }
}

function causeOf(error: Error): string {
  return error.cause instanceof Error ? error.cause.message : '';
}

/** The body in 16 KB chunks, so no content length is declared. */
function streamOf(body: Buffer): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= body.length) return controller.close();
      controller.enqueue(body.subarray(offset, offset + 16 * 1024));
      offset += 16 * 1024;
    },
  });
}

async function runPool<T, R>(items: T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

/** Samples the host's RSS until stopped; resolves with the peak. */
function sampleRss(target: ChaosTarget): { stop(): Promise<number> } {
  let peak = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, await target.hostRssBytes());
      await new Promise((resolve) => setTimeout(resolve, RSS_SAMPLE_MS));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Math.max(peak, await target.hostRssBytes());
    },
  };
}

/** A local listener that counts requests: the certificate URL of some forgeries points here. */
async function startCanary(): Promise<{ url: string; hits(): number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
