import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeProtoFailure, pluginProtoRoot } from './plugin-protos.js';
import { envoyRoot } from './proto-root.js';
import { EncodeError, StrictEncoder } from './strict-encoder.js';

const LISTENER = 'type.googleapis.com/envoy.config.listener.v3.Listener';
const HCM = 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const RBAC = 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC';
const RBAC_PROTO = 'envoy/extensions/filters/http/rbac/v3/rbac.proto';
const fixture = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

/** A listener whose connection manager runs one HTTP filter with `typedConfig`. */
const listener = (typedConfig: Record<string, unknown>) => ({
  name: 'l',
  filterChains: [
    {
      filters: [
        {
          name: 'hcm',
          typedConfig: {
            '@type': HCM,
            statPrefix: 'x',
            httpFilters: [
              { name: 'f', typedConfig },
              { name: 'router', typedConfig: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router' } },
            ],
          },
        },
      ],
    },
  ],
});

const denyAdmin = {
  '@type': RBAC,
  rules: { action: 'DENY', policies: { admin: { permissions: [{ urlPath: { path: { prefix: '/admin' } } }], principals: [{ any: true }] } } },
};

function encodeError(enc: StrictEncoder, msg: Record<string, unknown>): string {
  try {
    enc.encode(LISTENER, msg);
  } catch (e) {
    expect(e).toBeInstanceOf(EncodeError);
    return (e as Error).message;
  }
  throw new Error('expected an EncodeError');
}

describe('plugin-declared protos', () => {
  const rbacPlugin = { name: 'rbac', protos: { envoy: [RBAC_PROTO] } };

  it('a plugin declaring rbac.proto can emit an RBAC filter, checked as strictly as a built-in', () => {
    const { root, plugins, failures } = pluginProtoRoot([rbacPlugin]);
    expect(failures).toEqual([]);
    expect(plugins).toEqual([rbacPlugin]);
    const enc = new StrictEncoder(root);
    expect(enc.encode(LISTENER, listener(denyAdmin)).length).toBeGreaterThan(0);
    expect(encodeError(enc, listener({ ...denyAdmin, rulez: {} }))).toContain(
      'Listener.filterChains[0].filters[0].typedConfig<HttpConnectionManager>.httpFilters[0].typedConfig<RBAC>.rulez: unknown field of envoy.extensions.filters.http.rbac.v3.RBAC',
    );
    expect(encodeError(enc, listener({ ...denyAdmin, rules: { action: 'DENNY' } }))).toContain(
      'typedConfig<RBAC>.rules.action: "DENNY" is not a value of Action',
    );
  });

  it('an undeclared type fails with the path and the file to declare', () => {
    const message = encodeError(new StrictEncoder(envoyRoot()), listener(denyAdmin));
    expect(message).toContain('httpFilters[0].typedConfig.@type: unknown message type envoy.extensions.filters.http.rbac.v3.RBAC (not in the loaded protos)');
    expect(message).toContain(`must declare "${RBAC_PROTO}" in its \`protos\``);
  });

  it('caches the Root per set of declarations', () => {
    expect(pluginProtoRoot([rbacPlugin]).root).toBe(pluginProtoRoot([{ ...rbacPlugin }]).root);
    expect(pluginProtoRoot([{ name: 'plain' }]).root).toBe(envoyRoot());
  });

  it("a plugin's own .proto file (importing Envoy's and a sibling) encodes strictly", () => {
    const greeter = { name: 'greeter', protos: { files: [fixture('greeting.proto')] } };
    const { root, failures } = pluginProtoRoot([greeter]);
    expect(failures).toEqual([]);
    const enc = new StrictEncoder(root);
    const greeting = {
      '@type': 'type.googleapis.com/acme.greeting.v1.Greeting',
      text: 'hi',
      delay: '0.5s',
      header: { key: 'x-hi', value: 'yes' },
      mode: 'LOUD',
    };
    expect(enc.encode(LISTENER, listener(greeting)).length).toBeGreaterThan(0);
    expect(encodeError(enc, listener({ ...greeting, mode: 'QUIET' }))).toContain(
      'typedConfig<Greeting>.mode: "QUIET" is not a value of Mode (one of PLAIN, LOUD)',
    );
    expect(encodeError(enc, listener({ ...greeting, txt: 'x' }))).toContain('typedConfig<Greeting>.txt: unknown field of acme.greeting.v1.Greeting');
  });

  it('an unknown Envoy file or a file that does not parse refuses that plugin only, naming it and the file', () => {
    const typo = { name: 'typo', protos: { envoy: ['envoy/extensions/filters/http/rbac/v3/rbca.proto'] } };
    const broken = { name: 'broken', protos: { files: [fixture('broken.proto')] } };
    const { root, plugins, failures } = pluginProtoRoot([typo, rbacPlugin, broken, { name: 'no-protos' }]);
    expect(plugins.map((p) => p.name)).toEqual(['rbac', 'no-protos']);
    expect(failures.map((f) => [f.plugin, f.file])).toEqual([
      ['typo', 'envoy/extensions/filters/http/rbac/v3/rbca.proto'],
      ['broken', fixture('broken.proto')],
    ]);
    expect(describeProtoFailure(failures[0]!)).toMatch(
      /^plugin "typo": protos: envoy\/extensions\/filters\/http\/rbac\/v3\/rbca\.proto: unknown Envoy proto file \(not in the installed Envoy API set at .*\); that folder has "envoy\/extensions\/filters\/http\/rbac\/v3\/rbac\.proto"; the plugin is not loaded/,
    );
    expect(describeProtoFailure(failures[1]!)).toContain(`protos: ${fixture('broken.proto')}: does not load: illegal token 'int32', ';' expected (line 7)`);
    // The built-ins and the plugin that loaded keep working.
    expect(new StrictEncoder(root).encode(LISTENER, listener(denyAdmin)).length).toBeGreaterThan(0);
  });

  it('an own file must be an absolute path that exists', () => {
    const { failures } = pluginProtoRoot([
      { name: 'relative', protos: { files: ['greeting.proto'] } },
      { name: 'gone', protos: { files: ['/nonexistent/x.proto'] } },
    ]);
    expect(failures.map((f) => f.message)).toEqual([
      'own proto file "greeting.proto" must be an absolute path (resolve it against the plugin\'s folder)',
      'own proto file /nonexistent/x.proto does not exist',
    ]);
  });
});
