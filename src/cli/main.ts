/**
 * `rcm`: redis-cli's cluster manager over our engine. Subcommands and
 * `--cluster-*` options follow redis-cli, so `redis-cli --cluster check h:p`
 * becomes `rcm check h:p`.
 */
import { renderFatal, EngineError, parseEntryAddress, type EngineErrorCode } from '../engine';
import { ArgError, parseArgs, type ParsedArgs } from './args';
import { COMMANDS } from './commands';
import { connectionOptions } from './connection';
import { writeChunks, writeJson, type Io } from './context';
import { CLUSTER_HELP, RCM_HELP } from './help';
import { askPassword } from './prompt';
import { performance } from 'node:perf_hooks';
import { createProfile, profileEnabled, profileLine } from './profile';

export async function run(argv: readonly string[], io: Io): Promise<number> {
  const profile = createProfile(io.env);
  profile.mark('cli: Node started, bundle loaded');
  let p: ParsedArgs;
  try {
    p = parseArgs(argv);
  } catch (e) {
    io.stderr(e instanceof ArgError && e.message === 'usage' ? RCM_HELP : e instanceof ArgError ? argErrorText(e) : `${String(e)}\n`);
    return 1;
  }
  if (p.flags.has('--help') || p.subcommand === null) {
    io.stdout(`${RCM_HELP}Available in this version: ${COMMANDS.map((c) => c.name).join(', ')}, help.\n`);
    return p.flags.has('--help') ? 0 : 1;
  }
  const sub = p.subcommand.toLowerCase();
  if (sub === 'help') {
    io.stdout(CLUSTER_HELP);
    return 1;
  }
  const command = COMMANDS.find((c) => c.name === sub);
  if (!command) {
    io.stderr('Unknown --cluster subcommand\n');
    return 1;
  }
  if (p.args.length < command.arity[0] || p.args.length > command.arity[1]) {
    io.stderr('[ERR] Wrong number of arguments for specified --cluster sub command\n');
    return 1;
  }
  if ((p.values['-a'] !== undefined || p.values['--pass'] !== undefined) && !p.flags.has('--no-auth-warning')) {
    io.stderr("Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n");
  }
  const json = p.flags.has('--json');
  try {
    const asked = p.flags.has('--askpass') ? await askPassword('Please input password: ') : undefined;
    const code = await command.run({ args: p, io, conn: connectionOptions(p, io.env, asked), json, profile });
    profile.mark(`cli: ${sub} returned`);
    for (const line of profile.lines()) io.stderr(line);
    if (command.readOnly) io.readOnlyDone?.();
    return code;
  } catch (e) {
    if (e instanceof ArgError) {
      io.stderr(argErrorText(e));
      return 1;
    }
    if (json) {
      const error = e instanceof EngineError ? e.toJSON() : { code: 'internal' satisfies EngineErrorCode, message: String(e) };
      writeJson(io, { command: sub, ok: false, error });
    } else if (e instanceof EngineError) {
      const entry = parseEntryAddress(p.args.slice(0, 1)) ?? { host: '?', port: 0 };
      const fatal = renderFatal(e, entry.host, entry.port);
      if (/^(\*\*\* |\[ERR\] )/.test(e.message)) {
        // redis-cli's own line for this mistake (an unknown node id, say): on stdout through its logger, as redis-cli.
        writeChunks(io, [{ stream: 'stdout', level: 'error', text: `${e.message}\n` }]);
      } else if (!(fatal.length === 1 && fatal[0]!.text === `${e.message}\n`)) {
        // redis-cli's words for the cause (Could not connect…), when they say more than our line.
        writeChunks(io, fatal);
      }
      // An unknown node id: redis-cli's line above, the candidates in ours.
      io.stderr(`rcm: ${e.code === 'no-such-node' && e.detail ? e.detail : e.message.replace(/^(\*\*\* |\[ERR\] )/, '')}\n`);
    } else io.stderr(internalErrorText(e, p.flags.has('--debug')));
    return 1;
  }
}

function argErrorText(e: ArgError): string {
  return e.verbatim ? `${e.message}\n` : `rcm: ${e.message}\n`;
}

/** The one line a bug gets (never a stack trace, unless --debug asks for it). */
export function internalErrorText(e: unknown, debug: boolean): string {
  const message = e instanceof Error ? e.message : String(e);
  if (debug) return `rcm: internal error: ${e instanceof Error && e.stack ? e.stack : message}\n`;
  return `rcm: internal error: ${message.split('\n')[0]} (run with --debug to see where)\n`;
}

if (require.main === module) {
  // `rcm … | head`: a closed pipe ends the output quietly, as for other command-line tools.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const debug = process.argv.includes('--debug');
  const fatal = (e: unknown): void => {
    process.stderr.write(internalErrorText(e, debug));
    process.exit(1);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  let readOnlyDone = false;
  // The profile's last line: the connections closed, the process ends (stderr is synchronous on a pipe or file).
  if (profileEnabled(process.env)) process.once('exit', () => process.stderr.write(profileLine(performance.now(), performance.now(), 'process exit')));
  run(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    env: process.env,
    isTTY: process.stdout.isTTY === true,
    readOnlyDone: () => {
      readOnlyDone = true;
    },
  }).then(
    (code) => {
      process.exitCode = code;
      // Nothing a read-only run opened needs an orderly close (redis-cli too just exits): end once the output is out.
      if (readOnlyDone) process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
    },
    (e: unknown) => {
      process.stderr.write(internalErrorText(e, debug));
      process.exitCode = 1;
    },
  );
}
