/**
 * `rcm`: redis-cli's cluster manager over our engine. Subcommands and
 * `--cluster-*` options follow redis-cli, so `redis-cli --cluster check h:p`
 * becomes `rcm check h:p`.
 */
import { colourize, parseEntryAddress, renderFatal, runCheck, runInfo, EngineError, type OutputChunk } from '../engine';
import { ArgError, parseArgs, type ParsedArgs } from './args';
import { connectionOptions } from './connection';
import { CLUSTER_HELP, RCM_HELP } from './help';
import { askPassword } from './prompt';

const PLANNED = new Set(['create', 'fix', 'reshard', 'rebalance', 'add-node', 'del-node', 'call', 'set-timeout', 'import', 'backup']);

interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

function write(io: Io, chunks: readonly OutputChunk[]): void {
  const colours = (io.env.TERM ?? '').includes('xterm');
  for (const c of chunks) (c.stream === 'stdout' ? io.stdout : io.stderr)(colourize(c, colours));
}

const ADDRESS_ERROR = '[ERR] Invalid arguments: you need to pass either a valid address (ie. 120.0.0.1:7000) or space separated IP and port (ie. 120.0.0.1 7000)\n';

export async function run(argv: readonly string[], io: Io): Promise<number> {
  let p: ParsedArgs;
  try {
    p = parseArgs(argv);
  } catch (e) {
    io.stderr(e instanceof ArgError && e.message === 'usage' ? RCM_HELP : `${(e as Error).message}\n`);
    return 1;
  }
  if (p.flags.has('--help') || p.subcommand === null) {
    io.stdout(RCM_HELP);
    return p.subcommand === null && !p.flags.has('--help') ? 1 : 0;
  }
  const sub = p.subcommand.toLowerCase();
  if (sub === 'help') {
    io.stdout(CLUSTER_HELP);
    return 1;
  }
  if (PLANNED.has(sub)) {
    io.stderr(`rcm: '${sub}' is not available in this version yet (available: info, check, help).\n`);
    return 1;
  }
  if (sub !== 'info' && sub !== 'check') {
    io.stderr('Unknown --cluster subcommand\n');
    return 1;
  }
  if (p.args.length < 1) {
    io.stderr('[ERR] Wrong number of arguments for specified --cluster sub command\n');
    return 1;
  }
  const entry = parseEntryAddress(p.args);
  if (!entry) {
    io.stderr(ADDRESS_ERROR);
    return 1;
  }
  if ((p.values['-a'] !== undefined || p.values['--pass'] !== undefined) && !p.flags.has('--no-auth-warning')) {
    io.stderr("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
  }
  const json = p.flags.has('--json');
  try {
    const asked = p.flags.has('--askpass') ? await askPassword('Please input password: ') : undefined;
    const opts = { ...connectionOptions(p, io.env, asked), searchMultipleOwners: p.flags.has('--cluster-search-multiple-owners') };
    const report = sub === 'info' ? await runInfo(entry.host, entry.port, opts) : await runCheck(entry.host, entry.port, opts);
    if (json) {
      const { output: _output, ...data } = report;
      io.stdout(`${JSON.stringify({ command: sub, ok: report.exitCode === 0, ...data }, null, 2)}\n`);
    } else write(io, report.output);
    return report.exitCode;
  } catch (e) {
    if (e instanceof ArgError) {
      io.stderr(`${e.message}\n`);
      return 1;
    }
    if (json) {
      const error = e instanceof EngineError ? e.toJSON() : { code: 'internal', message: String(e) };
      io.stdout(`${JSON.stringify({ command: sub, ok: false, error }, null, 2)}\n`);
    } else {
      write(io, renderFatal(e, entry.host, entry.port));
      if (io.env.RCM_EXPLAIN !== '0' && e instanceof EngineError) io.stderr(`rcm: ${e.message}\n`);
    }
    return 1;
  }
}

if (require.main === module) {
  run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
  }).then((code) => {
    process.exitCode = code;
  }, (e) => {
    process.stderr.write(`rcm: internal error: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = 1;
  });
}
