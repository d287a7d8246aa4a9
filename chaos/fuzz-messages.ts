/**
 * Fuzzed CRM messages for `crm-customer-events`, generated with fast-check from a seed: a well-formed
 * event, then mutations (wrong types, missing and extra fields, huge strings, control characters,
 * invalid GUIDs and e-mail addresses), or a body that is not an event at all (not JSON, JSON that is no
 * object, random bytes). Each message gets its own tenant id and signatory, derived from its index, so
 * the driver can tell which instance, state row or log line belongs to which message.
 *
 * Whether a message is valid is decided by the app's own decoder (`decodeCrmMessage`), applied to the
 * body as the receiver will see it: the generator never guesses the contract.
 */
import fc from 'fast-check';
import { decodeCrmMessage } from '../functions/crm-queue.function';
import type { FieldError } from '../functions/http-errors';
import { CRM_EVENT_TYPES } from '../shared/workflow/contracts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Where a mutation lands: a path of keys into the event. */
const FIELD_PATHS = [
  ['type'],
  ['eventId'],
  ['occurredAt'],
  ['method'],
  ['customer'],
  ['customer', 'tenantId'],
  ['customer', 'companyName'],
  ['customer', 'country'],
  ['customer', 'language'],
  ['customer', 'signatory'],
  ['customer', 'signatory', 'firstName'],
  ['customer', 'signatory', 'lastName'],
  ['customer', 'signatory', 'email'],
  ['customer', 'signatory', 'phoneNumber'],
  ['customer', 'resellerTenantId'],
] as const;
type FieldPath = readonly string[];
const STRING_PATHS = FIELD_PATHS.filter((p) => !['customer', 'signatory'].includes(p[p.length - 1] ?? ''));
const OBJECT_PATHS: FieldPath[] = [[], ['customer'], ['customer', 'signatory']];

type Mutation =
  | { kind: 'missing'; path: FieldPath }
  | { kind: 'wrongType'; path: FieldPath; value: Json }
  | { kind: 'extraField'; path: FieldPath; key: string; value: Json }
  | { kind: 'hugeString'; path: FieldPath; length: number }
  | { kind: 'controlCharacters'; path: FieldPath; at: number; characters: string }
  | { kind: 'invalidGuid'; path: FieldPath; value: string }
  | { kind: 'invalidEmail'; value: string };

interface EventShape {
  type: (typeof CRM_EVENT_TYPES)[number];
  method: 'attestation' | 'direct' | undefined;
  country: string;
  language: string;
  withPhone: boolean;
  withReseller: boolean;
  /** Minutes before the send. */
  ageMinutes: number;
  /** Sent as an object (JSON in the data section), as JSON text, or as UTF-8 JSON bytes. */
  encoding: 'object' | 'jsonText' | 'jsonBytes';
}

type FuzzCase =
  | { kind: 'event'; shape: EventShape; mutations: Mutation[] }
  | { kind: 'notJson'; text: string }
  | { kind: 'jsonNotObject'; value: Json }
  | { kind: 'binary'; bytes: Uint8Array };

/** The personal data a message carries (its signatory), for the leak scan. */
export interface MessagePii {
  names: string[];
  emails: string[];
  phones: string[];
}

export interface FuzzMessage {
  index: number;
  messageId: string;
  /** What is handed to the Service Bus sender. */
  body: unknown;
  /** The tenant the message is about (before any mutation). */
  tenantId: string;
  /** What the mutations did, for failure messages: `wrongType customer.country`. */
  label: string;
  /** The app's verdict on the body as it will be received. */
  verdict: { valid: true } | { valid: false; fields: FieldError[] };
  pii: MessagePii;
}

