import type { TranslationMemo, TranslatorPlugin } from '@gatehouse/plugin-sdk';

export interface TranslateOptions {
  plugins: readonly TranslatorPlugin[];
  defaultBindAddress?: string;
  /**
   * Whether the proxy's host has an IP address a Gateway asks for in spec.addresses (AddressNotUsable otherwise).
   * Translation does no I/O: the control plane, which knows where its Envoys run, answers. Default: every address.
   */
  addressUsable?: (address: string) => boolean;
  /**
   * False when Envoys are provisioned into a cluster: they bind the default address, and a Gateway's spec.addresses
   * ask for the Service's addresses instead (default true: Envoy binds them).
   */
  bindGatewayAddresses?: boolean;
  /**
   * A plugin hook that runs longer than this rejects the resource it was processing. Off by default, which keeps
   * translation a pure function; the control plane turns it on.
   */
  hookBudgetMs?: number;
  /** Results reused between translations; see TranslationMemo. */
  memo?: TranslationMemo;
}
