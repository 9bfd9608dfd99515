/**
 * zod with the OpenAPI extension (`.openapi()` on every schema), applied once. The worker evaluates the workflow code
 * once and shares it among its cached cases (worker/workflow-bundle.ts), then freezes it: the extension and zod's
 * settings must be in place by then.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);
// zod's default memoizer gives self-referencing schemas cycle support by rewriting a container's parse function on its
// first parse, which a frozen shared schema cannot take. No schema of the contract refers to itself and every input is
// JSON (never cyclic), so containers parse without it.
z.config({ memoizer: { attach: () => undefined, guard: () => undefined, alloc: (_inst, _payload, empty) => empty } });
z.object({ first: z.string() });
