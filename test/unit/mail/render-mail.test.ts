import {
  ADMIN_CENTER_AGREEMENT_URL,
  InvalidMailDataError,
  MAIL_KINDS,
  pickLanguage,
  renderMail,
  type MailKind,
} from '../../../shared/mail';
import { ACCEPTANCE_URL, ASCII_NAMES, DEADLINE, mailData, TENANT_ID } from './mail-data.fixtures';

const LANGUAGES = [
  ['ja-JP', 'ja'],
  ['en-US', 'en'],
] as const;

const KANA = /[\u3040-\u30ff]/;

function unescapeHtml(value: string): string {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** Every link target in the HTML part, as the mail client will read it. */
function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((m) => unescapeHtml(m[1] ?? ''));
}

/** Lines of the text part, to check that a link stands alone and unchanged. */
function textLines(text: string): string[] {
  return text.split('\n');
}

const EXPECTED_LINKS: Record<MailKind, string[]> = {
  directInvite: [ADMIN_CENTER_AGREEMENT_URL],
  attestationLink: [ACCEPTANCE_URL],
  reminder: [ACCEPTANCE_URL],
  handOff: [ADMIN_CENTER_AGREEMENT_URL],
  escalation: [],
  accepted: [],
  refreshTokenAlert: [],
  contactMissing: [],
};

function render<K extends MailKind>(kind: K, language: string) {
  return renderMail(kind, mailData()[kind], language);
}

