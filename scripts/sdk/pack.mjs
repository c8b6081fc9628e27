// Packs @gatehouse/plugin-sdk as a tarball a plugin project installs offline (`npm install <tarball>`):
// dist/sdk/gatehouse-plugin-sdk-<version>.tgz. The SDK's private workspace dependencies (@gatehouse/api,
// @gatehouse/ir) are copied into the package under dist/deps/ (their compiled JS and declarations) and every import of
// them is rewritten to a relative path, so the package has no dependencies at all and its types are complete.
//
//   node scripts/sdk/pack.mjs            (after `npx tsc -b libs/plugin-sdk`; `make sdk` does both)
//   node scripts/sdk/pack.mjs --print    also prints the tarball's path last on stdout
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SDK = join(ROOT, 'libs/plugin-sdk');
const OUT = join(ROOT, 'dist/sdk');
const STAGE = join(OUT, 'package');
/** Private workspace packages bundled into the SDK: name → compiled output. */
const BUNDLED = { '@gatehouse/api': join(ROOT, 'libs/api/dist'), '@gatehouse/ir': join(ROOT, 'libs/ir/dist') };

const src = JSON.parse(readFileSync(join(SDK, 'package.json'), 'utf8'));

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Copies compiled JS and declarations (no maps, tests, build info, or stale output of a deleted source) from `from` to `to`. */
function copyBuild(from, to) {
  const sources = join(from, '..', 'src');
  if (!existsSync(join(from, 'index.js'))) throw new Error(`${relative(ROOT, from)}/index.js is missing: build first (npx tsc -b libs/plugin-sdk)`);
  for (const f of files(from)) {
    const rel = relative(from, f);
    if (!/\.(js|d\.ts)$/.test(rel) || /\.spec\.(js|d\.ts)$/.test(rel) || rel.split(sep).includes('deps')) continue;
    if (!existsSync(join(sources, rel.replace(/(\.d\.ts|\.js)$/, '.ts')))) continue;
    mkdirSync(dirname(join(to, rel)), { recursive: true });
    cpSync(f, join(to, rel));
  }
}

/** Rewrites `'@gatehouse/api'` / `'@gatehouse/ir'` specifiers (imports, re-exports, `import()` types) to relative paths. */
function rewrite(file) {
  let text = readFileSync(file, 'utf8');
  const before = text;
  for (const name of Object.keys(BUNDLED)) {
    const target = join(STAGE, 'dist/deps', name.split('/')[1], 'index.js');
    let rel = relative(dirname(file), target).split(sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    text = text.replace(new RegExp(`(['"])${name.replace('/', '\\/')}\\1`, 'g'), `$1${rel}$1`);
  }
  text = text.replace(/^\/\/# sourceMappingURL=.*$/m, '');
  if (text !== before) writeFileSync(file, text);
  const left = /['"]@gatehouse\/[a-z-]+['"]/.exec(text);
  if (left) throw new Error(`${relative(STAGE, file)} still imports ${left[0]}: bundle it too (scripts/sdk/pack.mjs BUNDLED)`);
}

// SDK_VERSION is what plugins record and the loader checks: it must be the version published.
const { SDK_VERSION } = await import(join(SDK, 'dist/version.js'));
if (SDK_VERSION !== src.version)
  throw new Error(
    `libs/plugin-sdk: SDK_VERSION is ${SDK_VERSION} but package.json says ${src.version}: bump both together (semver: a new major for breaking changes)`,
  );

rmSync(STAGE, { recursive: true, force: true });
mkdirSync(STAGE, { recursive: true });
copyBuild(join(SDK, 'dist'), join(STAGE, 'dist'));
for (const [name, dist] of Object.entries(BUNDLED)) copyBuild(dist, join(STAGE, 'dist/deps', name.split('/')[1]));
for (const f of files(join(STAGE, 'dist'))) rewrite(f);

// The published manifest: the workspace one without the source condition, privacy or dependencies.
const exportsOut = Object.fromEntries(Object.entries(src.exports).map(([k, v]) => [k, { types: v.types, default: v.default }]));
const manifest = {
  name: src.name,
  version: src.version,
  description: src.description,
  license: src.license,
  type: 'module',
  exports: exportsOut,
  types: './dist/index.d.ts',
  files: ['dist', 'README.md'],
  engines: { node: '>=22' },
  keywords: ['gatehouse', 'gateway-api', 'envoy', 'plugin'],
};
writeFileSync(join(STAGE, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
cpSync(join(dirname(fileURLToPath(import.meta.url)), 'README.md'), join(STAGE, 'README.md'));

const out = execFileSync('npm', ['pack', '--json', '--pack-destination', OUT], { cwd: STAGE, encoding: 'utf8' });
const [info] = JSON.parse(out);
const tarball = join(OUT, info.filename);
console.error(
  `packed ${relative(ROOT, tarball)}: ${info.entryCount} files, ${(statSync(tarball).size / 1024).toFixed(0)} KiB (${src.name}@${src.version}, no dependencies)`,
);
if (process.argv.includes('--print')) console.log(tarball);
