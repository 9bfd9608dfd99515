import type mongoose from 'mongoose';

export interface ActivityDeps {
  store: mongoose.Connection;
  env: NodeJS.ProcessEnv;
}

/** Every activity the case workflows call, built from injected dependencies so tests can supply their own. */
export function createActivities(_deps: ActivityDeps) {
  return {};
}
