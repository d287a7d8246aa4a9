/** In-memory send keys and audit trail with the Table repositories' rules, for the mail tests. */
import type {
  AuditEntry,
  AuditEntryInput,
  AuditTrailRepository,
  ClaimResult,
  SendKey,
  SendKeyRecord,
  SendKeysRepository,
  SendStatus,
} from '../../../shared/store';

interface Row extends SendKeyRecord {
  status: SendStatus;
  messageId?: string;
  reported?: boolean;
}

export class InMemorySendKeys implements SendKeysRepository {
  readonly rows = new Map<string, Row>();

  constructor(private readonly now: () => Date) {}

  statusOf(key: SendKey): SendStatus | undefined {
    return this.rows.get(id(key))?.status;
  }

  claim(key: SendKey): Promise<ClaimResult> {
    const row = this.rows.get(id(key));
    if (row) return Promise.resolve({ kind: 'exists', status: row.status });
    const { tenantId, kind, n } = key;
    this.rows.set(id(key), { tenantId, kind, n, claimedAt: this.now().toISOString(), status: 'claimed' });
    return Promise.resolve({ kind: 'claimed' });
  }

  markSent(key: SendKey, messageId: string): Promise<void> {
    return this.change(key, { status: 'sent', messageId });
  }

  markFailed(key: SendKey): Promise<void> {
    return this.change(key, { status: 'failed' });
  }

  release(key: SendKey): Promise<void> {
    this.rows.delete(id(key));
    return Promise.resolve();
  }

  markUnknown(key: SendKey): Promise<boolean> {
    const row = this.rows.get(id(key));
    if (row?.status !== 'claimed') return Promise.resolve(false);
    Object.assign(row, { status: 'unknown', reported: false });
    return Promise.resolve(true);
  }

  async *listStaleClaims(before: Date): AsyncIterable<SendKeyRecord> {
    for (const row of this.list((r) => r.status === 'claimed' && r.claimedAt < before.toISOString())) {
      yield await Promise.resolve(row);
    }
  }

  async *listUnreportedUnknown(): AsyncIterable<SendKeyRecord> {
    for (const row of this.list((r) => r.status === 'unknown' && r.reported === false)) {
      yield await Promise.resolve(row);
    }
  }

  markReported(key: SendKey): Promise<void> {
    return this.change(key, { reported: true });
  }

  private list(keep: (row: Row) => boolean): SendKeyRecord[] {
    return [...this.rows.values()]
      .filter(keep)
      .map(({ tenantId, kind, n, claimedAt }) => ({ tenantId, kind, n, claimedAt }));
  }

  private change(key: SendKey, change: Partial<Row>): Promise<void> {
    const row = this.rows.get(id(key));
    if (!row) return Promise.reject(new Error(`send key ${id(key)} was never claimed`));
    Object.assign(row, change);
    return Promise.resolve();
  }
}

export class InMemoryAuditTrail implements AuditTrailRepository {
  readonly entries: AuditEntry[] = [];

  append(entry: AuditEntryInput): Promise<AuditEntry> {
    const stored = { ...entry, detail: entry.detail ?? '' };
    this.entries.push(stored);
    return Promise.resolve(stored);
  }

  list(tenantId: string): Promise<AuditEntry[]> {
    return Promise.resolve(this.entries.filter((entry) => entry.tenantId === tenantId).reverse());
  }

  listSince(since: string, limit: number): Promise<AuditEntry[]> {
    return Promise.resolve(this.entries.filter((entry) => entry.at >= since).slice(0, limit));
  }
}

function id(key: SendKey): string {
  return `${key.tenantId.toLowerCase()}/${key.kind}/${key.n}`;
}
