// Real local HTTP services that serve their own OpenAPI 3 or Swagger 2.0 document and implement its operations
// (each answers JSON naming the operation, method, path and query it got), for the OpenAPI discovery tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'yaml';

export interface OpenApiService {
  host: string;
  port: number;
  /** Requests for document paths, by path. */
  probes: Map<string, number>;
  /** Replace the document (an object) or serve raw text. */
  setDocument(doc: object | string): void;
  close(): Promise<void>;
}

/** A pet store: GET /pets (listPets), POST /pets (createPet), GET /pets/{petId} (getPet), DELETE /pets/{petId} (no operationId). */
export function openApi3Document(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: { title: 'pets', version: '1' },
    paths: {
      '/pets': {
        get: {
          operationId: 'listPets',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pets' } } } } },
        },
        post: { operationId: 'createPet', responses: { '201': { description: 'made' } } },
      },
      '/pets/{petId}': {
        parameters: [{ name: 'petId', in: 'path', required: true, schema: { type: 'string' } }],
        get: {
          operationId: 'getPet',
          responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } } } },
        },
        delete: { responses: { '204': { description: 'gone' } } },
      },
      ...extra,
    },
    components: {
      schemas: { Pet: { type: 'object', properties: { id: { type: 'string' } } }, Pets: { type: 'array', items: { $ref: '#/components/schemas/Pet' } } },
    },
  };
}

/** A store in Swagger 2.0 under basePath /v1: GET /orders/{orderId} (getOrder), POST /orders (placeOrder). */
export function swagger2Document(): Record<string, unknown> {
  return {
    swagger: '2.0',
    info: { title: 'store', version: '1' },
    basePath: '/v1',
    paths: {
      '/orders': { post: { operationId: 'placeOrder', responses: { '200': { description: 'ok', schema: { $ref: '#/definitions/Order' } } } } },
      '/orders/{orderId}': {
        get: {
          operationId: 'getOrder',
          parameters: [{ name: 'orderId', in: 'path', required: true, type: 'string' }],
          responses: { '200': { description: 'ok' } },
        },
      },
    },
    definitions: { Order: { type: 'object', properties: { id: { type: 'string' } } } },
  };
}

/** Serves `doc` at `docPath` (JSON, or YAML when the path ends in .yaml) and answers every other request with what it got. */
export async function startOpenApiService(name: string, o: { host?: string; docPath: string; doc: object | string }): Promise<OpenApiService> {
  let doc: object | string = o.doc;
  const probes = new Map<string, number>();
  const docPaths = new Set(['/openapi.json', '/openapi.yaml', '/v3/api-docs', '/swagger.json', '/swagger/v1/swagger.json', o.docPath]);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (docPaths.has(url.pathname)) {
      probes.set(url.pathname, (probes.get(url.pathname) ?? 0) + 1);
      if (url.pathname !== o.docPath) {
        res.writeHead(404).end();
        return;
      }
      const yaml = o.docPath.endsWith('.yaml');
      const body = typeof doc === 'string' ? doc : yaml ? stringify(doc) : JSON.stringify(doc, null, 2);
      res.writeHead(200, { 'content-type': yaml ? 'application/yaml' : 'application/json' }).end(body);
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () =>
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ service: name, method: req.method, path: url.pathname, query: url.search, body })),
    );
  });
  await new Promise<void>((r) => server.listen(0, o.host ?? '127.0.0.1', r));
  const addr = server.address() as AddressInfo;
  return {
    host: addr.address,
    port: addr.port,
    probes,
    setDocument: (d) => void (doc = d),
    close: () => new Promise((r) => server.close(() => r())),
  };
}
