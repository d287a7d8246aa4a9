/**
 * What the mails claim, read from the rendered text: every claim is one Microsoft's rules make true
 * (docs/partner-center.md), per template and language.
 */
import { renderMail, type MailData, type MailKind, type RenderedMail } from '../../../shared/mail';
import { DEADLINE, mailData, TENANT_ID } from './mail-data.fixtures';

const LANGUAGES = ['ja', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/** Every mail a customer or the indirect provider gets, by a name the tests print. */
function outwardMails(reacceptance: boolean) {
  const data = mailData();
  const again = reacceptance ? { reacceptance: true } : {};
  const reminder = { reminderNumber: 1, deadline: DEADLINE };
  return {
    directInvite: ['directInvite', { ...data.directInvite, ...again }],
    attestationLink: ['attestationLink', { ...data.attestationLink, ...again }],
    directReminder: ['reminder', { ...data.directInvite, ...again, ...reminder, path: 'direct' }],
    attestationReminder: [
      'reminder',
      { ...data.attestationLink, ...again, ...reminder, path: 'attestation' },
    ],
    handOff: ['handOff', { ...data.handOff, ...again }],
  } satisfies Record<string, [MailKind, MailData<MailKind>]>;
}
type OutwardMail = keyof ReturnType<typeof outwardMails>;

function renderOutward(name: OutwardMail, language: Language, reacceptance = false) {
  const [kind, data] = outwardMails(reacceptance)[name];
  return renderMail(kind, data as MailData<typeof kind>, language);
}

const OUTWARD = Object.keys(outwardMails(false)) as OutwardMail[];
const each = <T extends string>(names: readonly T[]) =>
  names.flatMap((name) => LANGUAGES.map((language) => [name, language] as const));

const BLOCKED: Record<Language, string> = {
  ja: '新規購入、ライセンス数の変更、契約期間・請求プランの変更、アップグレード',
  en: 'new purchases, quantity changes, changes of term or billing plan, and upgrades',
};

describe('the purchase block', () => {
  /** Every kind in every variant, as [name, rendered]. */
  const everyMail = (language: Language): [string, RenderedMail][] => [
    ...OUTWARD.flatMap((name) =>
      [false, true].map((again): [string, RenderedMail] => [
        `${name}${again ? ' (again)' : ''}`,
        renderOutward(name, language, again),
      ]),
    ),
    ...(['escalation', 'accepted'] as const).map((kind): [string, RenderedMail] => [
      kind,
      renderMail(kind, mailData()[kind], language),
    ]),
  ];

  it.each(everyMail('en'))('%s in en never says renewals are blocked or need the MCA', (_name, mail) => {
    expect(`${mail.subject}\n${mail.text}`).not.toMatch(/renew/i);
  });

  it.each(everyMail('ja'))('%s in ja never says renewals (ご更新) need the MCA', (_name, mail) => {
    expect(`${mail.subject}\n${mail.text}`).not.toMatch(/更新/);
  });

  it.each(LANGUAGES)('the escalation in %s lists exactly what Microsoft blocks', (language) => {
    expect(renderMail('escalation', mailData().escalation, language).text).toContain(BLOCKED[language]);
  });
});

describe('attestation mails: Microsoft confirms after we do', () => {
  const AFTER_US: Record<Language, RegExp> = {
    ja: /ご同意いただいた後、当社から Microsoft 社へ貴社のご同意を確認いたします。その後、Microsoft 社からご署名者様宛てに確認のメールが届きます。このメールは Microsoft 社からの正規のメールです。ご不明な点がございましたら、下記担当（Hanako Sato）までお問い合わせください。/,
    en: /After you accept, we confirm your acceptance to Microsoft\. Microsoft then sends you a confirmation e-mail: that e-mail is genuine\. If you have any doubts about it, please ask Hanako Sato \(details below\)\./,
  };

  it.each(each(['attestationLink', 'attestationReminder'] as const))(
    '%s in %s: the confirmation follows our confirmation, is genuine, and names whom to ask',
    (name, language) => {
      for (const again of [false, true]) {
        const { text } = renderOutward(name, language, again);
        expect(text).toMatch(AFTER_US[language]);
        expect(text).not.toMatch(/30 ?(分|minutes)/);
      }
    },
  );

  it.each(each(['directInvite', 'directReminder'] as const))(
    '%s in %s: Microsoft sends no mail for an acceptance in the admin center',
    (name, language) => {
      expect(renderOutward(name, language).text).toContain(
        language === 'ja'
          ? '管理センターでのご同意について、Microsoft 社から確認のメールは送信されません。'
          : 'Microsoft does not send a confirmation e-mail for an acceptance in the admin center.',
      );
    },
  );
});

describe('re-acceptance: a stale attestation is confirmed again, not accepted for the first time', () => {
  const WHY: Record<Language, string[]> = {
    ja: ['2023 年 4 月 1 日より前', '2025 年 10 月 7 日以降', BLOCKED.ja],
    en: ['before 1 April 2023', 'ince 7 October 2025', BLOCKED.en],
  };
  const AGAIN_IN_SUBJECT: Record<Language, RegExp> = { ja: /再同意/, en: /again|re-acceptance/ };
  const FIRST_TIME: Record<Language, RegExp> = {
    ja: /当社は貴社の Microsoft クラウド ソリューション プロバイダー|ご同意が確認できておりません/,
    en: /is your Microsoft Cloud Solution Provider|has not yet accepted/,
  };

  it.each(each(OUTWARD))(
    '%s in %s says why, what is blocked, and asks to confirm again',
    (name, language) => {
      const mail = renderOutward(name, language, true);
      for (const words of WHY[language]) expect(mail.text).toContain(words);
      expect(mail.subject).toMatch(AGAIN_IN_SUBJECT[language]);
      expect(mail.text).not.toMatch(FIRST_TIME[language]);
    },
  );

  it.each(each(OUTWARD))('%s in %s without the flag is the first-time invitation', (name, language) => {
    const mail = renderOutward(name, language);
    expect(mail.text).toMatch(FIRST_TIME[language]);
    expect(mail.subject).not.toMatch(AGAIN_IN_SUBJECT[language]);
    expect(mail.text).not.toContain(WHY[language][0]);
  });
});

describe('the credential note of the direct invitation', () => {
  const NOTE: Record<Language, string> = {
    ja: '当社が貴社のテナントを作成した場合は、初期管理者のサインイン情報を別途お送りしております（パスワードをメールでお送りすることはございません）。',
    en: 'If we created your Microsoft 365 tenant for you, we sent you the initial administrator sign-in details separately; we never send a password by e-mail.',
  };

  it.each(each(['directInvite', 'directReminder'] as const))(
    '%s in %s also covers tenants the partner created, without a password',
    (name, language) => {
      for (const again of [false, true])
        expect(renderOutward(name, language, again).text).toContain(NOTE[language]);
    },
  );
});

describe('the hand-off to the indirect provider', () => {
  const API_ONLY: Record<Language, string> = {
    ja: '2026 年 1 月 5 日以降、パートナーによる証明は Partner Center API でのみ行えます',
    en: 'Since 5 January 2026, partner attestation is done only through the Partner Center API',
  };

  it.each(LANGUAGES)(
    'in %s says attestation is API-only, not done in a Partner Center account',
    (language) => {
      for (const again of [false, true]) {
        const { text } = renderOutward('handOff', language, again);
        expect(text).toContain(API_ONLY[language]);
        expect(text).not.toMatch(/Partner Center account|Partner Center から/);
      }
    },
  );
});

describe('the escalation to the partner desk', () => {
  const PATHS = ['direct', 'attestation', 'handOff'] as const;
  const api = `/api/customers/${TENANT_ID}/mca`;
  const cases = PATHS.flatMap((path) => LANGUAGES.map((language) => [path, language] as const));
  const escalation = (path: (typeof PATHS)[number], language: Language) =>
    renderMail('escalation', { ...mailData().escalation, path }, language).text;

  it.each(cases)('on the %s path in %s names only API calls that exist', (path, language) => {
    const text = escalation(path, language);
    const calls = [...text.matchAll(/(GET|POST|PUT|PATCH|DELETE) (\S+?)(?=[\s)）,.:、。]|$)/g)].map(
      ([, verb, route]) => `${verb} ${route}`,
    );
    expect(new Set(calls)).toEqual(new Set([`POST ${api}/recheck`, `POST ${api}`, `POST ${api}/remind`]));
  });

  it.each(cases)(
    'on the %s path in %s: recheck works on the ended run, remind only on a waiting one',
    (path, language) => {
      const text = escalation(path, language);
      expect(text).toContain(
        language === 'ja'
          ? `POST ${api}/recheck で Partner Center を一度確認し、同意済みなら状態を「同意済み」にします（終了した実行にも使えます。メールは送信しません）`
          : `POST ${api}/recheck looks at Partner Center once and marks the customer accepted when it shows the acceptance (it works on this ended run too, and sends no mail)`,
      );
      expect(text).toContain(
        language === 'ja'
          ? `POST ${api}/remind は待機中の実行にのみ使えます`
          : `POST ${api}/remind works only on a run that is still waiting`,
      );
      expect(text).not.toMatch(/run a recheck in the MCA workflow|send a new one/);
    },
  );

  it.each(cases)(
    'on the %s path in %s of a reseller deployment: /confirm records the acceptance, never /recheck',
    (path, language) => {
      const text = renderMail(
        'escalation',
        { ...mailData().escalation, path, confirmsByHand: true },
        language,
      ).text;
      const calls = [...text.matchAll(/(GET|POST|PUT|PATCH|DELETE) (\S+?)(?=[\s)）,.:、。（]|$)/g)].map(
        ([, verb, route]) => `${verb} ${route}`,
      );
      expect(new Set(calls)).toEqual(new Set([`POST ${api}/confirm`, `POST ${api}`, `POST ${api}/remind`]));
    },
  );

  it.each(LANGUAGES)(
    'in %s says indirect providers attest too, and a reseller’s customer goes to the provider',
    (language) => {
      const text = escalation('direct', language);
      expect(text).toContain(
        language === 'ja'
          ? '証明できるのは直接請求パートナーと間接プロバイダーのみです。間接リセラーのお客様は、間接プロバイダーが証明します。'
          : "Only direct-bill partners and indirect providers can attest; an indirect reseller's customer is attested by its indirect provider.",
      );
      expect(text).not.toMatch(/direct-bill partners only|直接請求パートナーのみ）/);
    },
  );
});
