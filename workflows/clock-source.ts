/** The one place workflow code reads the current time. */
export function workflowNow(): number {
  // Inside Temporal's workflow sandbox Date.now() is the deterministic time of the current workflow task, not the wall clock.
  // eslint-disable-next-line no-restricted-properties
  return Date.now();
}
