/**
 * `npm start`: the whole app locally in real time with demo-friendly durations. Seeds the demo book
 * through the CRM queue on the first run, shows each customer's state as it changes, plays the
 * customers who accept, and keeps serving until Ctrl-C. State lives in `.local/`: a second run carries on.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import { parseCli, runMain, stopOnSignals } from '../stack/cli';
import { APP_DIR, startStack, type Stack } from '../stack';
import { CustomerActor, acceptanceLinkIn } from './customer-actor';
import { readCustomerStates } from './customer-states';
import { DEMO_CUSTOMERS, TERMINAL_STATES, customerCreated } from './demo-book';

/** Minutes instead of days, so the demo settles in a few minutes. Settings, not code branches. */
export const DEMO_SETTINGS = {
  POLL_INITIAL_DELAY: 'PT10S',
  POLL_MAX_DELAY: 'PT1M',
  ATTESTATION_POLL_INTERVAL: 'PT10S',
  REMINDER_SCHEDULE: 'PT1M,PT2M',
  ACCEPTANCE_DEADLINE: 'PT5M',
};

const POLL_EVERY_MS = 3000;
const CRM_QUEUE = 'crm-customer-events';
const DEMO_TENANT_IDS = DEMO_CUSTOMERS.map((c) => c.tenantId);

runMain('npm start', async () => {
  const { dataDir, ports } = parseCli(process.argv.slice(2), APP_DIR);
  await mkdir(dataDir, { recursive: true });
  const hostLogFile = path.join(dataDir, 'host.log');
  const hostLog = createWriteStream(hostLogFile, { flags: 'a' });
  let stack: Stack;
  try {
    stack = await startStack({
      dataDir,
      ports,
      settings: DEMO_SETTINGS,
      log: (line) => hostLog.write(`${line}\n`),
    });
  } catch (error) {
    await endStream(hostLog);
    throw error;
  }

  const stopped = new AbortController();
  stopOnSignals(async () => {
    stopped.abort();
    try {
      await stack.close();
    } finally {
      await endStream(hostLog);
    }
  }, say);

  const seededAt = await seedOnce(stack, path.join(dataDir, 'demo.json'));
  printWelcome(stack, dataDir, hostLogFile, seededAt);
  await watch(stack, stopped.signal);
});

function say(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 19)}  ${line}`);
}

/** Sends the demo book's CustomerCreated messages once; a marker file says it was done. */
async function seedOnce(stack: Stack, marker: string): Promise<{ at: string; now: boolean }> {
  if (existsSync(marker)) {
    const earlier = JSON.parse(await readFile(marker, 'utf8')) as { seededAt?: string };
    return { at: earlier.seededAt ?? 'earlier', now: false };
  }
  const at = new Date();
  const client = new ServiceBusClient(stack.emulators.serviceBusConnectionString);
  try {
    const sender = client.createSender(CRM_QUEUE);
    await sender.sendMessages(
      DEMO_CUSTOMERS.map((customer) => {
        const body = customerCreated(customer, at);
        return { body, messageId: String(body.eventId), contentType: 'application/json' };
      }),
    );
    await sender.close();
  } finally {
    await client.close();
  }
  await writeFile(marker, `${JSON.stringify({ seededAt: at.toISOString() }, null, 2)}\n`);
  return { at: at.toISOString(), now: true };
}

function printWelcome(
  stack: Stack,
  dataDir: string,
  hostLogFile: string,
  seeded: { at: string; now: boolean },
): void {
  const pc = stack.emulators.partnerCenterUrl;
  const relative = (p: string): string => path.relative(process.cwd(), p) || '.';
  console.log(
    [
      '',
      'mca-workflow is running locally (Ctrl-C stops everything).',
      `  Dashboard        ${stack.hostUrl}/api/dashboard   (updates itself; locally everything is open)`,
      `  API              ${stack.hostUrl}/api/customers   (one: /api/customers/{tenantId}/mca)`,
      `  Report           ${stack.hostUrl}/api/reports/mca.csv`,
      `  Mail inbox       ${stack.emulators.sendGridUrl}/   (SendGrid sink: every mail the app sent)`,
      `  Partner Center   ${pc}/   (customers, acceptance pages, admin-center pages)`,
      `  Host log         ${relative(hostLogFile)}`,
      `  State            ${relative(dataDir)}/   (delete it to start over)`,
      '',
      seeded.now
        ? `Sent ${DEMO_CUSTOMERS.length} CustomerCreated messages to ${CRM_QUEUE}:`
        : `Carrying on with the demo book seeded at ${seeded.at} (in-flight workflows resume):`,
      ...DEMO_CUSTOMERS.map(
        (c) => `  ${c.companyName.padEnd(24)} ${c.tenantId}  ${c.method.padEnd(11)} ${c.expect}`,
      ),
      '',
    ].join('\n'),
  );
}

/** Polls the API, prints each state change, plays the customers, and says when everything settled. */
async function watch(stack: Stack, signal: AbortSignal): Promise<void> {
  const known = new Map<string, string>();
  const actor = new CustomerActor({
    control: stack.emulators.partnerCenter.control,
    mailedLink: (attestationId) => mailedAcceptanceLink(stack, attestationId),
    timing: { openAfterMs: 15_000, acceptAfterMs: 30_000 },
    now: () => Date.now(),
    say,
  });
  let lastProblem: string | undefined;
  let settled = false;

  while (!signal.aborted) {
    const reading = await readCustomerStates(stack.hostUrl);
    const problem =
      reading.kind === 'unavailable'
        ? reading.why
        : DEMO_TENANT_IDS.some((id) => reading.states.has(id))
          ? undefined
          : 'no demo customer in GET /api/customers yet';
    if (problem !== undefined && problem !== lastProblem) say(`waiting: ${problem}`);
    lastProblem = problem;
    if (reading.kind === 'states') {
      for (const customer of DEMO_CUSTOMERS) {
        const state = reading.states.get(customer.tenantId);
        const before = known.get(customer.tenantId);
        if (state !== undefined && state !== before) {
          known.set(customer.tenantId, state);
          say(
            `${customer.companyName.padEnd(24)} ${customer.tenantId}  ${before ? `${before} -> ` : ''}${state}`,
          );
        }
        await actor.act(customer, state).catch((error: unknown) => {
          say(`${customer.companyName}: the demo could not act (${(error as Error).message})`);
        });
      }
      const allSettled = DEMO_CUSTOMERS.every((c) => TERMINAL_STATES.has(known.get(c.tenantId) ?? ''));
      if (allSettled && !settled) printSummary(stack, known);
      settled = allSettled;
    }
    await sleep(POLL_EVERY_MS, signal);
  }
}

function mailedAcceptanceLink(stack: Stack, attestationId: string): string | undefined {
  const texts = stack.emulators.sendGrid.messages().map((message) => message.text ?? '');
  return acceptanceLinkIn(texts, attestationId);
}

function printSummary(stack: Stack, states: Map<string, string>): void {
  const counts = new Map<string, number>();
  for (const c of DEMO_CUSTOMERS) {
    const state = states.get(c.tenantId) ?? '?';
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const mails = stack.emulators.sendGrid.messages().length;
  console.log(
    [
      '',
      `Every demo customer has settled: ${[...counts].map(([state, n]) => `${n} ${state}`).join(', ')}.`,
      `${mails} mail(s) in the inbox: ${stack.emulators.sendGridUrl}/`,
      'Still serving the API and the emulators; Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

function endStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
