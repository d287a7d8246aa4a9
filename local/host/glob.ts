/**
 * The glob patterns a `package.json` `main` may hold (`*`, `**`, `?`, `{a,b}`), resolved the way the
 * worker's globby does it: relative to the app folder, files only, in a stable order.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function hasGlobMagic(pattern: string): boolean {
  return /[*?{[]/.test(pattern);
}

/** Translates one glob into an anchored regular expression over `/`-separated relative paths. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  let inBraces = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        const slashFollows = pattern[i + 2] === '/';
        source += slashFollows ? '(?:[^/]*/)*' : '.*';
        i += slashFollows ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      inBraces = true;
      source += '(?:';
    } else if (ch === '}' && inBraces) {
      inBraces = false;
      source += ')';
    } else if (ch === ',' && inBraces) source += '|';
    else source += ch.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function listFiles(root: string, relative: string, out: string[]): void {
  for (const entry of readdirSync(path.join(root, relative), { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) listFiles(root, child, out);
    else if (entry.isFile()) out.push(child);
  }
}

/** Relative paths (with `/`) of the files under `cwd` matching `pattern`, sorted. */
export function globFiles(pattern: string, cwd: string): string[] {
  const normalized = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const firstMagic = normalized.search(/[*?{[]/);
  const base = firstMagic < 0 ? normalized : normalized.slice(0, normalized.lastIndexOf('/', firstMagic) + 1);
  const baseDir = base.replace(/\/$/, '');
  const files: string[] = [];
  try {
    listFiles(cwd, baseDir, files);
  } catch {
    return [];
  }
  const matcher = globToRegExp(normalized);
  return files.filter((file) => matcher.test(file)).sort();
}
