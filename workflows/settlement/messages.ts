import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { DisputeDecision, Statement, StatementActor, StatementResponse } from '../contract/settlement';

/** The party's answer to its statement (the API checks the caller is the statement's party; the workflow checks again). */
export const respondToStatementUpdate = defineUpdate<Statement, [{ actor: StatementActor } & StatementResponse]>('respondToStatement');
/** A supervisor upholds or reverses one disputed line. */
export const decideDisputeUpdate = defineUpdate<Statement, [{ actor: StatementActor } & DisputeDecision]>('decideDispute');
export const getStatementQuery = defineQuery<Statement>('getStatement');
