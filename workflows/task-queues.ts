/**
 * The task queues of one deployment, derived from the case task queue. Side paths get queues (and so activity slots)
 * of their own: a slow store or notification partner can never take the slots that refunds, reships and partner
 * decisions need.
 */
export function sideTaskQueues(caseTaskQueue: string) {
  return {
    /** Store projection writes. */
    projection: `${caseTaskQueue}-projection`,
    /** Messages to customers, merchants and on-call. */
    notifications: `${caseTaskQueue}-notifications`,
  };
}
