import { ApplicationFailure } from '@temporalio/common';
import { instrumentActivities, workerRegistry } from '../../worker/metrics';
import { sdkLogger } from '../../worker/runtime';
import { capturedLogger } from '../support/captured-logger';

describe('worker metrics and logs', () => {
  it('counts partner calls by partner and outcome, failures by kind, and projections with their lag', async () => {
    const activities = instrumentActivities({
      issueRefund: async (input: { fail: boolean }) => {
        if (input.fail) throw ApplicationFailure.retryable('payment answered 503', 'PartnerUnavailable');
        return { refundId: 'rf_1', status: 'succeeded' };
      },
      projectCase: async (_view: { lastTransitionAt: number }) => 'written' as const,
    });
    await activities.issueRefund({ fail: false });
    await expect(activities.issueRefund({ fail: true })).rejects.toThrow('payment answered 503');
    await activities.projectCase({ lastTransitionAt: Date.now() - 1500 });

    const text = await workerRegistry.metrics();
    expect(text).toContain('partner_calls_total{partner="payment",activity="issueRefund",outcome="ok"} 1');
    expect(text).toContain('partner_calls_total{partner="payment",activity="issueRefund",outcome="PartnerUnavailable"} 1');
    expect(text).toContain('partner_call_failures_total{partner="payment",kind="PartnerUnavailable"} 1');
    expect(text).toContain('case_projections_total{outcome="written"} 1');
    // 1.5 s of lag falls in the 2.5 s bucket and not in the 1 s one.
    expect(text).toContain('case_projection_lag_seconds_bucket{le="1"} 0');
    expect(text).toContain('case_projection_lag_seconds_bucket{le="2.5"} 1');
  });

  it("routes the Temporal SDK's log through pino, with the case id of its workflow", () => {
    const { logger, entries } = capturedLogger();
    const sdk = sdkLogger(logger);
    sdk.warn('side effect failed', { workflowId: 'case-0123456789abcdef01234567', effect: 'notify-customer:refund_issued' });
    sdk.debug('below the level', { workflowId: 'case-0123456789abcdef01234567' });
    sdk.info('worker state changed', { sdkComponent: 'worker', taskQueue: 'after-sales-cases' });
    expect(entries.map(({ time: _t, pid: _p, ...rest }) => rest)).toEqual([
      { level: 'warn', name: 'test', msg: 'side effect failed', caseId: 'case-0123456789abcdef01234567', workflowId: 'case-0123456789abcdef01234567', effect: 'notify-customer:refund_issued' },
      { level: 'info', name: 'test', msg: 'worker state changed', sdkComponent: 'worker', taskQueue: 'after-sales-cases' },
    ]);
  });
});
