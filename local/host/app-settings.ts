/**
 * Reads what Core Tools reads from an app folder: `package.json` (`main`), `host.json` and
 * `local.settings.json` (`Values` become environment variables, never overriding ones already set).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const packageJsonSchema = z.looseObject({ main: z.string().optional() });

const hostJsonSchema = z.looseObject({
  version: z.string().optional(),
  logging: z.looseObject({ logLevel: z.record(z.string(), z.string()).optional() }).optional(),
  extensions: z
    .looseObject({
      http: z.looseObject({ routePrefix: z.string().optional() }).optional(),
      durableTask: z.looseObject({ hubName: z.string().optional() }).optional(),
      serviceBus: z
        .looseObject({
          maxConcurrentCalls: z.number().int().positive().optional(),
          autoCompleteMessages: z.boolean().optional(),
          prefetchCount: z.number().int().nonnegative().optional(),
        })
        .optional(),
    })
    .optional(),
});

const localSettingsSchema = z.looseObject({
  IsEncrypted: z.boolean().optional(),
  Values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

export type HostJson = z.infer<typeof hostJsonSchema>;

export interface AppSettings {
  appDir: string;
  main: string | undefined;
  hostJson: HostJson;
  /** `Values` from local.settings.json, as strings. */
  localValues: Record<string, string>;
}

function readJson<T>(file: string, schema: z.ZodType<T>, fallback: T): T {
  if (!existsSync(file)) return fallback;
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`${path.basename(file)} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${path.basename(file)} is invalid: ${issues}`);
  }
  return parsed.data;
}

export function readAppSettings(appDir: string): AppSettings {
  const pkg = readJson(path.join(appDir, 'package.json'), packageJsonSchema, {});
  const hostJson = readJson(path.join(appDir, 'host.json'), hostJsonSchema, {});
  const local = readJson(path.join(appDir, 'local.settings.json'), localSettingsSchema, {});
  const localValues: Record<string, string> = {};
  for (const [key, value] of Object.entries(local.Values ?? {})) localValues[key] = String(value);
  return { appDir, main: pkg.main, hostJson, localValues };
}

/** Copies settings into `env` the way Core Tools does: variables already set win. */
export function applyLocalValues(values: Record<string, string>, env: NodeJS.ProcessEnv): void {
  for (const [key, value] of Object.entries(values)) {
    if (env[key] === undefined) env[key] = value;
  }
}

/** `extensions.http.routePrefix` (default `api`), without surrounding slashes. */
export function routePrefixOf(hostJson: HostJson): string {
  return (hostJson.extensions?.http?.routePrefix ?? 'api').replace(/^\/+|\/+$/g, '');
}

/** `extensions.durableTask.hubName`, else the name Core Tools uses locally. */
export function hubNameOf(hostJson: HostJson): string {
  return hostJson.extensions?.durableTask?.hubName ?? 'TestHubName';
}
