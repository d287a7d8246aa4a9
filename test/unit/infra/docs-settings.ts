/** The settings tables of docs/operations.md (rows whose first cell is a `KEY` in backticks). */
import { readRepoFile } from './bicep-reader';

export const OPERATIONS_DOC = 'docs/operations.md';

export interface DocumentedSetting {
  readonly key: string;
  readonly secret: boolean;
  /** The "In Azure" cell: how a deployment sets it, or "not set" for local-only settings. */
  readonly inAzure: string;
}

export function documentedSettings(): Map<string, DocumentedSetting> {
  const doc = readRepoFile(OPERATIONS_DOC);
  const section = /^## Settings$([\s\S]*?)^## /m.exec(doc)?.[1];
  if (section === undefined) throw new Error(`${OPERATIONS_DOC} has no "## Settings" section`);
  const rows = new Map<string, DocumentedSetting>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const key = /^`([A-Za-z_][\w]*)`$/.exec(cells[1] ?? '')?.[1];
    if (key === undefined) continue;
    // | Setting | Meaning | Default | Secret | In Azure |
    rows.set(key, { key, secret: cells[4] === 'yes', inAzure: cells[5] ?? '' });
  }
  return rows;
}
