// Typed access to the shared peer helpers (scripts/lib/peers.mjs) for TypeScript tests.
export * from '../../scripts/lib/peers.mjs';
