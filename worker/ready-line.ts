/** Printed by worker/main.ts once it polls its task queue; process supervisors wait for it. */
export const WORKER_READY_LINE = 'worker ready';
