/** To the partner's own contact: the customer did not accept by the deadline; a person must follow up. */
import { fullName, internalMail, METHOD_LABEL, type Template } from './common.blocks';
import type { MailLanguage } from './language';
import type { ValidMailData, WorkflowPath } from './mail-data.schema';
import { facts, link, paragraph, steps, type Inline } from './mail-document';

const NEXT_STEPS: Record<MailLanguage, Record<WorkflowPath, string[]>> = {
  ja: {
    direct: [
      'お客様のご署名者に（可能であればお電話で）直接ご連絡し、ご案内メールが届いているかご確認ください。',
      'Microsoft 365 管理センターにグローバル管理者または課金管理者のアカウントでサインインできるかご確認のうえ、必要に応じてサインイン情報の確認をご支援ください。',
      'お客様による直接の同意が難しい場合は、パートナーによる証明をご検討ください（直接請求パートナーのみ）。',
    ],
    attestation: [
      'お客様のご署名者に直接ご連絡し、同意リンクのメールが届いているか（迷惑メールフォルダーを含めて）ご確認ください。',
      'リンクの有効期限が切れている場合は新しいリンクをお送りするか、Microsoft 365 管理センターでの直接の同意をご案内ください。',
    ],
    handOff: [
      '間接プロバイダーにご連絡し、同意の証明が済んでいるかご確認ください。',
      '未対応の場合は、お客様に Microsoft 365 管理センターでの直接の同意をご案内ください。',
    ],
  },
  en: {
    direct: [
      "Contact the customer's signatory directly (by phone if possible) and check that they received the invitation.",
      'Check that they can sign in to the Microsoft 365 admin center with a Global Administrator or Billing Administrator account, and help them find their sign-in credentials if needed.',
      'If the customer cannot accept directly, consider partner attestation (direct-bill partners only).',
    ],
    attestation: [
      "Contact the customer's signatory directly and check that they received the acceptance link (including their spam folder).",
      'If the link has expired, send a new one, or ask them to accept directly in the Microsoft 365 admin center.',
    ],
    handOff: [
      "Contact the indirect provider and ask whether they have attested the customer's acceptance.",
      'If not, ask the customer to accept directly in the Microsoft 365 admin center.',
    ],
  },
};

const RECHECK_STEP: Record<MailLanguage, string> = {
  ja: 'ご同意の完了後、MCA 同意管理ワークフローで再確認（recheck）を実行し、状態を更新してください。',
  en: "Once the customer has accepted, run a recheck in the MCA workflow to update the customer's status.",
};

function escalationFacts(data: ValidMailData<'escalation'>, language: MailLanguage): [string, Inline][] {
  const ja = language === 'ja';
  const rows: [string, Inline][] = [
    [ja ? '会社名' : 'Company name', data.companyName],
    [ja ? 'テナント ID' : 'Tenant ID', data.tenantId],
    [ja ? '同意の方法' : 'Path', METHOD_LABEL[language][data.path]],
    [
      ja ? '送信済みのご案内' : 'Invitations sent',
      ja
        ? `${data.invitationsSent} 通（リマインダーを含む）`
        : `${data.invitationsSent} (reminders included)`,
    ],
  ];
  if (data.notVisible) {
    rows.push([
      'Partner Center',
      ja
        ? '期限まで Partner Center にお客様が表示されませんでした（404）'
        : 'the customer was not visible in Partner Center until the deadline (404)',
    ]);
  }
  if (data.signatory !== undefined) {
    const { signatory } = data;
    rows.push([ja ? 'ご署名者' : 'Signatory', fullName(signatory, language)]);
    rows.push([ja ? 'ご署名者のメール' : 'Signatory e-mail', signatory.email]);
    if (signatory.phone !== undefined)
      rows.push([ja ? 'ご署名者の電話' : 'Signatory phone', signatory.phone]);
  }
  if (data.statusUrl !== undefined) rows.push([ja ? '状態' : 'Status', link(data.statusUrl)]);
  return rows;
}

export const escalationTemplate: Template<'escalation'> = (data, { language, dates }) => {
  const deadline = dates.date(data.deadline);
  const ja = language === 'ja';
  return internalMail(
    data.recipientName,
    language,
    ja
      ? `【要対応】期限までに MCA への同意が確認できませんでした：${data.companyName}（${data.tenantId}）`
      : `MCA not accepted by the deadline: ${data.companyName} (${data.tenantId})`,
    [
      paragraph(
        ja
          ? `${data.companyName} 様について、期限（${deadline}）までに Microsoft 顧客契約（MCA）への同意が確認できませんでした。ワークフローからの自動のご案内は終了しましたので、担当者によるフォローをお願いします。`
          : `${data.companyName} did not accept the Microsoft Customer Agreement (MCA) by the deadline (${deadline}). The workflow has stopped sending reminders; this customer now needs a person to follow up.`,
      ),
      facts(...escalationFacts(data, language)),
      paragraph(ja ? '今後の対応：' : 'What to do next:'),
      steps(...[...NEXT_STEPS[language][data.path], RECHECK_STEP[language]].map((step) => [step])),
      paragraph(
        ja
          ? '同意が完了するまで、Partner Center で当該お客様の新規購入やサブスクリプションの変更が拒否される場合があります。'
          : 'Until the agreement is accepted, Partner Center may refuse new purchases and subscription changes for this customer.',
      ),
    ],
  );
};
