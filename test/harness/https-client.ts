// An HTTPS client where SNI, Host and the client certificate are each the test's choice (misdirected requests, mTLS).
import https from 'node:https';

export interface HttpsResult {
  status: number;
  backend?: string;
  json?: unknown;
}

export function httpsRequest(o: {
  address: string;
  port: number;
  servername: string;
  host?: string;
  path?: string;
  ca: string;
  cert?: string;
  key?: string;
}): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: o.address,
        port: o.port,
        path: o.path ?? '/',
        servername: o.servername,
        ca: o.ca,
        headers: { host: o.host ?? o.servername },
        agent: false,
        timeout: 5000,
        ...(o.cert ? { cert: o.cert, key: o.key } : {}),
        // The gateway's certificate is checked against the SNI name, whatever Host says.
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let text = '';
        res
          .setEncoding('utf8')
          .on('data', (c: string) => (text += c))
          .on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(text);
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, backend: res.headers['x-backend'] as string | undefined, json });
          });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
