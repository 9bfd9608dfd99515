/**
 * Why a command the case's status does not take is refused, told apart by what would change the answer:
 * - `role_not_allowed` (403): the role may never send it on a case of this kind, whatever its state;
 * - the playbook's own explanation (e.g. `already_requested`, `appeal_window_closed`), when it has one;
 * - `invalid_transition` (409): not now; the refusal names the case's status and when the role may send it
 *   (`caseStatus`, `possibleWhen`), e.g. a customer asking for intervention while the merchant's review is pending.
 */
import type { CaseStatus } from '../domain/case';
import type { Role } from '../domain/parties';
import type { CommandName } from '../messages';
import { COMMON_COMMANDS } from './common-commands';
import type { CaseContext } from './context';
import { commandRejected, type Playbook } from './playbook';

/** The statuses of `playbook` in which `role` may send `name`, in the playbook's order. */
function statusesAllowing(playbook: Playbook, name: CommandName, role: Role): CaseStatus[] {
  return (Object.entries(playbook.commands) as Array<[CaseStatus, Partial<Record<CommandName, readonly Role[]>> | undefined]>)
    .filter(([, commands]) => commands?.[name]?.includes(role))
    .map(([status]) => status);
}

/** Whether `role` may ever send `name` on a case run by `playbook`. */
export function everAllowed(playbook: Playbook, name: CommandName, role: Role): boolean {
  return statusesAllowing(playbook, name, role).length > 0 || (COMMON_COMMANDS[name]?.roles.includes(role) ?? false);
}

/** Every role that may ever send `name` on such a case. */
function rolesEver(playbook: Playbook, name: CommandName): Role[] {
  const roles = new Set<Role>(COMMON_COMMANDS[name]?.roles ?? []);
  for (const commands of Object.values(playbook.commands)) for (const role of commands?.[name] ?? []) roles.add(role);
  return [...roles];
}

/** Throws the refusal of `name` from `role`, which the case's current status does not allow. */
export function refuseByStatus(ctx: CaseContext, playbook: Playbook, name: CommandName, role: Role, payload: unknown): never {
  const kind = ctx.input.kind;
  if (!everAllowed(playbook, name, role)) {
    const roles = rolesEver(playbook, name);
    throw commandRejected('role_not_allowed', `${name} is never for a ${role} on a ${kind} case${roles.length ? `; it is for ${roles.join(', ')}` : ''}`);
  }
  (playbook.explainRefusal?.[name] as ((c: CaseContext, p: unknown) => void) | undefined)?.(ctx, payload);
  const statuses = statusesAllowing(playbook, name, role);
  const common = COMMON_COMMANDS[name];
  const possibleWhen = statuses.length > 0 ? statuses : common ? [common.when] : [];
  const when = statuses.length > 0 ? `when the case is ${statuses.join(', ')}` : common?.when ?? 'never';
  throw commandRejected('invalid_transition', `${name} is not possible while the ${kind} case is ${ctx.status}; a ${role} may send it ${when}`, undefined, {
    caseStatus: ctx.status,
    possibleWhen,
  });
}
