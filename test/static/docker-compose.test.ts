import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

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
    expect(Object.keys(config.services).sort()).toEqual(['api', 'mongo', 'postgresql', 'prometheus', 'temporal', 'temporal-search-attributes', 'temporal-ui', 'worker']);
    for (const service of ['api', 'worker']) {
      expect(config.services[service].environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233', MONGODB_URI: expect.stringContaining('mongodb://mongo:27017') });
    }
    for (const service of ['postgresql', 'temporal', 'mongo', 'api']) expect(config.services[service].healthcheck).toBeDefined();
    // Prometheus scrapes with the project's configuration (config/observability/prometheus.yml).
    expect(config.services.prometheus.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ source: path.join(root, 'config/observability/prometheus.yml'), target: '/etc/prometheus/prometheus.yml' })]));
  });
});
