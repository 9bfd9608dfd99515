import { buildOpenApiDocument } from '../../api/openapi';
import { API_ROUTES } from '../../api/routes';
import { CALLBACK_BODIES } from '../../api/schemas';
import { commonHandlers } from '../../workflows/case/common-commands';
import { playbookFor, supportedKinds } from '../../workflows/kinds/playbooks';
import { PARTNER_EVENTS, PARTNER_NAMES, type PartnerEventEntry, type PartnerName } from '../../workflows/contract';

interface Operation {
  description: string;
  requestBody: { content: { 'application/json': { schema: { $ref: string } } } };
}
interface Document {
  paths: Record<string, { post?: Operation }>;
  components: { schemas: Record<string, unknown> };
}

/**
 * Partner events are one contract (workflows/contract/events.ts PARTNER_EVENTS): each entry is a callback route of the
 * API and a hook of the playbooks, with nothing else to write for a new one.
 */
describe('partner events, one registry', () => {
  const doc = buildOpenApiDocument(API_ROUTES) as Document;
  const entry = (partner: PartnerName): PartnerEventEntry => PARTNER_EVENTS[partner];

  it('says who sends each event and which company its key is scoped to', () => {
    const senders = Object.fromEntries(PARTNER_NAMES.map((partner) => [partner, { roles: entry(partner).roles, company: entry(partner).company }]));
    expect(senders).toEqual({
      courier: { roles: ['courier'], company: 'courier' },
      payment: { roles: ['payment'], company: undefined },
      repair: { roles: ['repair_provider'], company: 'repair_provider' },
      service: { roles: ['repair_provider'], company: 'repair_provider' },
    });
  });

  it('is what the OpenAPI document lists as callbacks: one POST /callbacks/<partner> each, for its roles and admins, with its body', () => {
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/callbacks/'))).toEqual(PARTNER_NAMES.map((partner) => `/callbacks/${partner}`));
    for (const partner of PARTNER_NAMES) {
      const operation = doc.paths[`/callbacks/${partner}`].post!;
      expect(operation.description).toContain(`Roles: ${[...entry(partner).roles, 'admin'].join(', ')}.`);
      const component = `${partner[0].toUpperCase()}${partner.slice(1)}Callback`;
      expect(operation.requestBody.content['application/json'].schema.$ref).toBe(`#/components/schemas/${component}`);
      expect(doc.components.schemas[component]).toBeDefined();
    }
  });

  it.each(PARTNER_NAMES)('takes the %s callback example, and what the case gets of it is the event of the contract', (partner) => {
    const callback = CALLBACK_BODIES[partner].safeParse(entry(partner).example);
    expect(callback.error).toBeUndefined();
    const { caseId, ...event } = callback.data!;
    expect(caseId).toBe(entry(partner).example.caseId);
    expect(entry(partner).body.safeParse(event).error).toBeUndefined();
    expect(CALLBACK_BODIES[partner].safeParse({ ...entry(partner).example, caseId: undefined }).success).toBe(false);
  });

  it('reads the courier’s ISO time as the epoch milliseconds its case gets', () => {
    const parsed = CALLBACK_BODIES.courier.parse({ ...PARTNER_EVENTS.courier.example, at: '2026-11-22T08:00:00Z' });
    expect(parsed.at).toBe(Date.parse('2026-11-22T08:00:00Z'));
  });

  it('has a handler for every partner event: a playbook’s onPartnerEvent, or the one every kind shares', () => {
    const handled = (partner: PartnerName) => supportedKinds().filter((kind) => playbookFor(kind).onPartnerEvent?.[partner]);
    expect(Object.fromEntries(PARTNER_NAMES.map((partner) => [partner, commonHandlers.onPartnerEvent[partner] ? 'every kind' : handled(partner)]))).toEqual({
      courier: ['return', 'exchange', 'refund_only', 'repair'],
      payment: 'every kind',
      repair: ['repair'],
      service: ['maintenance'],
    });
  });
});
