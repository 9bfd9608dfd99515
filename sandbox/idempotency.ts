/**
 * Idempotency store: the first business outcome recorded under (route, key) is replayed for every
 * later request with the same key and the same body; the same key with a different body is a conflict.
 * Only outcomes of requests that actually executed are stored (success and business refusal),
 * never validation errors or injected transport failures, so a retry after those can still succeed.
 */

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface Entry {
  fingerprint: string;
  response: StoredResponse;
  storedAt: string;
}

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict' };

/** Canonical JSON (object keys sorted) so that key order does not change a request's identity. */
export function fingerprint(value: unknown): string {
  return JSON.stringify(canonical(value)) ?? 'undefined';
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, canonical(obj[k])]),
    );
  }
  return value;
}

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  lookup(scope: string, key: string, bodyFingerprint: string): IdempotencyLookup {
    const entry = this.entries.get(storeKey(scope, key));
    if (!entry) return { kind: 'miss' };
    if (entry.fingerprint !== bodyFingerprint) return { kind: 'conflict' };
    return { kind: 'replay', response: entry.response };
  }

  save(scope: string, key: string, bodyFingerprint: string, response: StoredResponse): void {
    this.entries.set(storeKey(scope, key), { fingerprint: bodyFingerprint, response, storedAt: new Date().toISOString() });
  }

  get size(): number {
    return this.entries.size;
  }

  /** Every stored answer, for the journal (sandbox/journal.ts). */
  *stored(): Iterable<{ scope: string; key: string; fingerprint: string; response: StoredResponse }> {
    for (const [id, entry] of this.entries) {
      const [scope, key] = id.split('\u0000');
      yield { scope, key, fingerprint: entry.fingerprint, response: entry.response };
    }
  }

  clear(): void {
    this.entries.clear();
  }
}

function storeKey(scope: string, key: string): string {
  return `${scope}\u0000${key}`;
}
