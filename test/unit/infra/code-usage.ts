/**
 * What the app's code uses, found by reading its sources: Service Bus queue names (trigger options,
 * senders/receivers, queue-name constants) and the store's table names.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const QUEUE_PATTERNS = [
  /\bqueueName\s*:\s*['"`]([^'"`]+)['"`]/g,
  /\bcreate(?:Sender|Receiver)\(\s*['"`]([^'"`]+)['"`]/g,
  /\b[A-Za-z_]*(?:QUEUE|Queue)[A-Za-z_]*\s*=\s*['"`]([a-z0-9][a-z0-9._/-]*)['"`]/g,
];

/** Objects of queue names, e.g. `export const QUEUES = { crmEvents: 'crm-customer-events' }`. */
const QUEUE_OBJECT = /\b[A-Za-z_]*(?:QUEUE|Queue)[A-Za-z_]*\s*=\s*\{([^}]*)\}/g;

/** Non-test TypeScript files under the given folders of `root`. */
export function sourceFiles(root: string, folders: readonly string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(full);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) files.push(full);
    }
  };
  folders.forEach((folder) => walk(path.join(root, folder)));
  return files.sort();
}

/** Queue names the deployed code (functions/ and shared/) refers to. */
export function queueNamesUsedByCode(root: string): Set<string> {
  const names = new Set<string>();
  for (const file of sourceFiles(root, ['functions', 'shared'])) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of QUEUE_PATTERNS) {
      for (const match of text.matchAll(pattern)) names.add(match[1] ?? '');
    }
    for (const object of text.matchAll(QUEUE_OBJECT)) {
      for (const value of (object[1] ?? '').matchAll(/:\s*['"`]([^'"`]+)['"`]/g)) names.add(value[1] ?? '');
    }
  }
  return names;
}

/** The values of `TABLE_NAMES` in shared/store/tables.ts, or undefined while the store is not there. */
export function storeTableNames(root: string): string[] | undefined {
  const file = path.join(root, 'shared/store/tables.ts');
  if (!existsSync(file)) return undefined;
  const block = /export const TABLE_NAMES\s*=\s*\{([\s\S]*?)\}/.exec(readFileSync(file, 'utf8'))?.[1];
  if (block === undefined) throw new Error('shared/store/tables.ts has no TABLE_NAMES object');
  return [...block.matchAll(/:\s*['"]([^'"]+)['"]/g)].map((match) => match[1] ?? '');
}
