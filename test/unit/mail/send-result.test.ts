import { failedBeforeRequest, statusOutcome } from '../../../shared/mail/send-result';

describe('statusOutcome: what a Mail Send error status says about the mail', () => {
  it.each([
    [400, 'rejected'],
    [401, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
    [413, 'rejected'],
    [408, 'retry'],
    [429, 'retry'],
    [503, 'retry'],
    [500, 'unknown'],
    [502, 'unknown'],
    [504, 'unknown'],
    [599, 'unknown'],
  ])('%i -> %s', (status, outcome) => {
    expect(statusOutcome(status)).toBe(outcome);
  });
});

describe('failedBeforeRequest: network failures that certainly left the mail unsent', () => {
  it.each([
    ['ECONNREFUSED', true],
    ['ENOTFOUND', true],
    ['EAI_AGAIN', true],
    ['EHOSTUNREACH', true],
    ['CERT_HAS_EXPIRED', true],
    ['ERR_TLS_CERT_ALTNAME_INVALID', true],
    ['ECONNABORTED', false],
    ['ETIMEDOUT', false],
    ['ECONNRESET', false],
    ['EPIPE', false],
    ['ERR_BAD_RESPONSE', false],
    ['unknown', false],
  ])('%s -> %s', (code, before) => {
    expect(failedBeforeRequest(code)).toBe(before);
  });
});
