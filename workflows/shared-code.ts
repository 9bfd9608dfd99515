/**
 * What the worker evaluates once per workflow thread and shares among every case (worker/workflow-bundle.ts): the
 * whole workflow code, with the contract's schemas fully built before the SDK freezes them.
 */
import * as contract from './contract';
import { materializeSchemaMembers } from './contract/materialize';

export * from './index';

materializeSchemaMembers(Object.values(contract));
