import { STATUSES_BY_KIND } from '../../workflows/contract';
import { playbookFor, SUPPORTED_KINDS } from '../../workflows/kinds/playbooks';

describe('the statuses the contract declares per kind', () => {
  it.each(SUPPORTED_KINDS)('are exactly those the %s playbook has a step or commands for, and every open one has a step', (kind) => {
    const playbook = playbookFor(kind);
    const used = new Set([...Object.keys(playbook.steps), ...Object.keys(playbook.commands)]);
    used.add('closed');
    expect([...used].sort()).toEqual([...STATUSES_BY_KIND[kind]].sort());
    const withoutStep = STATUSES_BY_KIND[kind].filter((status) => status !== 'closed' && !(status in playbook.steps));
    expect(withoutStep).toEqual([]);
  });
});
