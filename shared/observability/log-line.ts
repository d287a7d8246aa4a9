/**
 * One log line with its dimensions: `message | key=value key=value`. In the v4 Node.js model
 * `context.log` sends text only (extra arguments are formatted into the message, never into
 * customDimensions), so the dimensions travel in a fixed, parseable suffix that KQL's `parse-kv`
 * reads back (docs/adr/0008-structured-logs.md). No personal data: values are identifiers and numbers.
 */
import { withholdPersonalData } from '../store/personal-data';

export type LogLevel = 'information' | 'warning' | 'error';
export type DimensionValue = string | number | boolean;
/** Well-known names first; any other identifier-like key is allowed. */
export interface LogDimensions {
  tenantId?: string;
  instanceId?: string;
  msCorrelationId?: string;
  invocationId?: string;
  [key: string]: DimensionValue | undefined;
}

export interface LogRecord {
  level: LogLevel;
  message: string;
  dimensions: LogDimensions;
}

export type LogSink = (record: LogRecord) => void;

/** Separates the sentence from its dimensions; KQL splits on it. */
export const DIMENSIONS_SEPARATOR = ' | ';
const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MAX_VALUE_LENGTH = 200;

/** `message | a=1 b=x`; the message alone when there are no dimensions. */
export function formatLogLine(message: string, dimensions: LogDimensions): string {
  const pairs = Object.entries(dimensions)
    .filter((entry): entry is [string, DimensionValue] => entry[1] !== undefined && KEY.test(entry[0]))
    .map(([key, value]) => `${key}=${dimensionText(value)}`);
  return pairs.length === 0 ? message : `${message}${DIMENSIONS_SEPARATOR}${pairs.join(' ')}`;
}

/**
 * A value as one token: whitespace, `=` and `|` would break the key=value parsing, so they become
 * `_`; anything that looks like personal data is withheld rather than logged.
 */
export function dimensionText(value: DimensionValue): string {
  const text = String(value).slice(0, MAX_VALUE_LENGTH);
  if (withholdPersonalData(text) !== text) return 'withheld';
  return text.replace(/[\s=|]+/g, '_') || '_';
}

/** Later dimensions win; undefined never overwrites a value. */
export function mergeDimensions(...layers: (LogDimensions | undefined)[]): LogDimensions {
  const merged: LogDimensions = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) if (value !== undefined) merged[key] = value;
  }
  return merged;
}