const jsonScalar: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const wrongTypeValue: fc.Arbitrary<Json> = fc.oneof(
  jsonScalar,
  fc.array(jsonScalar, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), jsonScalar, { maxKeys: 3 }),
);
const controlCharacter = fc.integer({ min: 0, max: 0x1f }).map((code) => String.fromCharCode(code));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('missing' as const), path: fc.constantFrom(...FIELD_PATHS) }),
  fc.record({
    kind: fc.constant('wrongType' as const),
    path: fc.constantFrom(...FIELD_PATHS),
    value: wrongTypeValue,
  }),
  fc.record({
    kind: fc.constant('extraField' as const),
    path: fc.constantFrom(...OBJECT_PATHS),
    key: fc.string({ minLength: 1, maxLength: 20 }),
    value: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  }),
  fc.record({
    kind: fc.constant('hugeString' as const),
    path: fc.constantFrom(...STRING_PATHS),
    length: fc.integer({ min: 1_000, max: 60_000 }),
  }),
  fc.record({
    kind: fc.constant('controlCharacters' as const),
    path: fc.constantFrom(...STRING_PATHS),
    at: fc.nat(),
    characters: fc.string({ unit: controlCharacter, minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    kind: fc.constant('invalidGuid' as const),
    path: fc.constantFrom(['customer', 'tenantId'], ['customer', 'resellerTenantId']),
    value: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.uuid().map((id) => id.slice(0, -1)),
      fc.uuid().map((id) => `{${id}}x`),
      fc.uuid().map((id) => id.replace(/-/g, '_')),
    ),
  }),
  fc.record({
    kind: fc.constant('invalidEmail' as const),
    value: fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        'plainaddress',
        '@no-local.example',
        'two@@at.example',
        'trailing@',
        'sp ace@x.example',
      ),
      fc.emailAddress().map((email) => email.replace('@', '')),
    ),
  }),
);

const eventShape: fc.Arbitrary<EventShape> = fc.record({
  type: fc.constantFrom(...CRM_EVENT_TYPES),
  method: fc.constantFrom('attestation' as const, 'direct' as const, undefined),
  country: fc.constantFrom('JP', 'US', 'DE', 'GB'),
  language: fc.constantFrom('ja-JP', 'en-US', 'de-DE', 'en'),
  withPhone: fc.boolean(),
  withReseller: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  ageMinutes: fc.integer({ min: 1, max: 60 * 24 * 30 }),
  encoding: fc.constantFrom('object' as const, 'jsonText' as const, 'jsonBytes' as const),
});

/** Mostly broken: about one in seven events is left intact (and some mutations, e.g. extra fields, are harmless). */
const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      shape: eventShape,
      mutations: fc.constant<Mutation[]>([]),
    }),
  },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('event' as const),
      shape: eventShape,
      mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('notJson' as const),
      text: fc.oneof(fc.string({ maxLength: 200 }), fc.constantFrom('{"type":', '<xml/>', "{'a':1}", '')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('jsonNotObject' as const),
      value: fc.oneof(
        jsonScalar,
        fc.array(fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json>, { maxLength: 3 }),
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('binary' as const),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 2_000 }),
    }),
  },
);

/** `count` messages, the same for the same seed; message ids `fuzz-<seed>-<index>`. */
export function generateFuzzMessages(count: number, seed: number, now = Date.now()): FuzzMessage[] {
  return fc
    .sample(fuzzCase, { numRuns: count, seed })
    .map((testCase, index) => toMessage(testCase, index, seed, now));
}

function toMessage(testCase: FuzzCase, index: number, seed: number, now: number): FuzzMessage {
  const identity = identityOf(seed, index);
  const base = { index, messageId: `fuzz-${seed}-${index}`, tenantId: identity.tenantId, pii: identity.pii };
  switch (testCase.kind) {
    case 'notJson':
      return withVerdict({ ...base, body: testCase.text, label: 'not JSON' }, testCase.text);
    case 'jsonNotObject':
      return withVerdict(
        { ...base, body: testCase.value, label: 'JSON, not an object' },
        roundTrip(testCase.value),
      );
    case 'binary': {
      const bytes = Buffer.from(testCase.bytes);
      return withVerdict({ ...base, body: bytes, label: 'binary' }, asReceivedBytes(bytes));
    }
    case 'event': {
      const event = buildEvent(testCase.shape, identity, index, seed, now);
      for (const m of testCase.mutations) applyMutation(event, m);
      const label = testCase.mutations.map(describeMutation).join(', ') || 'intact';
      const text = JSON.stringify(event);
      switch (testCase.shape.encoding) {
        case 'object':
          return withVerdict({ ...base, body: event, label }, JSON.parse(text));
        case 'jsonText':
          return withVerdict({ ...base, body: text, label: `${label} (as text)` }, text);
        case 'jsonBytes': {
          const bytes = Buffer.from(text, 'utf8');
          return withVerdict({ ...base, body: bytes, label: `${label} (as bytes)` }, asReceivedBytes(bytes));
        }
      }
    }
  }
}

