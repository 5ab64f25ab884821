/** Add Cluster…: asks seeds, name, user, password, TLS and address map; saves; connects; reveals. */
import * as vscode from 'vscode';
import { parseAddressMap, parseSeeds } from '../model/profile';
import type { ProfileInput } from '../services/profiles';
import type { CommandHandler } from './context';
import { askProfile } from './profileSteps';
import { showClusterError } from './run';

/** What another extension, a test or the quick start may pass instead of answering the prompts. */
interface AddClusterArgs {
  readonly name?: string;
  readonly seeds: readonly string[];
  readonly user?: string;
  readonly password?: string;
  readonly addressMap?: Record<string, string>;
}

function isArgs(x: unknown): x is AddClusterArgs {
  return !!x && typeof x === 'object' && Array.isArray((x as { seeds?: unknown }).seeds);
}

export const addCluster: CommandHandler = async (deps, arg) => {
  let input: ProfileInput;
  let password: string | undefined;
  if (isArgs(arg)) {
    const seeds = parseSeeds(arg.seeds.join(','), vscode.l10n);
    if ('error' in seeds) throw new Error(seeds.error);
    const map = parseAddressMap(Object.entries(arg.addressMap ?? {}).map(([k, v]) => `${k}=${v}`).join(','), vscode.l10n);
    if ('error' in map) throw new Error(map.error);
    input = {
      name: arg.name ?? seeds.seeds[0]!, seeds: seeds.seeds,
      ...(arg.user ? { user: arg.user } : {}),
      ...(Object.keys(map.map).length > 0 ? { addressMap: map.map } : {}),
    };
    password = arg.password;
  } else {
    const answers = await askProfile(deps, vscode.l10n.t('Add Cluster'));
    input = answers.input;
    password = answers.password ?? undefined;
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
