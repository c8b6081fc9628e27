// @peculiar/x509, set up once: it needs a Reflect polyfill loaded before it, and node's WebCrypto as its provider.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export { x509 };
