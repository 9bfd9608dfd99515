import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPolicy } from '../../config/policy';
import { CasePolicySchema, completePolicy, DEFAULT_POLICY, type CasePolicy, type RecordedPolicy } from '../../workflows/policy';

describe('the policy declaration', () => {
  it('derives DEFAULT_POLICY from the schema’s defaults', () => {
    expect(CasePolicySchema.parse({ version: DEFAULT_POLICY.version })).toEqual(DEFAULT_POLICY);
  });

  /** A policy written before the keys added since: the 2026.1 version the oldest recorded histories carry. */
  function policyBeforeAddedKeys(): RecordedPolicy {
    const added = ['platformReview', 'returnPostageCapCents', 'interventionWindow', 'disputeEvidence', 'disputeRuling', 'disputeCourierEvidence', 'disputeInfoPausesClock', 'warrantyByCategory', 'repairTurnaround', 'repairTurnaroundWarnAfter', 'repairQuoteDecision', 'repairUnrepairedReturn', 'repairConfirmation', 'repairCollection', 'repairCollectionWarnAfter', 'maintenanceReminderBefore', 'maintenanceNoShowGrace', 'maintenanceRescheduleLimit', 'statementConfirmWindow'];
    const old: Record<string, unknown> = { ...DEFAULT_POLICY, version: '2026.1', customerShipBack: { hours: 100 }, customerConfirmationTimeout: { workingDays: 4 } };
    for (const key of added) delete old[key];
    return old as RecordedPolicy;
  }

  it('completes an older policy with what the playbooks’ fallbacks gave it, keys whose absence means none left absent', () => {
    const old = policyBeforeAddedKeys();
    const completed: CasePolicy = completePolicy(old);
    expect(completed).toEqual({
      ...old,
      interventionWindow: { hours: 72 },
      disputeEvidence: { hours: 48 },
      disputeRuling: { hours: 72 },
      disputeCourierEvidence: { hours: 48 },
      disputeInfoPausesClock: false,
      repairTurnaround: { workingDays: 10 },
      repairQuoteDecision: { hours: 72 },
      repairUnrepairedReturn: { workingDays: 5 },
      repairConfirmation: { workingDays: 4 },
      repairCollection: { hours: 100 },
      maintenanceNoShowGrace: { hours: 24 },
      maintenanceRescheduleLimit: 2,
      statementConfirmWindow: { hours: 168 },
    });
    for (const key of ['platformReview', 'returnPostageCapCents', 'warrantyByCategory', 'repairTurnaroundWarnAfter', 'repairCollectionWarnAfter', 'maintenanceReminderBefore']) expect(completed).not.toHaveProperty(key);
  });

  it('keeps every value a policy carries', () => {
    expect(completePolicy(DEFAULT_POLICY)).toEqual(DEFAULT_POLICY);
    const own = { ...policyBeforeAddedKeys(), repairCollection: { hours: 5 }, disputeInfoPausesClock: true, maintenanceRescheduleLimit: 0 };
    expect(completePolicy(own)).toMatchObject({ repairCollection: { hours: 5 }, disputeInfoPausesClock: true, maintenanceRescheduleLimit: 0 });
  });
});

