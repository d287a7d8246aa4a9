import { renderUnknownSendsReport } from '../../../shared/mail';

const SENDS = [
  { tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', mailKind: 'directInvite', n: 0 },
  { tenantId: '3f2504e0-4f89-11d3-9a0c-0305e82c3302', mailKind: 'reminder', n: 2 },
];

describe('unknown sends report to the partner desk', () => {
  it.each([
    ['ja-JP', 'ja', /送信結果が不明.*2 件/],
    ['en-US', 'en', /unknown send outcome: 2/],
  ])('in %s lists each tenant id with its mail, in both parts', (tag, language, subject) => {
    const mail = renderUnknownSendsReport({ sends: SENDS, recipientName: 'Contoso CSP desk' }, tag);

    expect(mail.language).toBe(language);
    expect(mail.subject).toMatch(subject);
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('3f2504e0-4f89-11d3-9a0c-0305e82c3301: directInvite');
      expect(part).toContain('3f2504e0-4f89-11d3-9a0c-0305e82c3302: reminder #2');
      expect(part).toContain('sendKey');
    }
    expect(mail.html).not.toMatch(/<img|<script|href=/i);
  });

  it.each([
    ['no sends', { sends: [] }],
    ['a mail kind that is not a name', { sends: [{ ...SENDS[0], mailKind: 'taro@example.com' }] }],
    ['a tenant id that is not a GUID', { sends: [{ ...SENDS[0], tenantId: 'Fabrikam' }] }],
  ])('refuses %s', (_name, data) => {
    expect(() => renderUnknownSendsReport(data as never, 'en')).toThrow();
  });
});
