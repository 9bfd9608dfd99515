/**
 * zod with the OpenAPI extension (`.openapi()` on every schema), applied once. The worker evaluates this module once
 * and shares it among its cached cases (worker/create-worker.ts), then freezes it: the extension and the defaults zod
 * sets on its first schemas (locale, memoizer) must be in place by then.
 */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);
z.object({ first: z.string() });
