import {
  acceptanceLink,
  acceptanceUrlTemplateProblem,
  fillAcceptanceUrl,
} from '../../../shared/workflow/acceptance-link';

const VALUES = { attestationId: 'a1b2-c3', country: 'JP', language: 'ja-JP' };

describe('fillAcceptanceUrl', () => {
  it.each([
    [
      'https://accept.example/mca?id={attestationId}&c={country}&l={language}',
      VALUES,
      'https://accept.example/mca?id=a1b2-c3&c=JP&l=ja-JP',
    ],
    ['https://accept.example/a/{attestationId}', VALUES, 'https://accept.example/a/a1b2-c3'],
    // Values are URL-encoded: an id cannot add a path segment or a parameter.
    [
      'https://accept.example/a/{attestationId}?l={language}',
      { ...VALUES, attestationId: 'x/../y?z=1&w', language: 'en US' },
      'https://accept.example/a/x%2F..%2Fy%3Fz%3D1%26w?l=en%20US',
    ],
    [
      'https://accept.example/{attestationId}/{attestationId}',
      VALUES,
      'https://accept.example/a1b2-c3/a1b2-c3',
    ],
  ])('%s', (template, values, expected) => {
    expect(fillAcceptanceUrl(template, values)).toBe(expected);
  });
});

describe('acceptanceUrlTemplateProblem', () => {
  it.each([
    ['https://accept.example/mca?id={attestationId}&c={country}&l={language}', undefined],
    ['http://localhost:7081/acceptance/{attestationId}?country={country}', undefined],
    ['http://127.0.0.1:7081/acceptance/{attestationId}', undefined],
    ['https://accept.example/mca?c={country}', 'expected the {attestationId} placeholder'],
    ['https://accept.example/{attestationID}', 'unknown placeholder {attestationID}'],
    ['https://accept.example/{attestationId}?t={tenantId}', 'unknown placeholder {tenantId}'],
    ['http://accept.example/{attestationId}', 'expected an https URL (http only for localhost)'],
    ['ftp://accept.example/{attestationId}', 'expected an https URL (http only for localhost)'],
    ['accept.example/{attestationId}', 'expected an absolute URL once its placeholders are filled'],
  ])('%s', (template, problem) => {
    const found = acceptanceUrlTemplateProblem(template);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe('acceptanceLink', () => {
  const template = 'https://accept.example/mca/{attestationId}?lang={language}';
  it.each([
    [
      'a link in the response wins',
      'https://pc.example/link/1',
      template,
      'https://pc.example/link/1',
      'response',
    ],
    [
      'no link: the template',
      undefined,
      template,
      'https://accept.example/mca/a1b2-c3?lang=ja-JP',
      'template',
    ],
    [
      'a blank link: the template',
      '  ',
      template,
      'https://accept.example/mca/a1b2-c3?lang=ja-JP',
      'template',
    ],
    [
      'a link and no template',
      'https://pc.example/link/1',
      undefined,
      'https://pc.example/link/1',
      'response',
    ],
  ])('%s', (_name, fromResponse, tmpl, url, source) => {
    expect(acceptanceLink(fromResponse, tmpl, VALUES)).toEqual({ url, source });
  });

  it('gives nothing without a link and without a template', () => {
    expect(acceptanceLink(undefined, undefined, VALUES)).toBeUndefined();
  });
});
