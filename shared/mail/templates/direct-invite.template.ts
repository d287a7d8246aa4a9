/** To the customer's signatory: please accept the MCA (again) yourself in the Microsoft 365 admin center. */
import {
  acceptanceSubject,
  ADMIN_CENTER_AGREEMENT_URL,
  customerMail,
  deadlineRequest,
  reacceptanceReason,
  type AcceptanceSubjects,
  type Template,
  type TemplateContext,
} from './common.blocks';
import type { ValidMailData } from './mail-data.schema';
import { link, paragraph, steps, strong, type Block } from './mail-document';

type Data = Omit<ValidMailData<'directInvite'>, 'deadline'>;

const SUBJECTS: AcceptanceSubjects = {
  first: {
    ja: (company) => `【ご対応のお願い】Microsoft 顧客契約へのご同意について（${company}）`,
    en: (company) => `Action required: accept the Microsoft Customer Agreement for ${company}`,
  },
  again: {
    ja: (company) => `【ご対応のお願い】Microsoft 顧客契約への再同意について（${company}）`,
    en: (company) => `Action required: confirm the Microsoft Customer Agreement again for ${company}`,
  },
};

export function directInviteSubject(data: Data, { language }: TemplateContext): string {
  return acceptanceSubject(SUBJECTS, data, language);
}

function introduction(data: Data, { language }: TemplateContext): Block {
  if (data.reacceptance === true) return reacceptanceReason(data.companyName, language);
  return language === 'ja'
    ? paragraph(
        '当社は貴社の Microsoft クラウド ソリューション プロバイダー（CSP）パートナーです。Microsoft 社の規定により、当社を通じて Microsoft 製品をご購入いただいたり、ご契約内容を変更したりするには、貴社による Microsoft 顧客契約（MCA）へのご同意が必要です。つきましては、Microsoft 365 管理センターにてご同意のお手続きをお願いしたく、ご連絡いたしました。',
      )
    : paragraph(
        `${data.partner.companyName} is your Microsoft Cloud Solution Provider (CSP) partner. To buy Microsoft products through us and to change your subscriptions, Microsoft requires ${data.companyName} to accept the Microsoft Customer Agreement (MCA). We kindly ask you, as the person who can accept it on behalf of ${data.companyName}, to do so in the Microsoft 365 admin center.`,
      );
}

/** The request and the steps, without greeting, deadline or sign-off (reminders reuse it). */
export function directInviteBody(data: Data, context: TemplateContext): Block[] {
  const again = data.reacceptance === true;
  if (context.language === 'ja') {
    return [
      introduction(data, context),
      paragraph('下記のリンクから Microsoft 365 管理センターを開いてください。'),
      paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
      steps(
        [
          '貴社の Microsoft 365 テナントのグローバル管理者または課金管理者のアカウントでサインインしてください。',
        ],
        ['表示される Microsoft 顧客契約の内容をご確認ください。'],
        [
          again
            ? '画面の案内に従い、契約に改めて同意してください。'
            : '画面の案内に従い、契約に同意してください。',
        ],
      ),
      paragraph(
        strong(
          '※これまで Microsoft 365 管理センターにサインインされたことがない場合は、貴社の管理者アカウントのサインイン情報（ユーザー名とパスワード）が必要です。',
        ),
        '当社が貴社のテナントを作成した場合は、初期管理者のサインイン情報を別途お送りしております（パスワードをメールでお送りすることはございません）。お手元に見当たらない場合は、下記担当までご連絡ください。',
      ),
      paragraph(
        '管理センターでのご同意について、Microsoft 社から確認のメールは送信されません。ご同意いただいた後のご対応は不要です。同意の状況は当社にて確認いたします。',
      ),
    ];
  }
  return [
    introduction(data, context),
    paragraph('Open the Microsoft 365 admin center here:'),
    paragraph(link(ADMIN_CENTER_AGREEMENT_URL)),
    steps(
      [
        "Sign in with a Global Administrator or Billing Administrator account of your organization's Microsoft 365 tenant.",
      ],
      ['Review the Microsoft Customer Agreement shown on the page.'],
      [
        again
          ? 'Follow the instructions on the page to accept the agreement again.'
          : 'Follow the instructions on the page to accept the agreement.',
      ],
    ),
    paragraph(
      strong(
        'If you have never signed in to the Microsoft 365 admin center, you will need the sign-in details (user name and password) of an administrator account of your organization.',
      ),
      ' If we created your Microsoft 365 tenant for you, we sent you the initial administrator sign-in details separately; we never send a password by e-mail. If you cannot find them, please contact us.',
    ),
    paragraph(
      'Microsoft does not send a confirmation e-mail for an acceptance in the admin center. Nothing else is needed once you have accepted: we will see your acceptance on our side.',
    ),
  ];
}

export const directInviteTemplate: Template<'directInvite'> = (data, context) =>
  customerMail(data, context.language, directInviteSubject(data, context), [
    ...directInviteBody(data, context),
    ...deadlineRequest(data.deadline, context),
  ]);
