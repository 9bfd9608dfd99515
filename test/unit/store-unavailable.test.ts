import { mongo } from 'mongoose';
import { isUnavailable } from '../../api/errors';

/** The classes the driver throws when it clears a connection pool; not exported as values by the driver. */
type PoolError = new (pool: { address: string; serverError?: Error }) => Error;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PoolClearedError, PoolClearedOnNetworkError } = require('mongodb/lib/cmap/errors') as { PoolClearedError: PoolError; PoolClearedOnNetworkError: PoolError };

/** The store's errors that make a read answer 503 dependency_unavailable (api/errors.ts), and one that does not. */
describe('a store error counted as the store being unavailable', () => {
  const dropped = new mongo.MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');

  it('takes a dropped connection, and the pool the driver cleared, whether or not it kept the error that cleared it', () => {
    expect(isUnavailable(dropped)).toBe(true);
    for (const pool of [{ address: '127.0.0.1:27017', serverError: dropped }, { address: '127.0.0.1:27017' }]) {
      expect(isUnavailable(new PoolClearedError(pool))).toBe(true);
      expect(isUnavailable(new PoolClearedOnNetworkError(pool))).toBe(true);
    }
  });

  it('takes a socket error the driver passes on unwrapped, also when it comes from another realm (not instanceof Error)', () => {
    expect(isUnavailable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' }))).toBe(true);
    expect(isUnavailable({ name: 'Error', message: 'read ECONNRESET', code: 'ECONNRESET', errno: -104, syscall: 'read' })).toBe(true);
    expect(isUnavailable(Object.assign(new Error('file not found'), { code: 'ENOENT' }))).toBe(false);
  });

  it('does not take a refusal by the store', () => {
    expect(isUnavailable(new mongo.MongoServerError({ message: 'E11000 duplicate key error', code: 11000 }))).toBe(false);
  });
});
