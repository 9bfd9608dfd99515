/**
 * Customer notices whose channel is e-mail, sent over SMTP (SMTP_URL: mailpit under `npm start`, the platform's relay in
 * production) in the customer's language. The address, name and locale are the case's own (its stored view).
 *
 * Sent at most once per idempotency key: the outbox (collection `mail_outbox`) records each key the relay accepted, and
 * a retry of a recorded key answers the recorded Message-ID without sending. Should the worker stop between the relay's
 * acceptance and the record, the retry sends the same message again with the same Message-ID (derived from the key),
 * which receivers and relays use to drop the duplicate. A relay's temporary refusal (4xx) or an unreachable relay is
 * retried; a permanent refusal (5xx) is not.
 */
import crypto from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import mongoose, { Schema } from 'mongoose';
import nodemailer from 'nodemailer';
import { findCaseView } from '../store/case-model';
import type { NotifyCustomerInput, NotifyCustomerResult } from '../partners/notification';
import { localeOf, renderCustomerMail } from './templates';

export interface CustomerMailDeps {
  store: mongoose.Connection;
  /** smtp://host:port (smtps:// for TLS, credentials in the URL as nodemailer reads them). */
  smtpUrl: string;
  from: string;
}

interface OutboxDocument {
  _id: string;
  caseId: string;
  messageId: string;
  template: string;
  sentAt: Date;
}

const outboxSchema = new Schema<OutboxDocument>(
  { _id: { type: String, required: true }, caseId: { type: String, required: true }, messageId: { type: String, required: true }, template: { type: String, required: true }, sentAt: { type: Date, required: true } },
  { collection: 'mail_outbox', versionKey: false },
);
export const mailOutboxModel = (conn: mongoose.Connection) => conn.models.MailOutbox ?? conn.model<OutboxDocument>('MailOutbox', outboxSchema);

export const MailFailureType = {
  /** The relay is unreachable or refused for now (4xx): retried. */
  MailRelayUnavailable: 'MailRelayUnavailable',
  /** The relay refused for good (5xx): not retried. */
  MailRejected: 'MailRejected',
  /** The case has no e-mail address: not retried. */
  NoEmailOnFile: 'NoEmailOnFile',
  /** The case's view is not in the store yet (its first projection is on its way): retried. */
  CaseNotStoredYet: 'CaseNotStoredYet',
} as const;

/** The Message-ID of the mail sent under an idempotency key: the same for every attempt. */
export function messageIdFor(idempotencyKey: string): string {
  return `<${crypto.createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@after-sales.mail>`;
}

interface Contact {
  email?: string;
  name?: string;
  locale?: string;
}

export function createCustomerMailer({ store, smtpUrl, from }: CustomerMailDeps) {
  const transport = nodemailer.createTransport(smtpUrl);
  const outbox = mailOutboxModel(store);

  const contactOf = async (caseId: string): Promise<Contact> => {
    const view = await findCaseView(store, caseId);
    if (!view) throw ApplicationFailure.retryable(`case ${caseId} is not in the store yet`, MailFailureType.CaseNotStoredYet);
    return ((view as { customer?: Contact }).customer ?? {}) as Contact;
  };

  return {
    async sendCustomerMail({ idempotencyKey, caseId, template, to, variables }: NotifyCustomerInput): Promise<NotifyCustomerResult> {
      const sent = await outbox.findById(idempotencyKey).lean<OutboxDocument>().exec();
      if (sent) return { messageId: sent.messageId };
      const contact = await contactOf(caseId);
      const address = to ?? contact.email;
      if (!address) throw ApplicationFailure.nonRetryable(`case ${caseId} has no e-mail address for ${template}`, MailFailureType.NoEmailOnFile);
      const { subject, text } = renderCustomerMail({ template, locale: localeOf(contact.locale), caseId, name: contact.name, variables });
      const messageId = messageIdFor(idempotencyKey);
      try {
        await transport.sendMail({ from, to: address, subject, text, messageId, headers: { 'X-Case-Id': caseId, 'X-Template': template } });
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        const message = `the mail relay did not take ${template} for ${caseId}: ${err instanceof Error ? err.message : String(err)}`;
        if (code !== undefined && code >= 500) throw ApplicationFailure.nonRetryable(message, MailFailureType.MailRejected);
        throw ApplicationFailure.retryable(message, MailFailureType.MailRelayUnavailable);
      }
      await outbox.updateOne({ _id: idempotencyKey }, { $setOnInsert: { caseId, messageId, template, sentAt: new Date() } }, { upsert: true }).exec();
      return { messageId };
    },
  };
}
