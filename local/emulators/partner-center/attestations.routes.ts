/**
 * Enhanced attestation: the API that starts one (App-only), its state, and the acceptance page the
 * customer opens from the link (the stand-in for Microsoft's embeddable acceptance component).
 * As Microsoft documents it, the partner builds the link from a parameterized URL: the responses
 * carry none unless `linkInResponse` is switched on. The page answers at
 * `/acceptance/{attestationId}` (query parameters such as `?country=..&language=..` are accepted).
 */
import { z } from 'zod';
import type { Clock } from '../../clock';
import { escapeHtml } from '../escape-html';
import { ErrorCodes } from './error-codes';
import { attestationState, findCustomer, type AttestationRecord, type StateStore } from './emulator-state';
import { json, pcErrorV2, redirect, type Reply } from './http-kit';
import { acceptForm, notFoundPage, page } from './html-pages';
import { readJson } from './json-body';
import type { RequestContext, Route } from './router';

/** Switchable while running (control API). */
export interface AttestationOptions {
  /** Whether responses carry an `acceptanceLink`. */
  linkInResponse: boolean;
  /** A status word to report instead of the real state, per attestation id (e.g. one we do not know). */
  reportedStatus: Map<string, string>;
}

export interface AttestationsDeps {
  store: StateStore;
  clock: Clock;
  linkTtlMs: number;
  options: AttestationOptions;
}

export function attestationsRoutes(deps: AttestationsDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/:version/attestations/enhanced',
      auth: 'app',
      idempotent: true,
      handler: (ctx) => createAttestation(ctx, deps),
    },
    {
      method: 'GET',
      pattern: '/:version/attestations/enhanced/:attestationId',
      auth: 'app',
      handler: (ctx) => getAttestation(ctx, deps),
    },
    {
      method: 'GET',
      pattern: '/acceptance/:attestationId',
      auth: 'none',
      handler: (ctx) => acceptancePage(ctx, deps),
    },
    {
      method: 'POST',
      pattern: '/acceptance/:attestationId',
      auth: 'none',
      handler: (ctx) => acceptFromPage(ctx, deps),
    },
  ];
}

const attestationBody = z.object({
  country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 country code'),
  language: z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a BCP 47 language tag'),
  companyName: z.string().trim().min(1),
  signatoryFirstName: z.string().trim().min(1),
  signatoryLastName: z.string().trim().min(1),
  signatoryEmail: z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, 'an e-mail address'),
  signatoryPhoneNumber: z.string().optional(),
  customerTenantId: z.string().optional(),
});

function invalid(field: string, message: string): Reply {
  return pcErrorV2(400, ErrorCodes.validation, 'InvalidInput', message, { field });
}

function wrongVersion(ctx: RequestContext): Reply | undefined {
  return /^v\d+$/i.test(ctx.params.version ?? '')
    ? undefined
    : pcErrorV2(404, ErrorCodes.notFound, 'NotFound', 'Unknown API version.');
}

function attestationView(
  a: AttestationRecord,
  baseUrl: string,
  now: number,
  options: AttestationOptions,
): Record<string, unknown> {
  return {
    id: a.id,
    status: options.reportedStatus.get(a.id) ?? attestationState(a, now),
    ...(options.linkInResponse ? { acceptanceLink: `${baseUrl}/acceptance/${a.id}` } : {}),
    expiresAt: new Date(a.expiresAt).toISOString(),
    createdAt: new Date(a.createdAt).toISOString(),
    ...(a.acceptedAt === undefined ? {} : { acceptedAt: new Date(a.acceptedAt).toISOString() }),
    ...(a.customerTenantId === undefined ? {} : { customerTenantId: a.customerTenantId }),
    companyName: a.companyName,
  };
}

function createAttestation(ctx: RequestContext, deps: AttestationsDeps): Reply {
  const versionProblem = wrongVersion(ctx);
  if (versionProblem) return versionProblem;
  const body = readJson(ctx, attestationBody, invalid);
  if ('status' in body) return body;
  if (body.customerTenantId !== undefined && !findCustomer(deps.store.state, body.customerTenantId)) {
    return pcErrorV2(
      404,
      ErrorCodes.notFound,
      'CustomerNotFound',
      `Customer ${body.customerTenantId} was not found.`,
      {
        field: 'customerTenantId',
      },
    );
  }
  const now = deps.clock.now();
  const attestation: AttestationRecord = {
    id: crypto.randomUUID(),
    customerTenantId: body.customerTenantId,
    companyName: body.companyName,
    country: body.country.toUpperCase(),
    language: body.language,
    signatory: {
      firstName: body.signatoryFirstName,
      lastName: body.signatoryLastName,
      email: body.signatoryEmail,
      phoneNumber: body.signatoryPhoneNumber,
    },
    createdAt: now,
    expiresAt: now + deps.linkTtlMs,
  };
  deps.store.update((state) => state.attestations.push(attestation));
  return json(201, attestationView(attestation, ctx.baseUrl, now, deps.options));
}

function getAttestation(ctx: RequestContext, deps: AttestationsDeps): Reply {
  const versionProblem = wrongVersion(ctx);
  if (versionProblem) return versionProblem;
  const id = ctx.params.attestationId ?? '';
  const attestation = deps.store.state.attestations.find((a) => a.id === id);
  if (!attestation)
    return pcErrorV2(404, ErrorCodes.notFound, 'AttestationNotFound', `Attestation ${id} was not found.`);
  return json(200, attestationView(attestation, ctx.baseUrl, deps.clock.now(), deps.options));
}

function acceptancePage(ctx: RequestContext, deps: AttestationsDeps): Reply {
  const id = ctx.params.attestationId ?? '';
  const attestation = deps.store.state.attestations.find((a) => a.id === id);
  if (!attestation) return notFoundPage('This acceptance link');
  const now = deps.clock.now();
  const state = attestationState(attestation, now);
  const title = 'Microsoft Customer Agreement';
  const company = escapeHtml(attestation.companyName);
  if (state === 'expired') {
    return page(
      200,
      title,
      `<p class="state">This link has expired.</p><p>Ask your partner for a new link for ${company}.</p>`,
    );
  }
  if (state === 'accepted') {
    return page(
      200,
      title,
      `<p class="state">Accepted.</p><p>${company} has accepted the Microsoft Customer Agreement.</p>`,
    );
  }
  // Opening the link is what moves an attestation from required to pending.
  if (attestation.viewedAt === undefined) deps.store.update(() => (attestation.viewedAt = now));
  return page(
    200,
    title,
    acceptForm(attestation.companyName, `/acceptance/${encodeURIComponent(id)}`, 'Accept'),
  );
}

function acceptFromPage(ctx: RequestContext, deps: AttestationsDeps): Reply {
  const id = ctx.params.attestationId ?? '';
  const attestation = deps.store.state.attestations.find((a) => a.id === id);
  if (!attestation) return notFoundPage('This acceptance link');
  acceptAttestation(deps.store, attestation, deps.clock.now());
  return redirect(`/acceptance/${encodeURIComponent(id)}`);
}

/** Accepts unless the link has expired or it was accepted before; returns the resulting state. */
export function acceptAttestation(store: StateStore, attestation: AttestationRecord, now: number): string {
  const state = attestationState(attestation, now);
  if (state === 'required' || state === 'pending') store.update(() => (attestation.acceptedAt = now));
  return attestationState(attestation, now);
}
