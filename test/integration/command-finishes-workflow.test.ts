import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { executeCommandUpdate } from '../../api/workflow-update';
import { startDevTemporal, type DevTemporal } from '../support/servers';
import { closeTicketUpdate, finishingCommandWorkflow } from './fixtures/finishing-command';

/**
 * A command that completes its workflow answers what it did (dev server): the server's AcceptedUpdateCompletedWorkflow
 * for an update whose run completed before its handler answered becomes the run's result; a refusal stays a refusal.
 */
describe('a command update that finishes its workflow', () => {
  let server: DevTemporal;
  let native: NativeConnection;
  let connection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `finishing-command-${process.pid}`;

  beforeAll(async () => {
    server = await startDevTemporal();
    native = await NativeConnection.connect({ address: server.address });
    worker = await Worker.create({ connection: native, taskQueue, workflowsPath: require.resolve('./fixtures/finishing-command') });
    running = worker.run();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
  }, 120_000);
  afterAll(async () => {
    worker?.shutdown();
    await running;
    await connection?.close();
    await native?.close();
    await server?.stop();
  });

  const start = (id: string) => client.workflow.start(finishingCommandWorkflow, { taskQueue, workflowId: `${id}-${Date.now()}` });
  const ctx = () => ({ temporal: client, callTimeoutMs: 10_000 });

  it('answers the run’s result when the run completed before the handler answered', async () => {
    const handle = await start('late');
    await expect(handle.executeUpdate(closeTicketUpdate, { args: [{ by: 'agent-1', answerLate: true }] })).rejects.toMatchObject({ cause: { type: 'AcceptedUpdateCompletedWorkflow' } });

    const again = await start('late-api');
    const answer = await executeCommandUpdate(ctx(), again, closeTicketUpdate, { args: [{ by: 'agent-2', answerLate: true }] });
    expect(answer).toEqual({ status: 'closed', closedBy: 'agent-2' });
    expect(await again.result()).toEqual(answer);
  });

  it('answers the handler’s own answer, and a validator’s refusal is still a refusal', async () => {
    const handle = await start('on-time');
    const refused = executeCommandUpdate(ctx(), handle, closeTicketUpdate, { args: [{ by: '' }] });
    await expect(refused).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(refused).rejects.toMatchObject({ cause: { type: 'actor_missing' } });
    expect(await executeCommandUpdate(ctx(), handle, closeTicketUpdate, { args: [{ by: 'agent-3' }] })).toEqual({ status: 'closed', closedBy: 'agent-3' });
  });
});
