import { condition } from '@temporalio/workflow';

/**
 * Resolves at the activation's next condition check, after the microtasks of every job delivered with it: the first
 * evaluation (condition()'s eager one) always says no.
 */
export function nextConditionCheck(): Promise<void> {
  let checkedOnce = false;
  return condition(() => {
    const pass = checkedOnce;
    checkedOnce = true;
    return pass;
  });
}