function withVerdict(message: Omit<FuzzMessage, 'verdict'>, received: unknown): FuzzMessage {
  const decoded = decodeCrmMessage(received);
  return { ...message, verdict: decoded.ok ? { valid: true } : { valid: false, fields: decoded.fields } };
}

/** @azure/service-bus sends a non-Buffer body as JSON and parses a received data section as JSON when it can. */
function roundTrip(value: Json): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function asReceivedBytes(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return bytes;
  }
}

interface Identity {
  tenantId: string;
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  pii: MessagePii;
}

/**
 * Unique per (seed, index) and easy to find again: names are single distinctive words, addresses and
 * numbers unique; so a leak scan that finds one knows the message it came from.
 */
export function identityOf(seed: number, index: number): Identity {
  const serial = (seed % 1_000_000) * 1_000_000 + index;
  const token = serial.toString(36);
  const digits = String(serial % 100_000_000).padStart(8, '0');
  const tenantId = `f0220000-${hex(seed, 4)}-4000-8000-${hex(index, 12)}`;
  const firstName = `Hanafz${token}`;
  const lastName = `Yamafz${token}`;
  const email = `signatory.${token}@fuzz-${token}.example`;
  const phone = `+81 90 ${digits.slice(0, 4)} ${digits.slice(4)}`;
  return {
    tenantId,
    firstName,
    lastName,
    email,
    phone,
    pii: { names: [firstName, lastName], emails: [email], phones: [phone] },
  };
}

function hex(value: number, width: number): string {
  return (value % 16 ** width).toString(16).padStart(width, '0');
}

function buildEvent(
  shape: EventShape,
  identity: Identity,
  index: number,
  seed: number,
  now: number,
): Record<string, Json> {
  const signatory: Record<string, Json> = {
    firstName: identity.firstName,
    lastName: identity.lastName,
    email: identity.email,
    ...(shape.withPhone ? { phoneNumber: identity.phone } : {}),
  };
  return {
    type: shape.type,
    eventId: `fuzz-event-${seed}-${index}`,
    occurredAt: new Date(now - shape.ageMinutes * 60_000).toISOString(),
    customer: {
      tenantId: identity.tenantId,
      companyName: `Fuzz Trading ${index} KK`,
      country: shape.country,
      language: shape.language,
      signatory,
      ...(shape.withReseller ? { resellerTenantId: `f0330000-0000-4000-8000-${hex(index, 12)}` } : {}),
    },
    ...(shape.method ? { method: shape.method } : {}),
  };
}

function applyMutation(event: Record<string, Json>, m: Mutation): void {
  switch (m.kind) {
    case 'missing':
      return update(event, m.path, () => undefined);
    case 'wrongType':
      return update(event, m.path, () => m.value);
    case 'extraField': {
      const target = m.path.length === 0 ? event : get(event, m.path);
      if (isObject(target)) target[m.key] = m.value;
      return;
    }
    case 'hugeString':
      return update(event, m.path, (old) => (typeof old === 'string' ? old : '') + 'x'.repeat(m.length));
    case 'controlCharacters':
      return update(event, m.path, (old) => {
        const text = typeof old === 'string' ? old : '';
        const at = m.at % (text.length + 1);
        return text.slice(0, at) + m.characters + text.slice(at);
      });
    case 'invalidGuid':
      return update(event, m.path, () => m.value);
    case 'invalidEmail':
      return update(event, ['customer', 'signatory', 'email'], () => m.value);
  }
}

function describeMutation(m: Mutation): string {
  const where = 'path' in m ? m.path.join('.') || '(root)' : 'customer.signatory.email';
  return `${m.kind} ${where}`;
}

function get(root: Json, path: FieldPath): Json | undefined {
  let node: Json | undefined = root;
  for (const key of path) node = isObject(node) ? node[key] : undefined;
  return node;
}

/** Replaces (or with `undefined`, removes) the value at `path` when its parent is an object. */
function update(
  root: Record<string, Json>,
  path: FieldPath,
  replace: (old: Json | undefined) => Json | undefined,
): void {
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (!isObject(parent) || key === undefined) return;
  const value = replace(parent[key]);
  if (value === undefined) delete parent[key];
  else parent[key] = value;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
