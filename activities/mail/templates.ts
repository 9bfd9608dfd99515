/**
 * Customer e-mail, by template and the customer's locale (zh-CN unless the case says `en`): a subject and a plain-text
 * body with the notice's one sentence and the case number. `{name}` in a sentence is the variable of that name; money is
 * in cents, times in epoch milliseconds (shown in China's time zone). A template not listed here still goes out, with
 * a generic sentence and its variables listed.
 */
import { CUSTOMER_LOCALES } from '../../workflows/contract';

export type MailLocale = (typeof CUSTOMER_LOCALES)[number];

type Wording = Record<MailLocale, { subject: string; line: string }>;

const w = (zhSubject: string, zhLine: string, enSubject: string, enLine: string): Wording => ({
  'zh-CN': { subject: zhSubject, line: zhLine },
  en: { subject: enSubject, line: enLine },
});

const TEMPLATES: Record<string, Wording> = {
  satisfaction_survey: w(
    '请为您的售后服务评分',
    '您的售后单已处理完毕。请为本次服务打分（1 至 5 分），您的评价帮助我们改进。',
    'How did we do? Rate your after-sales service',
    'Your after-sales case is resolved. Please rate our service from 1 to 5; your answer helps us improve.',
  ),
  return_approved: w('退货申请已通过', '商家已同意退货。请将商品寄回：{returnAddress}。', 'Your return is approved', 'The merchant approved your return. Please send the goods to: {returnAddress}.'),
  refund_issued: w('退款已发放', '退款 {amountCents} 已发放，将原路退回您的支付账户。', 'Your refund is on its way', 'A refund of {amountCents} was issued to your original payment method.'),
  postage_refunded: w('运费已退还', '退货运费 {amountCents} 已退还给您。', 'Your return postage is refunded', 'Your return postage of {amountCents} was refunded.'),
  request_rejected: w('售后申请未通过', '很抱歉，您的申请未能通过：{reason}。', 'Your request was declined', 'We are sorry: your request was declined ({reason}).'),
  closed_abandoned: w('售后单已关闭', '由于长时间未收到您的回复，售后单已关闭。', 'Your case was closed', 'We closed your case after hearing nothing from you for a long time.'),
  closed_without_confirmation: w('售后单已关闭', '您的反馈已处理，因未收到确认，售后单已关闭。', 'Your case was closed', 'Your feedback was handled and the case closed without your confirmation.'),
  case_escalated: w('您的售后单已升级处理', '您的售后单已转交上级处理：{reason}。', 'Your case was escalated', 'Your case was passed to a senior team: {reason}.'),
  reship_ordered: w('补发已安排', '我们已为您安排补发（订单 {erpOrderId}）。', 'A replacement is arranged', 'We arranged a replacement shipment (order {erpOrderId}).'),
  replacement_shipped: w('换货已发出', '您的换货已发出（订单 {erpOrderId}）。', 'Your replacement has shipped', 'Your replacement has shipped (order {erpOrderId}).'),
  price_difference_due: w('请补足差价', '换货需补差价 {amountCents}。', 'A price difference is due', 'The exchange has a price difference of {amountCents} to pay.'),
  remedy_proposed: w('商家提出了解决方案', '商家提出：{description}（{amountCents}）。请在售后页面中接受或拒绝。', 'The merchant proposed a remedy', 'The merchant proposes: {description} ({amountCents}). Please accept or decline it on your case page.'),
  apology: w('致歉', '对于给您带来的不便，我们深表歉意，并为您准备了一份礼品。', 'Our apologies', 'We are sorry for the trouble and have prepared a gift for you.'),
  feedback_received: w('我们已收到您的反馈', '我们已收到您的反馈，将尽快处理。', 'We received your feedback', 'We received your feedback and will handle it shortly.'),
  incident_resolved: w('安全事件已处理', '您报告的安全事件已处理完毕。', 'Your safety report is resolved', 'The safety incident you reported is resolved.'),
  dispute_opened: w('售后争议已受理', '平台已受理争议，请在 {evidenceDeadline} 前提交证据。', 'A dispute was opened', 'The platform opened a dispute; please send your evidence by {evidenceDeadline}.'),
  dispute_info_requested: w('请补充争议材料', '平台需要您补充材料：{request}。', 'More information needed for your dispute', 'The platform needs more from you: {request}.'),
  dispute_ruled: w('争议已裁决', '平台已对争议作出裁决。', 'Your dispute was ruled on', 'The platform ruled on your dispute.'),
  repair_quote: w('维修报价', '维修费用为 {quoteCents}，请确认是否维修。', 'Your repair quote', 'The repair costs {quoteCents}; please confirm whether to go ahead.'),
  repair_accepted: w('维修已受理', '您的维修申请已受理。', 'Your repair is accepted', 'Your repair request is accepted.'),
  repair_delayed: w('维修延期', '维修（工单 {repairOrderId}）需要更多时间，我们会尽快完成。', 'Your repair is delayed', 'Your repair (order {repairOrderId}) needs more time; we will finish it as soon as we can.'),
  repair_completed: w('维修已完成', '维修已完成，已寄回（运单 {trackingNumber}）。', 'Your repair is done', 'Your repair is done and on its way back (tracking {trackingNumber}).'),
  repair_collection_reminder: w('请取回维修商品', '请在 {deadline} 前取回您的商品。', 'Please collect your item', 'Please collect your item by {deadline}.'),
  repair_remedy_choice: w('请选择处理方式', '维修结果：{result}。请在售后页面中选择处理方式。', 'Please choose a remedy', 'Repair result: {result}. Please choose a remedy on your case page.'),
  service_booking_open: w('请预约服务时间', '您购买的服务（{packageSku}）可以预约了。', 'Book your service', 'Your service ({packageSku}) is ready to be booked.'),
  service_booked: w('服务预约成功', '服务时间：{slotAt}。', 'Your service is booked', 'Your service is booked for {slotAt}.'),
  service_reminder: w('服务提醒', '提醒：您的服务时间为 {slotAt}。', 'Service reminder', 'A reminder: your service is at {slotAt}.'),
};

