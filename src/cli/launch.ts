/**
 * `rcm`'s entry (dist/cli.js). It runs the CLI bundle (dist/cli-main.js, from
 * main.ts) through V8's code cache, kept beside the bundle, so that a short
 * subcommand such as `check` does not parse and compile the whole bundle (and
 * ioredis in it) on every start: Node 20 has no module.enableCompileCache.
 * The cache is written once, at the end of a run, after the functions that run
 * used were compiled; a cache of another build is never read (the name holds
 * the bundle's size and mtime), one of another Node version V8 rejects (it is
 * then rewritten). Without a writable dist/ rcm simply runs uncached.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

const file = path.join(__dirname, 'cli-main.js');
// Named after the bundle's size and mtime: V8 checks only the source's length, so a rebuilt
// bundle of the same length must not meet the old cache.
const stat = fs.statSync(file);
const cacheFile = `${file}.${stat.size}-${Math.round(stat.mtimeMs)}.cache`;

function readCache(): Buffer | undefined {
  try {
    return fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
}

const cachedData = readCache();
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
if (cachedData === undefined || script.cachedDataRejected === true) {
  process.once('exit', () => {
    const tmp = `${cacheFile}.${process.pid}`;
    try {
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile); // whole or not at all, whatever other rcm processes do meanwhile
      for (const f of fs.readdirSync(__dirname)) {
        if (f.startsWith('cli-main.js.') && f.endsWith('.cache') && path.join(__dirname, f) !== cacheFile) fs.rmSync(path.join(__dirname, f), { force: true });
      }
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        /* read-only dist/: no cache */
      }
    }
  });
}

// The bundle runs as the main module (main.ts starts the CLI when require.main === module).
const main = new Module(file, module);
main.filename = file;
main.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
const req = Module.createRequire(file);
req.main = main;
(script.runInThisContext() as (...args: unknown[]) => void).call(main.exports, main.exports, req, main, file, __dirname);
