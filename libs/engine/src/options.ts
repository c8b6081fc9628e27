import type { TranslationMemo, TranslatorPlugin } from '@gatehouse/plugin-sdk';
import type { HookRunner } from '@gatehouse/xds-translator';

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
   * Runs each plugin hook. The default just calls it, which keeps translation a pure function; a control plane that
   * enforces time budgets passes a runner that measures them (the translation core reads no clock).
   */
  hookRunner?: HookRunner;
  /** Results reused between translations; see TranslationMemo. */
  memo?: TranslationMemo;
}