describe('loadPolicy', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-test-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function policyFile(content: unknown): string {
    const file = path.join(dir, `policy-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  }

  it('returns the default policy when nothing is configured', () => {
    expect(loadPolicy({})).toEqual(DEFAULT_POLICY);
  });

  it('has the defaults the spec names', () => {
    expect(DEFAULT_POLICY).toMatchObject({
      registration: { minutes: 30 },
      firstResponse: { hours: 24 },
      safetyEmergencyStart: { hours: 2 },
      initialInvestigation: { workingDays: 1 },
      solutionReply: { workingDays: 2 },
      merchantReviewReminder: { hours: 24 },
      merchantReviewTimeout: { hours: 48 },
      merchantReviewTimeoutAction: 'approve',
      refundStart: { workingDays: 3 },
      refundStartWarnAfter: { workingDays: 1 },
      customerShipBack: { hours: 168 },
      customerShipBackTimeoutAction: 'close_abandoned',
      returnPostageCapCents: 3_000,
      merchantInspection: { hours: 48 },
      merchantInspectionTimeoutAction: 'deem_accepted',
      appealWindow: { hours: 168 },
      priceDifferenceWindow: { hours: 72 },
      noReasonReturnWindow: { hours: 168 },
      noReasonReturnExcludedCategories: ['custom_made', 'perishable', 'intimate_apparel'],
    });
    expect(DEFAULT_POLICY.calendar.timeZone).toBe('Asia/Shanghai');
  });

  it('deep-merges a policy file over the defaults', () => {
    const file = policyFile({
      version: '2026.2-acme',
      merchantReviewTimeoutAction: 'escalate_to_platform',
      initialInvestigation: { hours: 8 },
      calendar: { holidays: ['2026-03-20'] },
    });
    const policy = loadPolicy({ CASE_POLICY_FILE: file });
    expect(policy.version).toBe('2026.2-acme');
    expect(policy.merchantReviewTimeoutAction).toBe('escalate_to_platform');
    // A duration is replaced whole, not merged with the default { workingDays: 1 }.
    expect(policy.initialInvestigation).toEqual({ hours: 8 });
    // Nested objects merge; arrays replace.
    expect(policy.calendar).toEqual({ ...DEFAULT_POLICY.calendar, holidays: ['2026-03-20'] });
    expect(policy.merchantReviewTimeout).toEqual({ hours: 48 });
    // The shared default is untouched.
    expect(DEFAULT_POLICY.calendar.holidays).toContain('2026-10-01');
  });

  it('takes the statement window as any duration, and the former STATEMENT_CONFIRM_HOURS as its hours', () => {
    expect(loadPolicy({}).statementConfirmWindow).toEqual({ hours: 168 });
    expect(loadPolicy({ CASE_POLICY_FILE: policyFile({ statementConfirmWindow: { workingDays: 3 } }) }).statementConfirmWindow).toEqual({ workingDays: 3 });
    expect(loadPolicy({ CASE_POLICY_FILE: policyFile({ statementConfirmWindow: { minutes: 2 } }) }).statementConfirmWindow).toEqual({ minutes: 2 });
    expect(loadPolicy({ STATEMENT_CONFIRM_HOURS: '72' }).statementConfirmWindow).toEqual({ hours: 72 });
    expect(loadPolicy({ STATEMENT_CONFIRM_HOURS: '72', CASE_POLICY_STATEMENT_CONFIRM_HOURS: '0.5' }).statementConfirmWindow).toEqual({ hours: 0.5 });
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ statementConfirmWindow: { weeks: 1 } }) })).toThrow(/statementConfirmWindow/);
  });

  it('applies environment overrides after the file', () => {
    const file = policyFile({ version: 'from-file', merchantReviewTimeout: { hours: 36 } });
    const policy = loadPolicy({
      CASE_POLICY_FILE: file,
      CASE_POLICY_VERSION: 'from-env',
      CASE_POLICY_MERCHANT_REVIEW_HOURS: '72',
      CASE_POLICY_REFUND_START_WORKING_DAYS: '2',
      CASE_POLICY_RETURN_POSTAGE_CAP_CENTS: '1500',
    });
    expect(policy.returnPostageCapCents).toBe(1500);
    expect(policy.version).toBe('from-env');
    expect(policy.merchantReviewTimeout).toEqual({ hours: 72 });
    expect(policy.refundStart).toEqual({ workingDays: 2 });
  });

  it('accepts the committed example file', () => {
    const policy = loadPolicy({ CASE_POLICY_FILE: path.resolve(__dirname, '../../config/policy.example.json') });
    expect(policy.version).toBe('2026.1-example');
    expect({ ...policy, version: DEFAULT_POLICY.version }).toEqual(DEFAULT_POLICY);
  });

  it('rejects an invalid value and names the field', () => {
    expect(() => loadPolicy({ CASE_POLICY_MERCHANT_REVIEW_TIMEOUT_ACTION: 'reject' })).toThrow(
      /merchantReviewTimeoutAction/,
    );
    expect(() => loadPolicy({ CASE_POLICY_REFUND_START_WORKING_DAYS: '5' })).toThrow(/refundStart\.workingDays/);
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ registration: { hours: -1 } }) })).toThrow(
      /registration/,
    );
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ calendar: { holidays: ['2026-13-01'] } }) })).toThrow(
      /calendar\.holidays\.0/,
    );
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ calendar: { timeZone: 'Mars/Olympus' } }) })).toThrow(
      /calendar\.timeZone/,
    );
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ disputeEvidence: { days: 2 } }) })).toThrow(/Invalid case policy.*disputeEvidence/);
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ maintenanceRescheduleLimit: 21 }) })).toThrow(/maintenanceRescheduleLimit: Too big/);
  });

  it('rejects inconsistent values', () => {
    expect(() => loadPolicy({ CASE_POLICY_MERCHANT_REVIEW_HOURS: '12' })).toThrow(
      /merchantReviewReminder: must be shorter than merchantReviewTimeout/,
    );
    expect(() =>
      loadPolicy({ CASE_POLICY_FILE: policyFile({ calendar: { extraWorkingDays: ['2026-10-01'] } }) }),
    ).toThrow(/calendar\.extraWorkingDays\.0/);
  });

  it('rejects unknown fields, a non-numeric override and an unreadable file', () => {
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile({ merchantReveiwTimeout: { hours: 1 } }) })).toThrow(
      /merchantReveiwTimeout/,
    );
    expect(() => loadPolicy({ CASE_POLICY_MERCHANT_REVIEW_HOURS: 'two days' })).toThrow(
      /CASE_POLICY_MERCHANT_REVIEW_HOURS/,
    );
    expect(() => loadPolicy({ CASE_POLICY_FILE: policyFile('{ not json') })).toThrow(/Cannot read case policy file/);
    expect(() => loadPolicy({ CASE_POLICY_FILE: path.join(dir, 'missing.json') })).toThrow(/missing\.json/);
  });
});
