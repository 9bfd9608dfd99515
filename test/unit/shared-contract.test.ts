import { COMMAND_EXAMPLES } from '../../api/schemas';

/**
 * The worker shares the workflow code among all cases and deep-freezes it (worker/workflow-bundle.ts). This loads the
 * shared code as the worker does (workflows/shared-code.ts readies the contract's schemas), freezes it as the SDK does,
 * and checks that the frozen schemas still validate: a zod upgrade that builds something lazily again fails here, by
 * name, before it fails a case.
 */
type Contract = typeof import('../../workflows/contract');

function deepFreeze(value: unknown, seen = new WeakSet<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) {
    try {
      deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
    } catch {
      // as the SDK: what cannot be frozen is left
    }
  }
  Object.freeze(value);
}

describe('the contract shared among cases, frozen', () => {
  let contract: Contract;
  beforeAll(() => {
    // A module registry of its own, so the contract is the one shared-code.ts readied (require: isolateModules is synchronous).
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('../../workflows/shared-code');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      contract = require('../../workflows/contract') as Contract;
    });
    deepFreeze(contract);
  });

  it('takes every documented command example and refuses a malformed body, field by field', () => {
    for (const [name, example] of Object.entries(COMMAND_EXAMPLES)) {
      const schema = contract.commandBodies[name as keyof Contract['commandBodies']];
      expect({ name, ok: schema.safeParse(example).success }).toEqual({ name, ok: true });
      const malformed = schema.safeParse({ ...example, reason: 42, unexpected: true });
      expect({ name, ok: malformed.success }).toEqual({ name, ok: false });
      if (!malformed.success) expect(malformed.error.issues.length).toBeGreaterThan(0);
    }
  });

  it('validates partner events with their patterns (a frozen RegExp cannot be reset)', () => {
    const event = { dedupKey: 'sf-evt-1', trackingNumber: 'SF1234567890', event: 'delivered', at: 1_800_000_000_000 };
    expect(contract.CourierEvent.safeParse(event).success).toBe(true);
    expect(contract.CourierEvent.safeParse({ ...event, dedupKey: ' not an id ' }).success).toBe(false);
    // twice: a pattern's state must not carry over from one parse to the next
    expect(contract.CourierEvent.safeParse(event).success).toBe(true);
  });
});
