import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { TEMPORAL_DYNAMIC_CONFIG_FILE, temporalServerSettings } from '../../scripts/servers/temporal-cluster';
import { pinnedVersion } from '../../scripts/servers/tools';

const root = path.resolve(__dirname, '../..');

/** `docker compose` when the plugin is installed, else the docker-compose v2 that `npm test` provisions into .tools/bin. */
function composeCommand(): string[] {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  const standalone = path.join(root, '.tools', 'bin', 'docker-compose');
  if (!fs.existsSync(standalone)) throw new Error('no docker compose: run `bash scripts/provision.sh --with-compose` (npm test does)');
  return [standalone];
}

describe('docker-compose.yml (production shape)', () => {
  it('is valid and wires Temporal, its UI, MongoDB, the worker, the API and Prometheus', () => {
    const [command, ...args] = composeCommand();
    const config = JSON.parse(execFileSync(command, [...args, 'config', '--format', 'json'], { cwd: root, encoding: 'utf8' }));
    expect(Object.keys(config.services).sort()).toEqual(['api', 'mongo', 'postgresql', 'prometheus', 'temporal', 'temporal-schema', 'temporal-search-attributes', 'temporal-ui', 'worker']);
    for (const service of ['api', 'worker']) {
      expect(config.services[service].environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', MONGODB_URI: expect.stringContaining('mongodb://mongo:27017') });
    }
    for (const service of ['postgresql', 'temporal', 'mongo', 'api']) expect(config.services[service].healthcheck).toBeDefined();
    // The worker's /metrics carries the SDK's exporter too: the dashboard's deadline lateness comes from it.
    expect(config.services.worker.environment).toMatchObject({ WORKER_METRICS_PORT: '9464', TEMPORAL_SDK_METRICS_PORT: '9465' });
    // Prometheus scrapes with the project's configuration (config/observability/prometheus.yml).
    expect(config.services.prometheus.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ source: path.join(root, 'config/observability/prometheus.yml'), target: '/etc/prometheus/prometheus.yml' })]));
  });

  it('runs the Temporal shape npm run start:cluster runs: its versions, settings, dynamic config and two workers', () => {
    const [command, ...args] = composeCommand();
    const config = JSON.parse(execFileSync(command, [...args, 'config', '--format', 'json'], { cwd: root, encoding: 'utf8' }));
    const version = (name: string) => pinnedVersion(name).replace(/^v/, '');
    expect(config.services.temporal.image).toBe(`temporalio/server:${version('TEMPORAL_SERVER_VERSION')}`);
    expect(config.services['temporal-schema'].image).toBe(`temporalio/admin-tools:${version('TEMPORAL_SERVER_VERSION')}`);
    expect(config.services['temporal-ui'].image).toBe(`temporalio/ui:${version('TEMPORAL_UI_VERSION')}`);
    expect(config.services.temporal.environment).toMatchObject(temporalServerSettings());
    const dynamicConfig = config.services.temporal.volumes.find((v: { target: string }) => v.target === config.services.temporal.environment.DYNAMIC_CONFIG_FILE_PATH);
    expect(dynamicConfig.source).toBe(TEMPORAL_DYNAMIC_CONFIG_FILE);
    expect(config.services.worker.deploy.replicas).toBe(2);
  });
});
