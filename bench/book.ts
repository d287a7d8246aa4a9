/**
 * The bench's book of customers: deterministic tenant ids and a fixed mix of what Partner Center shows
 * (signed directly, attested on/after 2023-04-01, only a stale attestation, nothing), in the seed
 * format of the Partner Center emulator.
 */
import { readFileSync } from 'node:fs';
import { DEFAULT_SEED_PATH, type Seed } from '../local/emulators/partner-center/seed';

export type Coverage = 'direct' | 'attested' | 'stale' | 'none';

/** Out of every ten customers: 4 direct, 2 attested, 2 stale, 2 with nothing. */
const MIX: readonly Coverage[] = [
  'direct',
  'attested',
  'stale',
  'none',
  'direct',
  'attested',
  'direct',
  'stale',
  'none',
  'direct',
];

export function coverageOf(index: number): Coverage {
  return MIX[index % MIX.length] ?? 'none';
}

/** A valid GUID per index, stable from run to run. */
export function benchTenantId(index: number): string {
  return `b3000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

type SeedCustomer = Seed['customers'][number];

export function seedCustomer(index: number): SeedCustomer {
  const coverage = coverageOf(index);
  const name = `Bench Customer ${index}`;
  const contact = { firstName: 'Bench', lastName: 'Signer', email: `signer${index}@bench.example.com` };
  const dateAgreed = coverage === 'attested' ? '2024-05-01T00:00:00' : '2021-03-10T00:00:00';
  return {
    tenantId: benchTenantId(index),
    companyName: name,
    domain: `bench-${index}.example.com`,
    country: 'US',
    createdAt: '2025-01-01T00:00:00Z',
    directSigned: coverage === 'direct',
    agreements:
      coverage === 'attested' || coverage === 'stale' ? [{ dateAgreed, primaryContact: contact }] : [],
  };
}

/** The emulator's default seed (partner, apps, tokens) with `count` bench customers instead of its book. */
export function benchSeed(count: number): Seed {
  const base = JSON.parse(readFileSync(DEFAULT_SEED_PATH, 'utf8')) as Seed;
  return { ...base, customers: Array.from({ length: count }, (_, i) => seedCustomer(i)) };
}
