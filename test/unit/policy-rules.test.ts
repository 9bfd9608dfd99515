import { DEFAULT_POLICY } from '../../workflows/policy';
import { matchPolicy, type PolicyRules } from '../../workflows/policy-rules';

const rules: PolicyRules = {
  version: 'v',
  base: DEFAULT_POLICY,
  overrides: [
    { name: 'urgent-tickets', match: { kinds: ['feedback'], priorities: ['urgent'] }, set: { firstResponse: { hours: 4 } } },
    { name: 'premium-kitchen', match: { categories: ['kitchen'], merchantTiers: ['premium'] }, set: { merchantReviewTimeout: { hours: 24 } } },
    { name: 'all-feedback', match: { kinds: ['feedback'] }, set: { firstResponse: { hours: 12 } } },
  ],
};

describe('matching a case to a policy version', () => {
  it('takes the first override whose every listed criterion holds', () => {
    expect(matchPolicy(rules, { kind: 'feedback', priority: 'urgent' })).toMatchObject({ override: 'urgent-tickets', policy: { firstResponse: { hours: 4 } } });
    expect(matchPolicy(rules, { kind: 'feedback', priority: 'normal' })).toMatchObject({ override: 'all-feedback', policy: { firstResponse: { hours: 12 } } });
    expect(matchPolicy(rules, { kind: 'return', category: 'kitchen', merchantTier: 'premium' })).toMatchObject({ override: 'premium-kitchen', policy: { merchantReviewTimeout: { hours: 24 } } });
  });

  it('needs a value for a listed criterion, and falls back to the default', () => {
    expect(matchPolicy(rules, { kind: 'feedback' }).override).toBe('all-feedback');
    expect(matchPolicy(rules, { kind: 'return', category: 'kitchen' })).toEqual({ policy: DEFAULT_POLICY });
    expect(matchPolicy(rules, { kind: 'return', merchantTier: 'premium', category: 'toys' })).toEqual({ policy: DEFAULT_POLICY });
  });

  it('keeps the default’s other limits and its version', () => {
    const { policy } = matchPolicy(rules, { kind: 'feedback', priority: 'urgent' });
    expect(policy).toEqual({ ...DEFAULT_POLICY, firstResponse: { hours: 4 } });
  });
});
