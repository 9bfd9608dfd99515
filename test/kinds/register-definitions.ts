/** Registers the test kinds' definitions: imported before anything that builds the contract. */
import { registerKind } from '../../workflows/kinds';
import { priceProtectionKind, unplayedKind } from './price-protection/definition';

registerKind(priceProtectionKind);
registerKind(unplayedKind);
