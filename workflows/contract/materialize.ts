/**
 * Readies the contract's schemas to be shared among all cases and deep-frozen by the SDK (worker/workflow-bundle.ts),
 * while the shared code is still being evaluated and nothing is frozen yet:
 * - zod builds a schema's members (bound methods such as `safeParse`, derived values, internals such as an object's
 *   property list) on first read and keeps each as an own property, which a frozen schema refuses ("Cannot define
 *   property safeParse, object is not extensible"): every member of every reachable schema is read once here;
 * - zod resets a pattern's `lastIndex` before each test, which a frozen RegExp refuses: each pattern a schema holds is
 *   handed out as a fresh copy of itself (V8 shares the compiled expression between copies).
 */
export function materializeSchemaMembers(roots: readonly unknown[]): number {
  const seen = new Set<object>();
  let schemas = 0;
  const visit = (value: unknown): void => {
    if (value === null || typeof value !== 'object' || seen.has(value)) return;
    seen.add(value);
    if ('_zod' in value) {
      schemas++;
      readPrototypeMembers(value);
      readPrototypeMembers((value as { _zod: object })._zod);
    }
    for (const key of Reflect.ownKeys(value)) {
      const member = read(value, key);
      if (member instanceof RegExp) handOutCopies(value, key, member);
      else visit(member);
    }
  };
  roots.forEach(visit);
  return schemas;
}

function readPrototypeMembers(target: object): void {
  for (let proto = Object.getPrototypeOf(target); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) if (key !== 'constructor') read(target, key);
  }
}

function handOutCopies(holder: object, key: PropertyKey, pattern: RegExp): void {
  const { source, flags } = pattern;
  Object.defineProperty(holder, key, { get: () => new RegExp(source, flags), enumerable: true, configurable: false });
}

function read(target: object, key: PropertyKey): unknown {
  try {
    return (target as Record<PropertyKey, unknown>)[key];
  } catch {
    // A member that does not apply to this schema (it throws when built): nothing to keep.
    return undefined;
  }
}
