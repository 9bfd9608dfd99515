import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type mongoose from 'mongoose';
import { createCustomerMailer, mailOutboxModel, messageIdFor } from '../../activities/mail/customer-mail';
import { caseViewModel } from '../../activities/store/case-model';
import { openStore } from '../../activities/store/connection';
import { startMailpit, type Mailpit } from '../../scripts/servers/mailpit';
import { freePort } from '../../scripts/servers/process';
import { startDevMongo, type DevMongo } from '../support/servers';

/** The customer e-mail activity against a real relay (mailpit, its chaos API refusing on demand) and a real store. */
describe('customer e-mail through an SMTP relay', () => {
  let mongo: DevMongo;
  let store: mongoose.Connection;
  let mailpit: Mailpit;
  let dir: string;
  const caseId = 'case-mail0000000000000000001';

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'customer-mail-'));
    [mongo, mailpit] = await Promise.all([startDevMongo(), (async () => startMailpit({ smtpPort: await freePort(), uiPort: await freePort(), dbFile: path.join(dir, 'mailpit.db'), chaos: true }))()]);
    store = await openStore(mongo.uri);
    await caseViewModel(store).create({ _id: caseId, version: 3, view: { caseId, customer: { name: '李伟', email: 'li.wei@example.com', locale: 'zh-CN' } } });
  }, 120_000);

  afterAll(async () => {
    await store?.close();
    await Promise.all([mongo?.stop(), mailpit?.process.stop()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const chaos = (errorCode: number, probability: number) =>
    fetch(`${mailpit.uiUrl}/api/v1/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ Recipient: { ErrorCode: errorCode, Probability: probability } }) });
  const inbox = async () => ((await (await fetch(`${mailpit.uiUrl}/api/v1/messages`)).json()) as { messages: Array<{ ID: string; MessageID: string; Subject: string }> }).messages;
  const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (err: unknown) => err as ApplicationFailure);

  it('retries a refusing relay and sends the survey once, in the customer’s Chinese, whatever the retries', async () => {
    const mailer = createCustomerMailer({ store, smtpUrl: mailpit.smtpUrl, from: 'After-sales <after-sales@example.com>' });
    const survey = { idempotencyKey: `${caseId}:customer:satisfaction_survey`, caseId, channel: 'email' as const, template: 'satisfaction_survey', variables: { caseId } };

    expect((await chaos(451, 100)).ok).toBe(true);
    const refused = await failureOf(mailer.sendCustomerMail(survey));
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect({ type: refused?.type, nonRetryable: refused?.nonRetryable }).toEqual({ type: 'MailRelayUnavailable', nonRetryable: false });
    expect(await inbox()).toEqual([]);

    await chaos(451, 0);
    const sent = await mailer.sendCustomerMail(survey);
    expect(sent.messageId).toBe(messageIdFor(survey.idempotencyKey));
    // The activity's completion lost (a worker stopped after the send): its retry finds the outbox's record.
    expect(await mailer.sendCustomerMail(survey)).toEqual(sent);

    const messages = await inbox();
    expect(messages).toHaveLength(1);
    expect(`<${messages[0].MessageID}>`).toBe(sent.messageId);
    const message = (await (await fetch(`${mailpit.uiUrl}/api/v1/message/${messages[0].ID}`)).json()) as { Subject: string; Text: string; To: Array<{ Address: string }> };
    expect(message.Subject).toBe(`请为您的售后服务评分 (${caseId})`);
    expect(message.Text).toContain('李伟，您好：');
    expect(message.Text).toContain(`售后单号: ${caseId}`);
    expect(message.To.map((t) => t.Address)).toEqual(['li.wei@example.com']);
    expect(await mailOutboxModel(store).countDocuments({ caseId })).toBe(1);
  }, 60_000);

  it('does not retry a permanent refusal, nor a case without an e-mail address', async () => {
    const mailer = createCustomerMailer({ store, smtpUrl: mailpit.smtpUrl, from: 'after-sales@example.com' });
    await chaos(550, 100);
    const rejected = await failureOf(mailer.sendCustomerMail({ idempotencyKey: `${caseId}:customer:refund_issued`, caseId, channel: 'email', template: 'refund_issued', variables: { amountCents: 25900 } }));
    await chaos(550, 0);
    expect({ type: rejected?.type, nonRetryable: rejected?.nonRetryable }).toEqual({ type: 'MailRejected', nonRetryable: true });

    await caseViewModel(store).create({ _id: 'case-mail-nophone-noemail', version: 1, view: { caseId: 'case-mail-nophone-noemail', customer: { name: 'Anon' } } });
    const noAddress = await failureOf(mailer.sendCustomerMail({ idempotencyKey: 'k-1', caseId: 'case-mail-nophone-noemail', channel: 'email', template: 'refund_issued' }));
    expect({ type: noAddress?.type, nonRetryable: noAddress?.nonRetryable }).toEqual({ type: 'NoEmailOnFile', nonRetryable: true });
    expect(await inbox()).toHaveLength(1);
  }, 60_000);
});
