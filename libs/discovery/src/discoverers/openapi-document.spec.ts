import { describe, expect, it } from 'vitest';
import type { DiscoveryError } from '@gatehouse/plugin-sdk';
import { documentFunctions, parseText } from './openapi-document.js';

const problem = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as DiscoveryError).toProblem();
  }
  throw new Error('no error');
};

describe('OpenAPI documents', () => {
  it('reports an unparseable document with its line (JSON and YAML)', () => {
    expect(problem(() => parseText('{\n  "openapi": "3.0.0",\n  "paths": {,}\n}', 'u'))).toMatchObject({ code: 'InvalidDocument', line: 3, source: 'u' });
    expect(problem(() => parseText('openapi: 3.0.0\npaths:\n  /a:\n   get: x\n  - b\n', 'u'))).toMatchObject({ code: 'InvalidDocument', line: 5 });
  });

  it('one function per operation: operationId, else METHOD /path; Swagger basePath and OpenAPI server paths; $refs resolved', async () => {
    const fns = await documentFunctions(
      {
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        servers: [{ url: '/api/' }],
        paths: {
          '/a/{id}': {
            get: { operationId: 'getA', responses: { '200': { $ref: '#/components/responses/Ok' } } },
            put: { responses: { '200': { description: 'x' } } },
          },
        },
        components: { responses: { Ok: { description: 'ok' } } },
      },
      'u',
    );
    expect(fns).toEqual([
      { name: 'PUT /api/a/{id}', http: { method: 'PUT', path: '/api/a/{id}' } },
      { name: 'getA', http: { method: 'GET', path: '/api/a/{id}', operationId: 'getA' } },
    ]);
    const swagger = await documentFunctions(
      {
        swagger: '2.0',
        info: { title: 't', version: '1' },
        basePath: '/v2',
        paths: { '/pets': { post: { operationId: 'add', responses: { '200': { description: 'ok' } } } } },
      },
      'u',
    );
    expect(swagger).toEqual([{ name: 'add', http: { method: 'POST', path: '/v2/pets', operationId: 'add' } }]);
  });

  it('refuses what is not a valid document, and never follows an external $ref', async () => {
    await expect(documentFunctions({ hello: 1 }, 'u')).rejects.toMatchObject({ code: 'InvalidDocument' });
    await expect(
      documentFunctions({ openapi: '3.0.3', info: { title: 't', version: '1' }, paths: { '/a': { $ref: 'file:///etc/passwd' } } }, 'u'),
    ).resolves.toEqual([]);
    await expect(documentFunctions({ openapi: '3.0.3', paths: {} }, 'u')).rejects.toMatchObject({ code: 'InvalidDocument' });
  });
});
