/**
 * npm start runs WORKER_PROCESSES workers, each ensuring the Temporal schedules as it starts: started side by side
 * (real dev server), one of them creates each schedule and the others find it, none fails.
 */
import { Client, Connection } from '@temporalio/client';
import { ensureQualitySchedule, QUALITY_SCHEDULE_ID } from '../../worker/quality-schedule';
import { ensureSettlementSchedule, SETTLEMENT_SCHEDULE_ID } from '../../worker/settlement-schedule';
import { startDevTemporal, type DevTemporal } from '../support/servers';

describe('the schedules, ensured by several workers at once (dev server)', () => {
  let temporal: DevTemporal;
  let connection: Connection;

  beforeAll(async () => {
    temporal = await startDevTemporal();
    connection = await Connection.connect({ address: temporal.address });
  }, 120_000);
  afterAll(async () => {
    await connection?.close();
    await temporal?.stop();
  });

  it('creates each schedule once, whichever worker comes first', async () => {
    const taskQueue = `schedules-once-${process.pid}`;
    const workers = Array.from({ length: 4 }, () => new Client({ connection }));
    await Promise.all(workers.flatMap((client) => [ensureQualitySchedule(client, taskQueue), ensureSettlementSchedule(client, taskQueue)]));
    // A schedule id is unique in its namespace: both exist, with the task queue of the workers that ensured them.
    for (const id of [QUALITY_SCHEDULE_ID, SETTLEMENT_SCHEDULE_ID]) {
      const described = await workers[0].schedule.getHandle(id).describe();
      expect(described.action).toMatchObject({ type: 'startWorkflow', taskQueue });
    }
  });
});
