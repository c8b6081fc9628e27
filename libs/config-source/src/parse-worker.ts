// The parse worker's entry, a child process: files too big to parse in a blink are parsed here, so the control
// plane's event loop never waits for yaml (about 1 MB/s), and a file that needs too much memory ends only this
// process (a worker thread over its heap limit can abort the whole process; a child process cannot).
// The result goes back in chunks the parent asks for one at a time: it deserializes a chunk, takes a turn of its event
// loop, then asks for the next (queued messages would all be delivered in one turn).
import { registerHooks } from 'node:module';
import type * as Parse from './parse-documents.js';

export type ParseRequest = { type: 'parse'; id: number; bytes: Uint8Array; limits: Parse.ParseLimits } | { type: 'more'; id: number };

export type ParseAnswer =
  | { id: number; done: false; objects: Parse.ParsedObject[] }
  | { id: number; done: true; objects: Parse.ParsedObject[]; problems: Parse.ParseProblem[]; syntaxError: boolean };

/** Objects per chunk: a few hundred KB to deserialize. */
const CHUNK = 100;

if (import.meta.url.endsWith('.ts')) {
  // Running from the TypeScript sources (unit tests) under Node's type stripping: `./x.js` imports mean `./x.ts`.
  registerHooks({
    resolve(specifier, context, next) {
      if (!/^\.\.?\/.*\.js$/.test(specifier)) return next(specifier, context);
      try {
        return next(specifier, context);
      } catch {
        return next(`${specifier.slice(0, -3)}.ts`, context);
      }
    },
  });
}

const { parseFile } = (await import('./parse-documents.js')) as typeof Parse;

let current: { id: number; parsed: Parse.ParsedFile; at: number } | undefined;

function send(): void {
  const c = current!;
  const objects = c.parsed.objects.slice(c.at, c.at + CHUNK);
  c.at += CHUNK;
  const answer: ParseAnswer =
    c.at >= c.parsed.objects.length
      ? { id: c.id, done: true, objects, problems: c.parsed.problems, syntaxError: c.parsed.syntaxError }
      : { id: c.id, done: false, objects };
  if (answer.done) current = undefined;
  process.send!(answer);
}

process.on('message', (req: ParseRequest) => {
  if (req.type === 'parse') {
    current = { id: req.id, parsed: parseFile(req.bytes, req.limits), at: 0 };
    send();
  } else if (current?.id === req.id) send();
});
process.on('disconnect', () => process.exit(0)); // the parent is gone
