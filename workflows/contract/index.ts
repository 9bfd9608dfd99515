/**
 * The contract, declared once with zod (pure: bundled into the workflow): the commands a case takes, the events partners
 * report, and the case as it is opened and read. Types come from z.infer.
 */
export * from './common';
export * from './commands';
export * from './events';
export * from './case';
export * from './settlement';
export * from './dispute';
export * from './messages';