describe('renderMail: every kind in every language', () => {
  const cases = MAIL_KINDS.flatMap((kind) =>
    LANGUAGES.map(([tag, language]) => [kind, tag, language] as const),
  );

  it.each(cases)('%s in %s has a subject, a text and a self-contained HTML part', (kind, tag, language) => {
    const mail = render(kind, tag);

    expect(mail.language).toBe(language);
    expect(mail.subject.trim()).not.toBe('');
    expect(mail.subject).toContain(ASCII_NAMES.companyName);
    expect(mail.text).toContain(ASCII_NAMES.companyName);
    expect(mail.html).toMatch(/^<!DOCTYPE html>/);
    expect(mail.html).toContain(`<html lang="${language}">`);
    expect(mail.html).toContain('<meta charset="utf-8">');
    for (const forbidden of [/<img/i, /<script/i, /<link/i, /<iframe/i, /\ssrc=/i, /url\(/i, /@import/i]) {
      expect(mail.html).not.toMatch(forbidden);
    }
    expect(hrefs(mail.html)).toEqual(EXPECTED_LINKS[kind]);
    for (const href of EXPECTED_LINKS[kind]) expect(textLines(mail.text)).toContain(href);
  });

  it.each(cases)('%s in %s is written in that language', (kind, tag, language) => {
    const mail = render(kind, tag);
    // The fixture's names are ASCII, so kana can only come from the template's own words.
    expect(KANA.test(mail.subject)).toBe(language === 'ja');
    expect(KANA.test(mail.text)).toBe(language === 'ja');
  });
});

describe('language choice', () => {
  it.each([
    ['ja-JP', 'ja'],
    ['ja', 'ja'],
    ['JA_jp', 'ja'],
    ['en', 'en'],
    ['en-US', 'en'],
    ['en-GB', 'en'],
    ['fr-FR', 'en'],
    ['jv-ID', 'en'],
    ['', 'en'],
    [undefined, 'en'],
  ])('%s -> %s', (tag, expected) => {
    expect(pickLanguage(tag)).toBe(expected);
    expect(render('directInvite', tag as string).language).toBe(expected);
  });

  it('falls back to the English text, not only the English label', () => {
    expect(render('directInvite', 'de-DE')).toEqual(render('directInvite', 'en-US'));
  });
});

describe('directInvite', () => {
  it.each([
    ['ja-JP', '貴社の管理者アカウントのサインイン情報（ユーザー名とパスワード）が必要です'],
    [
      'en-US',
      'you will need the sign-in details (user name and password) of an administrator account of your organization',
    ],
  ])('in %s reminds first-time users that they need an administrator sign-in', (tag, reminder) => {
    const mail = render('directInvite', tag);
    expect(mail.text).toContain(reminder);
    expect(mail.html).toContain(reminder);
  });

  it.each([
    ['ja-JP', ['グローバル管理者または課金管理者', '内容をご確認ください', '同意してください']],
    [
      'en-US',
      [
        'Global Administrator or Billing Administrator',
        'Review the Microsoft Customer Agreement',
        'accept the agreement',
      ],
    ],
  ])('in %s gives three numbered steps: sign in as an admin, review, accept', (tag, stepWords) => {
    const mail = render('directInvite', tag);
    const steps = textLines(mail.text).filter((line) => /^\d+\. /.test(line));
    expect(steps.map((line) => line.slice(0, 3))).toEqual(['1. ', '2. ', '3. ']);
    stepWords.forEach((words, i) => expect(steps[i]).toContain(words));
    expect(mail.html.match(/<li[ >]/g)).toHaveLength(3);
  });

  it.each([
    ['ja-JP', '2026年3月31日(火)'],
    ['en-US', 'Tuesday, 31 March 2026'],
  ])('in %s names the partner contact and the deadline', (tag, date) => {
    const mail = render('directInvite', tag);
    expect(mail.text).toContain('mca-help@contoso.example');
    expect(mail.text).toContain('+81 3-1234-5678');
    expect(mail.text).toContain(ASCII_NAMES.partnerContact);
    expect(mail.text).toContain(date);
  });

  it('asks for no date when no deadline is given', () => {
    const { deadline: _deadline, ...withoutDeadline } = mailData().directInvite;
    expect(renderMail('directInvite', withoutDeadline, 'en').text).not.toContain('2026');
  });

  it('addresses the signatory family name first in Japanese, given name first in English', () => {
    expect(render('directInvite', 'ja').text).toContain('Yamada Taro 様');
    expect(render('directInvite', 'en').text).toContain('Dear Taro Yamada,');
  });
});

describe('attestationLink', () => {
  it.each([
    ['ja-JP', '2026年3月10日(火) 18:00 JST'],
    ['en-US', 'Tuesday, 10 March 2026 at 09:00 UTC'],
  ])('in %s gives the link expiry', (tag, expiry) => {
    expect(render('attestationLink', tag).text).toContain(expiry);
  });

  it('keeps the acceptance URL exact: raw in the text, entity-escaped in the href', () => {
    const mail = render('attestationLink', 'en');
    expect(textLines(mail.text)).toContain(ACCEPTANCE_URL);
    expect(mail.html).toContain(`href="${ACCEPTANCE_URL.replace(/&/g, '&amp;')}"`);
  });

  it('still says the link expires when the expiry is unknown', () => {
    const { linkExpiresAt: _expiry, ...data } = mailData().attestationLink;
    expect(renderMail('attestationLink', data, 'en').text).toContain('valid for a limited time');
    expect(renderMail('attestationLink', data, 'ja').text).toContain('有効期限があります');
  });

  it('prints times in the requested time zone', () => {
    const mail = renderMail('attestationLink', mailData().attestationLink, 'en', { timeZone: 'Asia/Tokyo' });
    expect(mail.text).toContain('Tuesday, 10 March 2026 at 18:00 GMT+9');
  });

  it('refuses an acceptance link that is not https', () => {
    const data = { ...mailData().attestationLink, acceptanceUrl: 'javascript:alert(1)' };
    expect(() => renderMail('attestationLink', data, 'en')).toThrow(InvalidMailDataError);
  });
});

describe('reminder', () => {
  const reminders = () => {
    const { directInvite, attestationLink } = mailData();
    return {
      direct: { ...directInvite, path: 'direct' as const, reminderNumber: 1, deadline: DEADLINE },
      attestation: {
        ...attestationLink,
        path: 'attestation' as const,
        reminderNumber: 3,
        deadline: DEADLINE,
      },
    };
  };

  it.each([
    ['ja', '【再送】', '※本メールは1回目の再送です。', '2026年3月31日(火)'],
    ['en', 'Reminder: ', 'This is our 1st reminder', 'Tuesday, 31 March 2026'],
  ])(
    'of a direct invite in %s leads in with the count and deadline, then repeats the invite',
    (tag, prefix, lead, date) => {
      const mail = renderMail('reminder', reminders().direct, tag);
      const invite = render('directInvite', tag);
      expect(mail.subject).toBe(`${prefix}${invite.subject}`);
      expect(mail.text).toContain(lead);
      expect(mail.text.indexOf(lead)).toBeLessThan(mail.text.indexOf(ADMIN_CENTER_AGREEMENT_URL));
      expect(mail.text).toContain(date);
      expect(hrefs(mail.html)).toEqual([ADMIN_CENTER_AGREEMENT_URL]);
      expect(mail.text).toContain(
        tag === 'ja' ? '初期管理者のサインイン情報' : 'initial administrator sign-in details',
      );
    },
  );

  it.each([
    ['ja', '※本メールは3回目の再送です。', '正規のメール'],
    ['en', 'This is our 3rd reminder', 'that e-mail is genuine'],
  ])(
    'of an attestation link in %s carries the acceptance link, not the admin center',
    (tag, lead, confirmation) => {
      const mail = renderMail('reminder', reminders().attestation, tag);
      expect(mail.text).toContain(lead);
      expect(mail.text).toContain(confirmation);
      expect(hrefs(mail.html)).toEqual([ACCEPTANCE_URL]);
    },
  );

  it('mentions the deadline once, in the lead-in', () => {
    const mail = renderMail('reminder', reminders().direct, 'en');
    expect(mail.text.split('31 March 2026')).toHaveLength(2);
  });

  it.each([
    [2, '2nd'],
    [11, '11th'],
    [22, '22nd'],
  ])('counts reminder %i as the %s in English', (n, ordinal) => {
    const mail = renderMail('reminder', { ...reminders().direct, reminderNumber: n }, 'en');
    expect(mail.text).toContain(`This is our ${ordinal} reminder`);
  });
});

describe('handOff', () => {
  it.each(['ja', 'en'])(
    'in %s gives the provider the company name, tenant id and signatory contact',
    (tag) => {
      const mail = render('handOff', tag);
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain(ASCII_NAMES.companyName);
        expect(part).toContain(TENANT_ID);
        expect(part).toContain('taro.yamada@fabrikam.example');
      }
      expect(mail.text).toContain(tag === 'ja' ? 'お客様の同意を証明' : 'attest the customer');
    },
  );

  it('addresses the provider company with 御中 when no contact person is known, else the person with 様', () => {
    const data = mailData().handOff;
    const toCompany = renderMail('handOff', { ...data, provider: { companyName: 'Northwind' } }, 'ja');
    expect(toCompany.text.startsWith('Northwind 御中\n')).toBe(true);
    const toPerson = renderMail('handOff', data, 'ja');
    expect(toPerson.text.startsWith(`Northwind Distribution\n${ASCII_NAMES.partnerContact} 様\n`)).toBe(true);
  });
});

