/** To the partner's own contact: the customer did not accept by the deadline; a person must follow up. */
import { BLOCKED_CHANGES, fullName, internalMail, METHOD_LABEL, type Template } from './common.blocks';
import type { MailLanguage } from './language';
import type { ValidMailData, WorkflowPath } from './mail-data.schema';
import { facts, link, paragraph, steps, type Inline } from './mail-document';

/** What a person does with the customer, per path. */
const NEXT_STEPS: Record<MailLanguage, Record<WorkflowPath, string[]>> = {
  ja: {
    direct: [
      'お客様のご署名者に（可能であればお電話で）直接ご連絡し、ご案内メールが届いているかご確認ください。',
      'Microsoft 365 管理センターにグローバル管理者または課金管理者のアカウントでサインインできるかご確認ください。当社がお客様のテナントを作成した場合は、初期管理者のサインイン情報をメールとは別の方法で改めてお伝えください（パスワードをメールで送らないでください）。',
      'お客様による直接の同意が難しい場合は、パートナーによる証明をご検討ください。証明できるのは直接請求パートナーと間接プロバイダーのみです。間接リセラーのお客様は、間接プロバイダーが証明します。',
    ],
    attestation: [
      'お客様のご署名者に直接ご連絡し、同意リンクのメールが届いているか（迷惑メールフォルダーを含めて）ご確認ください。',
      'リンクの有効期限が切れている場合は、下記の新しい実行で新しいリンクをお送りするか、Microsoft 365 管理センターでの直接の同意をご案内ください。',
    ],
    handOff: [
      '間接プロバイダーにご連絡し、同意の証明が済んでいるかご確認ください（間接リセラーのお客様は、間接プロバイダーが証明します）。',
      '未対応の場合は、お客様に Microsoft 365 管理センターでの直接の同意をご案内ください。',
    ],
  },
  en: {
    direct: [
      "Contact the customer's signatory directly (by phone if possible) and check that they received the invitation.",
      'Check that they can sign in to the Microsoft 365 admin center with a Global Administrator or Billing Administrator account. If we created their tenant, give them the initial administrator sign-in details again by another channel than e-mail (never a password by e-mail).',
      "If the customer cannot accept directly, consider partner attestation. Only direct-bill partners and indirect providers can attest; an indirect reseller's customer is attested by its indirect provider.",
    ],
    attestation: [
      "Contact the customer's signatory directly and check that they received the acceptance link (including their spam folder).",
      'If the link has expired, start a new run (below) to send a new link, or ask them to accept directly in the Microsoft 365 admin center.',
    ],
    handOff: [
      "Contact the indirect provider and ask whether they have attested the customer's acceptance (an indirect reseller's customer is attested by its indirect provider).",
      'If not, ask the customer to accept directly in the Microsoft 365 admin center.',
    ],
  },
};

/** The workflow's HTTP API calls that act on this customer: only those that work on an ended run. */
function workflowActions(tenantId: string, confirmsByHand: boolean, language: MailLanguage): string[] {
  const api = `/api/customers/${tenantId}/mca`;
  const ja = language === 'ja';
  const accepted = confirmsByHand
    ? ja
      ? `お客様のご同意を確認できたら：POST ${api}/confirm（本文 { "method", "acceptedAt", "confirmedBy" }）で記録してください。この環境は Partner Center を参照しないため、同意は人が確認します。`
      : `Once you know the customer has accepted: POST ${api}/confirm with { "method", "acceptedAt", "confirmedBy" } records it (this deployment does not read Partner Center: people confirm acceptance).`
    : ja
      ? `お客様のご同意後：POST ${api}/recheck で Partner Center を一度確認し、同意済みなら状態を「同意済み」にします（終了した実行にも使えます。メールは送信しません）。`
      : `Once the customer has accepted: POST ${api}/recheck looks at Partner Center once and marks the customer accepted when it shows the acceptance (it works on this ended run too, and sends no mail).`;
  const again = ja
    ? `新しい期限でご案内をやり直す場合：お客様の情報を本文として POST ${api} を送信すると、新しい実行が始まります（POST ${api}/remind は待機中の実行にのみ使えます。この実行は終了しています）。`
    : `To invite the customer again with a new deadline: POST ${api} with the customer's details starts a new run (POST ${api}/remind works only on a run that is still waiting; this one has ended).`;
  return [accepted, again];
}

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
      steps(...NEXT_STEPS[language][data.path].map((step) => [step])),
      paragraph(ja ? 'MCA 同意管理ワークフローでの操作：' : 'In the MCA workflow:'),
      steps(...workflowActions(data.tenantId, data.confirmsByHand === true, language).map((step) => [step])),
      paragraph(
        ja
          ? `同意が完了するまで、Partner Center で当該お客様の${BLOCKED_CHANGES.ja}が拒否される場合があります。`
          : `Until the agreement is accepted, Partner Center may refuse ${BLOCKED_CHANGES.en} for this customer.`,
      ),
    ],
  );
};
