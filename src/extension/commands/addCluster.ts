/**
 * Add Cluster…: asks seeds, name, user, password, TLS and address map; tests
 * the connection; saves; connects; reveals. A cluster that cannot be reached
 * (wrong password, refused port, unresolvable host) is not saved unless the
 * user says so: they can correct the answers instead.
 */
import * as vscode from 'vscode';
import { loadTopology } from '../../engine';
import { describeError } from '../model/errors';
import { parseAddressMap, parseHostPort, parseSeeds, type ClusterProfile } from '../model/profile';
import type { ProfileInput } from '../services/profiles';
import { withProgress } from '../services/progress';
import { Cancelled, type CommandDeps, type CommandHandler } from './context';
import { askProfile } from './profileSteps';
import { showClusterError } from './run';

/** What another extension, a test or the quick start may pass instead of answering the prompts. */
interface AddClusterArgs {
  readonly name?: string;
  readonly seeds: readonly string[];
  readonly user?: string;
  readonly password?: string;
  readonly addressMap?: Record<string, string>;
  /** Save it even when the connection test fails (it then shows as an error row). */
  readonly saveAnyway?: boolean;
}

/** Pre-fills the prompts (the editor's node menu passes the address it found). */
interface PrefillArgs {
  readonly prefillSeeds: readonly string[];
}

function isArgs(x: unknown): x is AddClusterArgs {
  return !!x && typeof x === 'object' && Array.isArray((x as { seeds?: unknown }).seeds);
}

function isPrefill(x: unknown): x is PrefillArgs {
  return !!x && typeof x === 'object' && Array.isArray((x as { prefillSeeds?: unknown }).prefillSeeds);
}

/** Tries the seeds in order; the error of the last one, or undefined when one loads. */
async function testConnection(deps: CommandDeps, input: ProfileInput, password: string | undefined): Promise<unknown> {
  const opts = await deps.registry.optionsFor(input, password);
  return withProgress(vscode.l10n.t('Connecting to {0}…', input.seeds.join(', ')), async () => {
    let last: unknown;
    for (const seed of input.seeds) {
      const hp = parseHostPort(seed);
      if (!hp) continue;
      try {
        await loadTopology(hp.host, hp.port, opts);
        return undefined;
      } catch (e) {
        last = e;
      }
    }
    return last;
  });
}

function argsInput(arg: AddClusterArgs): ProfileInput {
  const seeds = parseSeeds(arg.seeds.join(','), vscode.l10n);
  if ('error' in seeds) throw new Error(seeds.error);
  const map = parseAddressMap(
    Object.entries(arg.addressMap ?? {})
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    vscode.l10n,
  );
  if ('error' in map) throw new Error(map.error);
  return {
    name: arg.name ?? seeds.seeds[0]!,
    seeds: seeds.seeds,
    ...(arg.user ? { user: arg.user } : {}),
    ...(Object.keys(map.map).length > 0 ? { addressMap: map.map } : {}),
  };
}

/** Asks until the connection works or the user saves anyway; Cancelled when they give up. */
async function askUntilReachable(deps: CommandDeps, prefill: readonly string[] | undefined): Promise<{ input: ProfileInput; password?: string }> {
  let current: ClusterProfile | undefined = prefill ? { id: '', name: prefill[0]!, seeds: [...prefill], source: 'storage' } : undefined;
  for (;;) {
    const answers = await askProfile(deps, vscode.l10n.t('Add Cluster'), current);
    const password = answers.password ?? undefined;
    const failure = await testConnection(deps, answers.input, password);
    if (failure === undefined) return { input: answers.input, password };
    const fix = vscode.l10n.t('Correct the Answers…');
    const save = vscode.l10n.t('Save Anyway');
    const choice = await vscode.window.showWarningMessage(
      vscode.l10n.t('{0} cannot be reached.', answers.input.name),
      { modal: true, detail: describeError(failure, vscode.l10n) },
      fix,
      save,
    );
    if (choice === save) return { input: answers.input, password };
    if (choice !== fix) throw new Cancelled();
    current = { id: '', source: 'storage', ...answers.input };
  }
}

export const addCluster: CommandHandler = async (deps, arg) => {
  let input: ProfileInput;
  let password: string | undefined;
  if (isArgs(arg)) {
    input = argsInput(arg);
    password = arg.password;
    if (!arg.saveAnyway) {
      const failure = await testConnection(deps, input, password);
      if (failure !== undefined) throw failure;
    }
  } else {
    ({ input, password } = await askUntilReachable(deps, isPrefill(arg) ? arg.prefillSeeds : undefined));
  }
  const profile = await deps.registry.add(input, password);
  try {
    await deps.store.connect(profile.id);
  } catch (e) {
    void showClusterError(deps, profile.id, e);
    return profile.id;
  }
  await deps.reveal({ kind: 'cluster', clusterId: profile.id });
  return profile.id;
};
