import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkShippedCrd, policyObject, validationErrors } from '../../../test/harness/policy-crds.js';
import { attached, envoyAccepts, listener, pluginContext, policiesOf, route, runHooks, type Reported } from '../../../test/harness/plugin-ir.js';
import { RBAC_FILTER, RBAC_POLICY, cidrRange, rbacOf, rbacPlugin } from './index.js';

describe('RbacPolicy', () => {
  it('ships its CRD, which validates policies', () => {
    checkShippedCrd(rbacPlugin, join(import.meta.dirname, '..'));
    expect(
      validationErrors(
        policyObject(RBAC_POLICY, 'r', { action: 'Allow', rules: [{ headers: [{ name: 'x-role', value: 'admin' }] }, { clientCIDRs: ['10.0.0.0/8'] }] }),
      ),
    ).toEqual([]);
    expect(validationErrors(policyObject(RBAC_POLICY, 'r', { action: 'Maybe', rules: [{}] })).join()).toContain('spec.action');
    expect(validationErrors(policyObject(RBAC_POLICY, 'r', { action: 'Deny', rules: [] })).join()).toContain('spec.rules');
  });
});

describe('rbac plugin', () => {
  it('reads addresses and CIDRs', () => {
    expect(cidrRange('10.1.0.0/16')).toEqual({ addressPrefix: '10.1.0.0', prefixLen: 16 });
    expect(cidrRange('192.0.2.7')).toEqual({ addressPrefix: '192.0.2.7', prefixLen: 32 });
    expect(cidrRange('2001:db8::/32')).toEqual({ addressPrefix: '2001:db8::', prefixLen: 32 });
    expect(() => cidrRange('10.0.0.0/33')).toThrow('is not an address or CIDR');
    expect(() => cidrRange('300.0.0.1')).toThrow('is not an address or CIDR');
  });

  it('turns rules into principals: headers and an address list must all match, any rule lets the request match', () => {
    const p = attached(RBAC_POLICY, 'admins', {
      action: 'Allow' as const,
      rules: [{ headers: [{ name: 'X-Role', value: 'admin' }], clientCIDRs: ['127.0.0.0/8', '10.0.0.1'] }, {}],
    });
    expect(rbacOf(p)).toEqual({
      rules: {
        action: 'ALLOW',
        policies: {
          'default/admins': {
            permissions: [{ any: true }],
            principals: [
              {
                andIds: {
                  ids: [
                    { header: { name: 'x-role', stringMatch: { exact: 'admin' } } },
                    {
                      orIds: {
                        ids: [
                          { directRemoteIp: { addressPrefix: '127.0.0.0', prefixLen: 8 } },
                          { directRemoteIp: { addressPrefix: '10.0.0.1', prefixLen: 32 } },
                        ],
                      },
                    },
                  ],
                },
              },
              { any: true },
            ],
          },
        },
      },
    });
  });

  it('names the policy and field of a bad CIDR', () => {
    const p = attached(RBAC_POLICY, 'bad', { action: 'Deny' as const, rules: [{ clientCIDRs: ['10.0.0.0/8', 'nope'] }] });
    expect(() => rbacOf(p)).toThrow('RbacPolicy default/bad: spec.rules[0].clientCIDRs[1]: "nope" is not an address or CIDR');
  });

  it('refuses a route under a wrong policy and reports the policy; a wrong listener-wide one leaves the filter off', () => {
    const bad = attached(RBAC_POLICY, 'typo', { action: 'Allow' as const, rules: [{ clientCIDRs: ['999.0.0.1'] }] }, 'listener');
    const reported: Reported[] = [];
    const l = listener([route('app', policiesOf(RBAC_POLICY, bad))], policiesOf(RBAC_POLICY, bad));
    const ctx = pluginContext(reported);
    expect(rbacPlugin.httpFilters!(ctx, l)).toEqual([{ stage: 'authz', filter: expect.objectContaining({ name: RBAC_FILTER, disabled: true }) }]);
    expect(() => rbacPlugin.route!(ctx, l.virtualHosts[0]!.routes[0]!, {})).toThrow('RbacPolicy default/typo: spec.rules[0].clientCIDRs[0]');
    expect(reported).toEqual([
      { kind: 'reject', reason: 'Invalid', message: expect.stringContaining('RbacPolicy default/typo: spec.rules[0].clientCIDRs[0]') },
      { kind: 'reject', reason: 'Invalid', message: expect.stringContaining('RbacPolicy default/typo: spec.rules[0].clientCIDRs[0]') },
    ]);
  });

  it('enables its disabled filter (stage authz) per route', () => {
    const p = attached(RBAC_POLICY, 'deny-bots', { action: 'Deny' as const, rules: [{ headers: [{ name: 'user-agent', value: 'bot' }] }] });
    const { filters, routes } = runHooks(rbacPlugin, listener([route('app', policiesOf(RBAC_POLICY, p))]));
    expect(filters).toEqual([{ stage: 'authz', filter: expect.objectContaining({ name: RBAC_FILTER, disabled: true }) }]);
    expect(Object.keys(routes[0]!['typedPerFilterConfig'] as object)).toEqual([RBAC_FILTER]);
  });

  it('is accepted by envoy', () => {
    const p = attached(RBAC_POLICY, 'admins', {
      action: 'Allow' as const,
      rules: [{ headers: [{ name: 'x-role', value: 'admin' }] }, { clientCIDRs: ['127.0.0.2', '2001:db8::/32'] }],
    });
    envoyAccepts(rbacPlugin, listener([route('app', policiesOf(RBAC_POLICY, p))]));
    envoyAccepts(rbacPlugin, listener([route('app')], policiesOf(RBAC_POLICY, { ...p, scope: 'gateway' })));
  });
});
