/**
 * JSON Schemas of the workflow's queue contracts, generated from the zod schemas the code decodes with
 * (zod 4's `z.toJSONSchema`), so the documents in docs/schemas never drift from the code. `npm run
 * schemas` writes them; a test regenerates and compares.
 */
import { z } from 'zod';
import { crmEventSchema, customerSchema, outcomeEventSchema, QUEUES } from './contracts';

export type JsonSchema = Record<string, unknown>;

/**
 * The input side (before transforms such as lower-casing tenant ids, which JSON Schema cannot express):
 * what a sender must send, and what the code's own messages satisfy. Checks zod cannot express as JSON
 * Schema (e.g. "not in the future") are left to the code.
 */
export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
}

/** The customer fields only a `PurchaseBlocked` event may leave out: all but the tenant id. */
function fieldsRequiredOfWholeCustomer(): string[] {
  const required = (inputJsonSchema(customerSchema).required ?? []) as string[];
  return required.filter((field) => field !== 'tenantId');
}

export function crmEventJsonSchema(): JsonSchema {
  return {
    ...inputJsonSchema(crmEventSchema),
    $id: 'https://mca-workflow.example/schemas/crm-event.schema.json',
    title: 'CRM customer event',
    description: `A message on the \`${QUEUES.crmEvents}\` Service Bus queue. A PurchaseBlocked event needs only customer.tenantId; the other types need the whole customer.`,
    // The refinement in crmEventSchema, spelled out for JSON Schema readers.
    if: { properties: { type: { not: { const: 'PurchaseBlocked' } } } },
    then: { properties: { customer: { required: ['tenantId', ...fieldsRequiredOfWholeCustomer()] } } },
  };
}

export function outcomeEventJsonSchema(): JsonSchema {
  return {
    ...inputJsonSchema(outcomeEventSchema),
    $id: 'https://mca-workflow.example/schemas/outcome-event.schema.json',
    title: 'MCA outcome event',
    description: `A message the workflow sends on the \`${QUEUES.outcomes}\` Service Bus queue when a run ends.`,
  };
}

/** docs/schemas file name -> document. */
export function contractJsonSchemas(): Record<string, JsonSchema> {
  return {
    'crm-event.schema.json': crmEventJsonSchema(),
    'outcome-event.schema.json': outcomeEventJsonSchema(),
  };
}

/** The file text: two-space JSON with a final newline (what Prettier leaves as is). */
export function jsonSchemaFileText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