const GENERIC = w('您的售后单有新进展', '您的售后单有新进展。', 'An update on your case', 'There is an update on your case.');
const GREETING: Record<MailLocale, (name?: string) => string> = {
  'zh-CN': (name) => `${name ?? '顾客'}，您好：`,
  en: (name) => `Dear ${name ?? 'customer'},`,
};
const CASE_LINE: Record<MailLocale, string> = { 'zh-CN': '售后单号', en: 'Case' };
const SIGNATURE: Record<MailLocale, string> = { 'zh-CN': '售后服务中心', en: 'After-sales service' };

export type MailVariables = Record<string, string | number | boolean>;

function present(locale: MailLocale, key: string, value: string | number | boolean): string {
  if (typeof value === 'number' && key.endsWith('Cents')) return `¥${(value / 100).toFixed(2)}`;
  if (typeof value === 'number' && /(At|deadline|Deadline)$/.test(key) && value > 1e11) {
    return new Date(value).toLocaleString(locale, { timeZone: 'Asia/Shanghai', dateStyle: 'medium', timeStyle: 'short' });
  }
  return String(value);
}

export function localeOf(value: unknown): MailLocale {
  return (CUSTOMER_LOCALES as readonly unknown[]).includes(value) ? (value as MailLocale) : 'zh-CN';
}

export function renderCustomerMail(input: { template: string; locale: MailLocale; caseId: string; name?: string; variables?: MailVariables }): { subject: string; text: string } {
  const { template, locale, caseId, name, variables = {} } = input;
  const wording = (TEMPLATES[template] ?? GENERIC)[locale];
  const used = new Set<string>();
  const line = wording.line.replace(/\{(\w+)\}/g, (_, key: string) => {
    used.add(key);
    return key in variables ? present(locale, key, variables[key]) : '';
  });
  const rest = TEMPLATES[template] ? [] : Object.entries(variables).filter(([key]) => !used.has(key) && key !== 'caseId').map(([key, value]) => `${key}: ${present(locale, key, value)}`);
  const text = [GREETING[locale](name), '', line, ...rest, '', `${CASE_LINE[locale]}: ${caseId}`, '', SIGNATURE[locale]].join('\n');
  return { subject: `${wording.subject} (${caseId})`, text };
}
