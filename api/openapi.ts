import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { registerRoutes, type ApiRoute } from './route-table';

/** The OpenAPI 3.1 document of `routes`, from the same entries that mount them. */
export function buildOpenApiDocument(routes: readonly ApiRoute[]): object {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registerRoutes(registry, routes);
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'After-sales case API', version: '0.1.0', description: 'Every case is a Temporal workflow; this API validates, authorises and forwards.' },
    servers: [{ url: '/' }],
  });
}
