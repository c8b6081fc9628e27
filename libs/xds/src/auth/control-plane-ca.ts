// The control plane's own CA. It signs the xDS server's certificate and one client certificate per Gateway, so a
// proxy proves which Gateway it serves. Created on first use in <data-dir>/xds-ca/ (key mode 0600) and loaded after:
// `gatehouse serve` and `gatehouse bootstrap` share it through the data dir.
import { randomBytes, type webcrypto } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { gatewayUri, isGatewayRef, XDS_SERVER_NAME } from './identity.js';
import { x509 } from './x509.js';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const KEY_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 3600 * 1000;
const CA_DAYS = 3650;
/** Client certificates outlive most proxies; re-run `gatehouse bootstrap` to renew one. */
export const CLIENT_CERT_DAYS = 365;
/** A minute of clock skew between the control plane and its proxies is tolerated. */
const BACKDATE_MS = 60_000;

export const CA_CERT_FILE = 'ca.crt';
export const CA_KEY_FILE = 'ca.key';

/** A certificate with its private key and the CA that issued it, all PEM. */
export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  caPem: string;
  notAfter: Date;
}

function serial(): string {
  const b = randomBytes(16);
  b[0]! &= 0x7f; // a positive integer
  return b.toString('hex');
}

async function exportKey(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY') + '\n';
}

export class ControlPlaneCa {
  private constructor(
    /** The CA certificate, PEM: what both sides trust. */
    readonly certPem: string,
    private readonly cert: x509.X509Certificate,
    private readonly key: CryptoKey,
    /** The directory the CA lives in. */
    readonly dir: string,
  ) {}

  /** Loads the CA from `dir`, creating it there first if it does not exist (atomically: concurrent starts agree). */
  static async loadOrCreate(dir: string): Promise<ControlPlaneCa> {
    if (!existsSync(dir)) await ControlPlaneCa.create(dir);
    return ControlPlaneCa.load(dir);
  }

  private static async create(dir: string): Promise<void> {
    await mkdir(dirname(dir), { recursive: true });
    const tmp = await mkdtemp(`${dir}.tmp-`);
    try {
      const keys = (await crypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
      const now = Date.now();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: serial(),
        name: 'CN=Gatehouse xDS CA, O=gatehouse',
        notBefore: new Date(now - BACKDATE_MS),
        notAfter: new Date(now + CA_DAYS * DAY_MS),
        signingAlgorithm: SIGN_ALG,
        keys,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      await writeFile(join(tmp, CA_KEY_FILE), await exportKey(keys.privateKey), { mode: 0o600 });
      await writeFile(join(tmp, CA_CERT_FILE), cert.toString('pem') + '\n', { mode: 0o644 });
      await rename(tmp, dir);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      // Another process created it first: use theirs.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && existsSync(join(dir, CA_KEY_FILE))) return;
      throw err;
    }
  }

  private static async load(dir: string): Promise<ControlPlaneCa> {
    const keyPath = join(dir, CA_KEY_FILE);
    const certPath = join(dir, CA_CERT_FILE);
    if (!existsSync(keyPath) || !existsSync(certPath)) {
      throw new Error(
        `the xDS CA directory ${dir} lacks ${CA_CERT_FILE} or ${CA_KEY_FILE}: restore them, or move the directory away to create a new CA (then re-issue every bootstrap)`,
      );
    }
    const mode = (await stat(keyPath)).mode & 0o777;
    if (mode & 0o077) throw new Error(`the xDS CA key ${keyPath} is readable by other users (mode ${mode.toString(8)}): run chmod 600 on it`);
    const certPem = await readFile(certPath, 'utf8');
    const cert = new x509.X509Certificate(certPem);
    if (cert.notAfter.getTime() < Date.now()) {
      throw new Error(
        `the xDS CA in ${dir} expired on ${cert.notAfter.toISOString()}: move the directory away to create a new CA (then re-issue every bootstrap)`,
      );
    }
    const der = x509.PemConverter.decodeFirst(await readFile(keyPath, 'utf8'));
    const key = await crypto.subtle.importKey('pkcs8', der, KEY_ALG, false, ['sign']);
    return new ControlPlaneCa(certPem.trim() + '\n', cert, key, dir);
  }

  private async issue(subject: string, names: x509.JsonGeneralNames, usage: x509.ExtendedKeyUsage, days: number): Promise<IssuedCertificate> {
    const keys = (await crypto.subtle.generateKey(KEY_ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
    const now = Date.now();
    const notAfter = new Date(Math.min(now + days * DAY_MS, this.cert.notAfter.getTime()));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: this.cert.subject,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter,
      signingAlgorithm: SIGN_ALG,
      publicKey: keys.publicKey,
      signingKey: this.key,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(this.cert),
      ],
    });
    return { certPem: cert.toString('pem') + '\n', keyPem: await exportKey(keys.privateKey), caPem: this.certPem, notAfter };
  }

  /** The xDS server's certificate: the fixed name bootstraps pin, plus `hosts` (addresses clients may dial). */
  issueServer(hosts: readonly string[] = []): Promise<IssuedCertificate> {
    const names: x509.JsonGeneralNames = [{ type: 'dns', value: XDS_SERVER_NAME }];
    for (const h of hosts) {
      if (!h || h === '0.0.0.0' || h === '::' || h === XDS_SERVER_NAME) continue;
      names.push({ type: isIP(h) ? 'ip' : 'dns', value: h });
    }
    return this.issue(`CN=${XDS_SERVER_NAME}, O=gatehouse`, names, x509.ExtendedKeyUsage.serverAuth, CLIENT_CERT_DAYS);
  }

  /** A client certificate naming one Gateway (`namespace/name`): a proxy holding it is served that Gateway only. */
  async issueClient(gateway: string, days = CLIENT_CERT_DAYS): Promise<IssuedCertificate> {
    if (!isGatewayRef(gateway)) throw new Error(`"${gateway.slice(0, 100)}" is not a Gateway NAMESPACE/NAME (lowercase DNS names)`);
    return this.issue(`CN=${gateway.replace('/', '.')}, O=gatehouse`, [{ type: 'url', value: gatewayUri(gateway) }], x509.ExtendedKeyUsage.clientAuth, days);
  }
}
