import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  contractJsonSchemas,
  crmEventJsonSchema,
  outcomeEventJsonSchema,
} from '../../../shared/workflow/json-schemas';
import { crmEventSchema, outcomeEventSchema } from '../../../shared/workflow/contracts';

const SCHEMA_DIR = join(__dirname, '../../../docs/schemas');

describe('docs/schemas', () => {
  it.each(Object.entries(contractJsonSchemas()))(
    '%s is what the code generates (run `npm run schemas` after changing contracts.ts)',
    (file, schema) => {
      const committed = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as unknown;

      expect(committed).toEqual(schema);
    },
  );
});

describe('crmEventJsonSchema', () => {
  const schema = crmEventJsonSchema();

  it('is draft 2020-12 with the message fields and their required ones', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['type', 'eventId', 'occurredAt', 'customer']);
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(crmEventSchema.shape));
  });

  it('requires the whole customer unless the type is PurchaseBlocked', () => {
    expect(schema.if).toEqual({ properties: { type: { not: { const: 'PurchaseBlocked' } } } });
    expect(schema.then).toEqual({
      properties: {
        customer: { required: ['tenantId', 'companyName', 'country', 'language', 'signatory'] },
      },
    });
  });
});

describe('outcomeEventJsonSchema', () => {
  it('names every field of the outcome event, all required, the tenant id as a GUID', () => {
    const schema = outcomeEventJsonSchema();

    expect(schema.required).toEqual(Object.keys(outcomeEventSchema.shape));
    expect((schema.properties as Record<string, unknown>).tenantId).toMatchObject({ format: 'uuid' });
    expect(z.toJSONSchema(outcomeEventSchema, { io: 'input' }).properties).toEqual(schema.properties);
  });
});
