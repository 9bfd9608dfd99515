import { loadRuntimeConfig } from '../../config/env';

describe('runtime configuration read by the worker and the console', () => {
  it('leaves the worker metrics and cache size unset by default, and 0 means unset', () => {
    expect(loadRuntimeConfig({})).toMatchObject({ workerMetricsPort: undefined, sdkMetricsPort: undefined, workerMaxCachedWorkflows: undefined });
    expect(loadRuntimeConfig({ WORKER_METRICS_PORT: '0', TEMPORAL_SDK_METRICS_PORT: '0', WORKER_MAX_CACHED_WORKFLOWS: '0' })).toMatchObject({ workerMetricsPort: undefined, sdkMetricsPort: undefined, workerMaxCachedWorkflows: undefined });
    expect(loadRuntimeConfig({ WORKER_METRICS_PORT: '9464', TEMPORAL_SDK_METRICS_PORT: '9465', WORKER_MAX_CACHED_WORKFLOWS: '300' })).toMatchObject({ workerMetricsPort: 9464, sdkMetricsPort: 9465, workerMaxCachedWorkflows: 300 });
  });

  it('refuses a worker setting that is not a number, naming the variable', () => {
    expect(() => loadRuntimeConfig({ WORKER_METRICS_PORT: 'http' })).toThrow(/WORKER_METRICS_PORT/);
    expect(() => loadRuntimeConfig({ TEMPORAL_SDK_METRICS_PORT: '70000' })).toThrow(/TEMPORAL_SDK_METRICS_PORT/);
    expect(() => loadRuntimeConfig({ WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('links the console to the embedded Temporal UI unless TEMPORAL_UI_URL names another', () => {
    expect(loadRuntimeConfig({}).temporalUiUrl).toBe('http://127.0.0.1:8233');
    expect(loadRuntimeConfig({ TEMPORAL_UI_PORT: '9233' }).temporalUiUrl).toBe('http://127.0.0.1:9233');
    expect(loadRuntimeConfig({ TEMPORAL_UI_URL: 'https://temporal.example.com' }).temporalUiUrl).toBe('https://temporal.example.com');
  });

  it('polls the console’s lists every 5 s unless CONSOLE_POLL_SECONDS gives at least 1', () => {
    expect(loadRuntimeConfig({}).consolePollSeconds).toBe(5);
    expect(loadRuntimeConfig({ CONSOLE_POLL_SECONDS: '1' }).consolePollSeconds).toBe(1);
    expect(loadRuntimeConfig({ CONSOLE_POLL_SECONDS: '0.5' }).consolePollSeconds).toBe(5);
    expect(loadRuntimeConfig({ CONSOLE_POLL_SECONDS: 'often' }).consolePollSeconds).toBe(5);
  });
});
