/**
 * Just enough Bicep reading for the infra tests (there is no Bicep compiler here): comments removed,
 * balanced blocks, flat object literals, parameters with their decorators, resource declarations.
 * It understands the subset infra/ uses; anything it cannot read makes a test fail, not pass.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../../..');

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(REPO_ROOT, relative), 'utf8');
}

/** Bicep text without comments; strings (single-quoted, `\'` escapes) are kept intact. */
export function readBicep(relative: string): string {
  return stripComments(readRepoFile(relative));
}

export function stripComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inString) {
      out += char;
      if (char === '\\') out += text[++i] ?? '';
      else if (char === "'") inString = false;
    } else if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else {
      if (char === "'") inString = true;
      out += char;
    }
  }
  return out;
}

const OPENERS: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

/** The balanced block (including its brackets) that starts at `start`, which must be an opener. */
export function balancedBlock(text: string, start: number): string {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inString) {
      if (char === '\\') i++;
      else if (char === "'") inString = false;
      continue;
    }
    if (char === "'") inString = true;
    else if (OPENERS[char] !== undefined) stack.push(OPENERS[char]);
    else if (char === ']' || char === '}' || char === ')') {
      if (stack.pop() !== char) throw new Error(`unbalanced ${char} at ${i}`);
      if (stack.length === 0) return text.slice(start, i + 1);
    }
  }
  throw new Error(`block starting at ${start} is not closed`);
}

/** The `{ ... }` object literal assigned by `var <name> =`. */
export function varObject(text: string, name: string): string {
  const match = new RegExp(`^var\\s+${name}\\s*=\\s*\\{`, 'm').exec(text);
  if (!match) throw new Error(`var ${name} = { ... } not found`);
  return balancedBlock(text, match.index + match[0].length - 1);
}

/** `key: expression` pairs directly inside an object literal (nested values are kept as text). */
export function objectEntries(objectLiteral: string): Map<string, string> {
  const inner = objectLiteral.trim().slice(1, -1);
  const entries = new Map<string, string>();
  const keyPattern = /^\s*(?:'([^']+)'|([A-Za-z_][\w]*))\s*:\s*/;
  let rest = inner;
  while (rest.trim() !== '') {
    const match = keyPattern.exec(rest);
    if (!match) throw new Error(`cannot read object entry at: ${rest.trim().slice(0, 60)}`);
    const key = match[1] ?? match[2] ?? '';
    rest = rest.slice(match[0].length);
    const end = expressionEnd(rest);
    entries.set(key, rest.slice(0, end).trim());
    rest = rest.slice(end);
  }
  return entries;
}

/** Where an entry's expression ends: the first newline (or comma) outside brackets and strings. */
function expressionEnd(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? '';
    if (inString) {
      if (char === '\\') i++;
      else if (char === "'") inString = false;
    } else if (char === "'") inString = true;
    else if (OPENERS[char] !== undefined) depth++;
    else if (char === '}' || char === ']' || char === ')') depth--;
    else if ((char === '\n' || char === ',') && depth === 0) return i + 1;
  }
  return text.length;
}

/** The value of a plain string literal (no interpolation), else undefined. */
export function stringLiteral(expression: string): string | undefined {
  const match = /^'((?:[^'\\]|\\.)*)'$/.exec(expression.trim());
  if (!match || (match[1] ?? '').includes('${')) return undefined;
  return (match[1] ?? '').replace(/\\(.)/g, '$1');
}

export interface BicepParam {
  readonly name: string;
  readonly type: string;
  readonly defaultExpression: string | undefined;
  /** Values of `@allowed([...])`, as written (strings unquoted). */
  readonly allowed: readonly string[] | undefined;
}

export function params(text: string): Map<string, BicepParam> {
  const result = new Map<string, BicepParam>();
  const pattern = /^param\s+(\w+)\s+(\w+)(?:[ \t]*=[ \t]*(.+))?$/gm;
  for (const match of text.matchAll(pattern)) {
    const [, name = '', type = '', defaultExpression] = match;
    result.set(name, {
      name,
      type,
      defaultExpression: defaultExpression?.trim(),
      allowed: allowedBefore(text, match.index),
    });
  }
  return result;
}

/** The `@allowed` decorator among the decorators right above a declaration. */
function allowedBefore(text: string, declarationStart: number): string[] | undefined {
  const before = text.slice(0, declarationStart);
  const previousDeclaration = Math.max(
    before.lastIndexOf('\nparam '),
    before.lastIndexOf('\nvar '),
    before.lastIndexOf('\nresource '),
  );
  const decorators = before.slice(previousDeclaration + 1).replace(/^(param|var|resource) .*$/m, '');
  const allowed = /@allowed\(\s*\[([\s\S]*?)\]\s*\)/.exec(decorators);
  if (!allowed) return undefined;
  return [...(allowed[1] ?? '').matchAll(/'([^']*)'|(-?\d+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

export interface BicepResource {
  readonly symbol: string;
  /** e.g. `Microsoft.Web/sites` (API version removed). */
  readonly type: string;
  /** e.g. `2024-04-01`. */
  readonly apiVersion: string;
  readonly existing: boolean;
  /** The declaration's body: the object, or the whole `[for ...]` loop. */
  readonly body: string;
}

export function resources(text: string): BicepResource[] {
  const pattern = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s+(existing\s+)?=\s*/gm;
  return [...text.matchAll(pattern)].map((match) => {
    const afterEquals = match.index + match[0].length;
    const open = text.slice(afterEquals).search(/[{[]/);
    return {
      symbol: match[1] ?? '',
      type: match[2] ?? '',
      apiVersion: match[3] ?? '',
      existing: match[4] !== undefined,
      body: balancedBlock(text, afterEquals + open),
    };
  });
}

export function resourcesOfType(text: string, type: string): BicepResource[] {
  return resources(text).filter((resource) => resource.type.toLowerCase() === type.toLowerCase());
}

/** The only non-existing resource of a type in a file. */
export function onlyResource(text: string, type: string): BicepResource {
  const found = resourcesOfType(text, type).filter((resource) => !resource.existing);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  const [resource] = found;
  if (resource === undefined) throw new Error(`no ${type}`);
  return resource;
}

/** `name: value` anywhere in a block, as a normalised single-line string (first occurrence). */
export function property(block: string, name: string): string | undefined {
  return rawProperty(block, name)?.replace(/\s+/g, ' ');
}

/** `name: value` anywhere in a block, as written (first occurrence): read nested properties from it. */
export function rawProperty(block: string, name: string): string | undefined {
  const match = new RegExp(`(?:^|[\\s{])${name}\\s*:\\s*`, 'm').exec(block);
  if (!match) return undefined;
  const rest = block.slice(match.index + match[0].length);
  const first = rest[0] ?? '';
  const value = OPENERS[first] !== undefined ? balancedBlock(rest, 0) : rest.slice(0, expressionEnd(rest));
  return value.trim();
}
