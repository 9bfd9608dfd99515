/** Registers the test kinds' playbooks (after their definitions: a playbook imports the contract). */
import { registerPlaybook } from '../../workflows/kinds/playbooks';
import { priceProtectionPlaybook } from './price-protection/playbook';

registerPlaybook('price_protection', priceProtectionPlaybook);
