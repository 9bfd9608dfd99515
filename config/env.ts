/** Runtime settings, each overridable by an environment variable so the same code runs against real clusters. */
export interface RuntimeConfig {
  temporalAddress: string;
  temporalNamespace: string;
  taskQueue: string;
  mongodbUri: string;
  apiHost: string;
  apiPort: number;
  partnerSandboxUrl: string;
}

export function intFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return {
    temporalAddress: env.TEMPORAL_ADDRESS || `127.0.0.1:${intFromEnv(env, 'TEMPORAL_PORT', 7233)}`,
    temporalNamespace: env.TEMPORAL_NAMESPACE || 'default',
    taskQueue: env.TEMPORAL_TASK_QUEUE || 'after-sales-cases',
    mongodbUri: env.MONGODB_URI || `mongodb://127.0.0.1:${intFromEnv(env, 'FERRETDB_PORT', 27017)}/after_sales`,
    apiHost: env.API_HOST || '127.0.0.1',
    apiPort: intFromEnv(env, 'API_PORT', 3000),
    partnerSandboxUrl: env.PARTNER_SANDBOX_URL || `http://127.0.0.1:${intFromEnv(env, 'SANDBOX_PORT', 4100)}`,
  };
}
