import {
  genuineEvent,
  HOSTILE_KINDS,
  hostileRequests,
  padded,
} from '../../../chaos/hostile-webhooks-requests';

describe('hostile webhook requests', () => {
  const partnerCenterUrl = 'http://127.0.0.1:7081';
  const genuine = genuineEvent(partnerCenterUrl, 'f0440000-0000-4000-8000-ffffffffffff', new Date(0));
  const context = { partnerCenterUrl, canaryUrl: 'http://127.0.0.1:9', genuine };
  const requests = hostileRequests(40, 3, context);

  it('hold every kind, the same for the same seed', () => {
    expect(new Set(requests.map((r) => r.kind))).toEqual(new Set(HOSTILE_KINDS));
    expect(hostileRequests(40, 3, context).map((r) => r.kind)).toEqual(requests.map((r) => r.kind));
  });

  it('name a tenant of their own, except replays, which repeat the genuine event byte for byte', () => {
    for (const request of requests) {
      if (request.kind === 'replay') {
        expect(request.body.equals(genuine.body)).toBe(true);
        expect(request.headers).toEqual(genuine.headers);
        expect(request.expect).toBe('duplicate');
      } else {
        expect(request.tenantId).not.toBe(genuine.tenantId);
        expect(request.expect).toBe('clientError');
      }
    }
  });

  it('pad oversize bodies past the 64 KB cap, still JSON', () => {
    const oversize = requests.filter((r) => r.padTo !== undefined);
    expect(oversize.length).toBeGreaterThan(0);
    for (const request of oversize) {
      const body = padded(request.body, request.padTo ?? 0);
      expect(body.length).toBeGreaterThan(64 * 1024);
      expect(JSON.parse(body.toString('utf8'))).toMatchObject({ EventName: expect.any(String) as unknown });
    }
  });
});