describe('escalation', () => {
  it.each([
    ['ja', ['送信済みのご案内：4 通', 'お客様による直接同意', '今後の対応']],
    ['en', ['Invitations sent: 4', 'Direct acceptance by the customer', 'What to do next']],
  ])('in %s names the tenant, the path, the invitations sent and the next steps', (tag, words) => {
    const mail = render('escalation', tag);
    expect(mail.subject).toContain(TENANT_ID);
    expect(mail.text).toContain(TENANT_ID);
    for (const w of words) expect(mail.text).toContain(w);
    expect(textLines(mail.text).filter((line) => /^\d+\. /.test(line)).length).toBeGreaterThanOrEqual(3);
  });

  it('suggests next steps that fit the path', () => {
    const data = mailData().escalation;
    const steps = (path: 'direct' | 'attestation' | 'handOff') =>
      renderMail('escalation', { ...data, path }, 'en').text;
    expect(steps('handOff')).toContain('Contact the indirect provider');
    expect(steps('attestation')).toContain('acceptance link');
    expect(steps('direct')).not.toContain('Contact the indirect provider');
  });

  it('greets without a name when none is given', () => {
    const { recipientName: _name, ...data } = mailData().escalation;
    expect(renderMail('escalation', data, 'ja').text.startsWith('ご担当者様\n')).toBe(true);
    expect(renderMail('escalation', data, 'en').text.startsWith('Hello,\n')).toBe(true);
  });
});

describe('accepted', () => {
  it.each([
    ['ja', '同意日時：2026年3月12日(木) 10:30 JST'],
    ['en', 'Accepted at: Thursday, 12 March 2026 at 01:30 UTC'],
  ])('in %s confirms the acceptance with its time', (tag, line) => {
    expect(textLines(render('accepted', tag).text)).toContain(line);
  });
});

describe('hostile values', () => {
  const HOSTILE = `<script>alert("x")</script> & 'Co' <img src=x onerror=alert(1)>`;
  const ESCAPED =
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39; &lt;img src=x onerror=alert(1)&gt;';
  const hostileData = mailData({
    companyName: HOSTILE,
    firstName: HOSTILE,
    lastName: HOSTILE,
    partnerCompany: HOSTILE,
    partnerContact: HOSTILE,
  });
  const cases = MAIL_KINDS.flatMap((kind) => ['ja', 'en'].map((tag) => [kind, tag] as const));

  it.each(cases)('%s in %s escapes them in the HTML and keeps them verbatim in the text', (kind, tag) => {
    const mail = renderMail(kind, hostileData[kind], tag);
    expect(mail.html).toContain(ESCAPED);
    expect(mail.html).not.toMatch(/<script|<img/i);
    const title = /<title>([^<]*)<\/title>/.exec(mail.html)?.[1] ?? '';
    expect(unescapeHtml(title)).toBe(mail.subject);
    expect(mail.text).toContain(HOSTILE);
  });
});

describe('invalid data', () => {
  it('names the bad fields, never their values', () => {
    const data = mailData().directInvite;
    const bad = {
      ...data,
      companyName: 'Line one\nBcc: victim@example.com',
      partner: { ...data.partner, contact: { ...data.partner.contact, email: 'not-an-address' } },
      deadline: 'next Tuesday',
    };
    let error: unknown;
    try {
      renderMail('directInvite', bad, 'en');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidMailDataError);
    const { message, issues, retryable } = error as InvalidMailDataError;
    expect(retryable).toBe(false);
    expect(issues.map((issue) => issue.split(':')[0])).toEqual([
      'companyName',
      'partner.contact.email',
      'deadline',
    ]);
    for (const value of ['victim@example.com', 'not-an-address', 'next Tuesday'])
      expect(message).not.toContain(value);
  });

  it('refuses a reminder without a number or a path', () => {
    const { path: _path, ...noPath } = { ...mailData().reminder };
    expect(() => renderMail('reminder', noPath as never, 'en')).toThrow(/path/);
    const zeroth = { ...mailData().reminder, reminderNumber: 0 };
    expect(() => renderMail('reminder', zeroth, 'en')).toThrow(/reminderNumber/);
  });
});
