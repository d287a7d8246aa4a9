/** Decodes a JSON request body with a zod schema, reporting the first bad field by name. */
import type { z } from 'zod';
import type { Reply } from './http-kit';
import type { RequestContext } from './router';

export type InvalidReply = (field: string, message: string) => Reply;

export function readJson<T>(ctx: RequestContext, schema: z.ZodType<T>, invalid: InvalidReply): T | Reply {
  let raw: unknown;
  try {
    raw = JSON.parse(ctx.body.toString('utf8'));
  } catch {
    return invalid('body', 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? 'body' : issue.path.map(String).join('.');
  return invalid(field, `The field '${field}' is missing or not valid: ${issue?.message ?? 'invalid'}.`);
}
