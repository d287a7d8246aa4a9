/**
 * The dashboard's only way out: the app's HTTP API on the same origin. In Azure the API wants a function
 * key: opened as `.../api/dashboard?code=<key>`, the page sends it with every call (never in a URL it builds).
 */
const functionKey = new URLSearchParams(location.search).get('code');

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('Accept', 'application/json');
  if (functionKey) headers.set('x-functions-key', functionKey);
  const response = await fetch(`/api/${path}`, { ...init, headers, cache: 'no-store' });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    // Not JSON: keep the text.
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body as T;
}

import { CUSTOMER_STATE_NAMES } from '../../shared/store/state-names';

export const STATE_NAMES = CUSTOMER_STATE_NAMES;
export type StateName = (typeof STATE_NAMES)[number];

export interface StateSummary {
  states: Record<StateName, number>;
  total: number;
  covered: number;
  coveredRatio: number;
  purchaseBlocked: number;
  overdue: number;
}

export interface CustomerRow {
  tenantId: string;
  companyName: string;
  country: string;
  state: StateName;
  method: string | null;
  purchaseAllowed: boolean;
  purchaseBlocked: boolean;
  acceptedAt: string | null;
  reason: string | null;
  nextReminderAt: string | null;
  remindersSent: number;
  updatedAt: string;
}

export interface CustomerTablePage {
  items: CustomerRow[];
  total: number;
  page: number;
  pageSize: number;
  pages: number;
}

export interface Overview {
  generatedAt: string;
  stateChangesPerDay: { day: string; changes: number; accepted: number }[];
  stateChangesTruncated: boolean;
  timeToAccepted: { count: number; medianDays: number | null; buckets: { label: string; count: number }[] };
  expiringLinks: { tenantId: string; companyName: string; linkExpiresAt: string }[];
}

export interface DeadLetterCount {
  queue: string;
  count: number | null;
  capped: boolean;
}

export interface SweepCounts {
  customers: number;
  accepted: number;
  started: number;
  skipped: number;
  failed: number;
}

export interface LatestSweep {
  instanceId: string;
  runtimeStatus: string;
  customStatus: SweepCounts | null;
  output: SweepCounts | null;
  createdTime: string | null;
  lastUpdatedTime: string | null;
}

export interface CustomerStatus {
  tenantId: string;
  state: StateName;
  method: string | null;
  acceptedAt: string | null;
  purchaseAllowed: boolean;
  purchaseBlocked: boolean;
  reason: string | null;
  nextReminderAt: string | null;
  updatedAt: string;
  history: { at: string; actor: string; action: string; detail: string }[];
}

export interface Me {
  mode: 'open' | 'appService';
  roles: string[];
}
