// Types for netns.mjs.
export function inNetworkNamespace(): boolean;
export function bridgeAddresses(): string[];
export function addAddress(o?: { family?: 4 | 6 }): string;
export function removeAddress(address: string): void;
