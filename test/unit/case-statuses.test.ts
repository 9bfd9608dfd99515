import { kindDefinition } from '../../workflows/kinds';
import { playbookFor, supportedKinds } from '../../workflows/kinds/playbooks';

describe('the statuses each kind’s definition declares', () => {
  it.each(supportedKinds())('are exactly those the %s playbook has a step or commands for, and every open one has a step', (kind) => {
    const playbook = playbookFor(kind);
    const used = new Set([...Object.keys(playbook.steps), ...Object.keys(playbook.commands)]);
    used.add('closed');
    const statuses = kindDefinition(kind)?.statuses ?? [];
    expect([...used].sort()).toEqual([...statuses].sort());
    const withoutStep = statuses.filter((status) => status !== 'closed' && !(status in playbook.steps));
    expect(withoutStep).toEqual([]);
  });
});
