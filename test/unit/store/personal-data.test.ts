import { findPersonalData, withholdPersonalData } from '../../../shared/store/personal-data';

describe('findPersonalData', () => {
  it.each([
    ['invite sent to taro.yamada@example.co.jp', 'email'],
    ['contact=admin@contoso', 'email'],
    ['<hanako@example.com>', 'email'],
    ['called 090-1234-5678', 'phone'],
    ['phone +81 3 1234 5678', 'phone'],
    ['+81-3-1234-5678', 'phone'],
    ['call (03) 1234-5678', 'phone'],
    ['+1 (555) 123-4567', 'phone'],
    ['tel:0312345678', 'phone'],
    ['0312345678', 'phone'],
    ['at 1767225600000', 'phone'],
  ])('finds personal data in %j (%s)', (text, kind) => {
    expect(findPersonalData(text)).toBe(kind);
  });

  it.each([
    '',
    'state Checking -> InviteSent',
    'attestation 12345678-1234-1234-1234-123456789012',
    'tenant 3f2a1234-5678-4abc-9def-123456789012',
    'dated 2026-01-01T10:00:00.000Z',
    'between 2026-01-01 10:00:00 and 2026-02-01 10:00:00',
    'reminder 3 of 3 (day 14)',
    'schedule 3, 7, 14 days; deadline 30 days',
    'v1.2.3',
    'message 14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    'Partner Center 429, retry after 120 s',
    'attestation a1234567890b',
  ])('finds none in %j', (text) => {
    expect(findPersonalData(text)).toBeUndefined();
  });
});

describe('withholdPersonalData', () => {
  it('keeps clean text and replaces text that quotes someone', () => {
    expect(withholdPersonalData('SendGrid 400: bad request')).toBe('SendGrid 400: bad request');
    expect(withholdPersonalData('SendGrid 400: bad to address x@example.com')).toBe(
      '(withheld: the text contained an e-mail address)',
    );
    expect(withholdPersonalData('number 090-1234-5678 unreachable')).toBe(
      '(withheld: the text contained a phone number)',
    );
  });
});
