import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { apiKeysSource, DEV_API_KEYS, loadApiKeys } from '../../config/api-keys';

describe('API key configuration', () => {
  const secret = 'super-secret-key-value-123';

  it('uses the development keys only outside production and only when nothing is configured', () => {
    expect(loadApiKeys({ NODE_ENV: 'test' })).toEqual(DEV_API_KEYS);
    expect(() => loadApiKeys({ NODE_ENV: 'production' })).toThrow(/No API keys configured/);
    expect(apiKeysSource({})).toBe('development defaults');
  });

  it('names where the keys come from without reading them (the API logs it at start)', () => {
    expect(apiKeysSource({ API_KEYS: '[]' })).toBe('API_KEYS');
    expect(apiKeysSource({ API_KEYS: '[]', API_KEYS_FILE: '/keys.json' })).toBe('API_KEYS_FILE');
  });

  it('reads API_KEYS and API_KEYS_FILE (the file wins)', () => {
    const inline = JSON.stringify([{ key: secret, role: 'merchant', id: 'm-user', merchantId: 'm-1' }]);
    expect(loadApiKeys({ API_KEYS: inline, NODE_ENV: 'production' })).toEqual([{ key: secret, role: 'merchant', id: 'm-user', merchantId: 'm-1' }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'api-keys-'));
    try {
      const file = path.join(dir, 'keys.json');
      fs.writeFileSync(file, JSON.stringify([{ key: 'file-key-000001', role: 'supervisor', id: 'sup-1' }]));
      expect(loadApiKeys({ API_KEYS_FILE: file, API_KEYS: inline })).toEqual([{ key: 'file-key-000001', role: 'supervisor', id: 'sup-1' }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad configuration without ever repeating a key', () => {
    const cases = [
      `[{"key": "${secret}", "role": "merchant", "id": "m"}]`,
      `[{"key": "${secret}", "role": "root", "id": "x"}]`,
      `[{"key": "${secret}", "role": "agent", "id": "a"}, {"key": "${secret}", "role": "agent", "id": "b"}]`,
      `[{"key": "${secret}", "role": "agent", "id": "a"`,
      `[{"key": "${secret}", "role": "agent", "id": "a", "extra": "${secret}"}]`,
    ];
    for (const raw of cases) {
      let message = '';
      try {
        loadApiKeys({ API_KEYS: raw });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/API keys/);
      expect(message).not.toContain(secret);
    }
  });
});
