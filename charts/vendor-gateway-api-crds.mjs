// Vendors the Gateway API v1.7.0 CRDs (standard channel) into charts/gatehouse/charts/gateway-api-crds/crds/, for
// `gatewayAPI.installCRDs=true`. They come from the Go module sigs.k8s.io/gateway-api@v1.7.0, which
// scripts/kube/build.sh downloads into ~/.cache/gatehouse/gateway-api-v1.7.0/. Not committed (1.2 MB): `make chart`
// runs this before packaging. Usage: node charts/vendor-gateway-api-crds.mjs
import process from 'node:process';
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_API_CRDS, ensureBuilt } from '../scripts/kube/cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'gatehouse/charts/gateway-api-crds/crds');
const from = join(GATEWAY_API_CRDS, 'standard');
if (!existsSync(from)) await ensureBuilt({ components: ['gateway-api'] });
for (const f of readdirSync(out)) if (f.endsWith('.yaml')) rmSync(join(out, f));
// CRDs only: Helm installs crds/ before anything else and never upgrades them (the safe-upgrades
// ValidatingAdmissionPolicy is not a CRD; install it with the release's standard-install.yaml if you want it).
const files = readdirSync(from).filter((f) => f.startsWith('gateway.networking.k8s.io_') && !f.includes('_vap_') && f.endsWith('.yaml'));
for (const f of files) copyFileSync(join(from, f), join(out, f));
process.stdout.write(`vendored ${files.length} Gateway API CRDs (standard channel) into ${out}\n`);
