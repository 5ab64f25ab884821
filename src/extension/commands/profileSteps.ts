/** The input steps shared by Add Cluster… and Edit Cluster…. */
import * as vscode from 'vscode';
import { formatAddressMap, parseAddressMap, parseSeeds, validateName, type ClusterProfile, type TlsProfile } from '../model/profile';
import type { ProfileInput } from '../services/profiles';
import { ask, orCancel, quickPick } from './pick';
import type { CommandDeps } from './context';

export interface ProfileAnswers {
  readonly input: ProfileInput;
  /** string = set, null = remove, undefined = keep. */
  readonly password: string | null | undefined;
}

const STEPS = 6;

async function pickFile(title: string, openLabel: string): Promise<string | undefined> {
  const files = await vscode.window.showOpenDialog({ title, openLabel, canSelectMany: false, filters: { PEM: ['pem', 'crt', 'key', 'cer'], '*': ['*'] } });
  return files?.[0]?.fsPath;
}

async function askTls(title: string, current: TlsProfile | undefined): Promise<TlsProfile | undefined> {
  type Choice = vscode.QuickPickItem & { value: 'none' | 'system' | 'files' | 'insecure' };
  const items: Choice[] = [
    { label: vscode.l10n.t('No TLS'), value: 'none' },
    { label: vscode.l10n.t('TLS'), description: vscode.l10n.t('verify the server with the system CAs'), value: 'system' },
    { label: vscode.l10n.t('TLS with certificate files…'), description: vscode.l10n.t('CA file, client certificate and key'), value: 'files' },
    { label: vscode.l10n.t('TLS without verifying the certificate'), description: vscode.l10n.t('insecure'), value: 'insecure' },
  ];
  const cur = !current?.enabled ? 'none' : current.insecure ? 'insecure' : current.caFile || current.certFile ? 'files' : 'system';
  const sorted = [...items.filter((i) => i.value === cur), ...items.filter((i) => i.value !== cur)];
  const choice = await quickPick(sorted, { title: `${title} (5/${STEPS})`, placeHolder: vscode.l10n.t('Does the cluster use TLS?') });
  if (choice.value === 'none') return undefined;
  if (choice.value === 'system') return { enabled: true };
  if (choice.value === 'insecure') return { enabled: true, insecure: true };
  const caFile = await pickFile(vscode.l10n.t('CA certificate (PEM); cancel for the system CAs'), vscode.l10n.t('Use as CA'));
  const certFile = await pickFile(vscode.l10n.t('Client certificate (PEM); cancel for none'), vscode.l10n.t('Use as Client Certificate'));
  const keyFile = certFile ? await pickFile(vscode.l10n.t('Client private key (PEM)'), vscode.l10n.t('Use as Client Key')) : undefined;
  const servername = await ask({
    title: `${title} (5/${STEPS})`,
    prompt: vscode.l10n.t('TLS server name (SNI); leave empty for the host name'),
    value: current?.servername ?? '',
  });
  return {
    enabled: true,
    ...(caFile ? { caFile } : {}),
    ...(certFile ? { certFile } : {}),
    ...(keyFile ? { keyFile } : {}),
    ...(servername.trim() ? { servername: servername.trim() } : {}),
  };
}

/** Asks every field; `current` pre-fills them when editing. */
export async function askProfile(deps: CommandDeps, title: string, current?: ClusterProfile): Promise<ProfileAnswers> {
  const seedsText = await ask({
    title: `${title} (1/${STEPS})`,
    prompt: vscode.l10n.t('Seed addresses: one or more host:port of cluster nodes, separated by commas'),
    placeHolder: '10.0.0.5:7000, 10.0.0.6:7000',
    value: current?.seeds.join(', ') ?? '',
    validateInput: (v) => {
      const r = parseSeeds(v, vscode.l10n);
      return 'error' in r ? r.error : undefined;
    },
  });
  const seeds = (parseSeeds(seedsText, vscode.l10n) as { seeds: string[] }).seeds;
  const others = deps.registry.list();
  const name = (
    await ask({
      title: `${title} (2/${STEPS})`,
      prompt: vscode.l10n.t('Name shown in the tree'),
      value: current?.name ?? seeds[0]!,
      validateInput: (v) => validateName(v, others, vscode.l10n, current?.id),
    })
  ).trim();
  const user = (
    await ask({
      title: `${title} (3/${STEPS})`,
      prompt: vscode.l10n.t('ACL user name; leave empty for the default user'),
      value: current?.user ?? '',
    })
  ).trim();
  let password: string | null | undefined;
  const has = current ? await deps.registry.hasPassword(current.id) : false;
  if (has) {
    type P = vscode.QuickPickItem & { v: 'keep' | 'change' | 'remove' };
    const c = await quickPick<P>(
      [
        { label: vscode.l10n.t('Keep the saved password'), v: 'keep' },
        { label: vscode.l10n.t('Change the password…'), v: 'change' },
        { label: vscode.l10n.t('Remove the password'), v: 'remove' },
      ],
      { title: `${title} (4/${STEPS})`, placeHolder: vscode.l10n.t("Password (kept in VS Code's secret storage)") },
    );
    password =
      c.v === 'keep'
        ? undefined
        : c.v === 'remove'
          ? null
          : orCancel(
              await vscode.window.showInputBox({
                title: `${title} (4/${STEPS})`,
                prompt: vscode.l10n.t('New password'),
                password: true,
                ignoreFocusOut: true,
              }),
            );
  } else {
    const p = await ask({
      title: `${title} (4/${STEPS})`,
      prompt: vscode.l10n.t("Password; leave empty for none. It is kept in VS Code's secret storage, never in settings."),
      password: true,
    });
    password = p === '' ? undefined : p;
  }
  const tls = await askTls(title, current?.tls);
  const mapText = await ask({
    title: `${title} (6/${STEPS})`,
    prompt: vscode.l10n.t('Address map for NAT, Docker or SSH forwards: ANNOUNCED_IP:PORT=HOST:PORT, separated by commas; leave empty for none'),
    value: formatAddressMap(current?.addressMap),
    validateInput: (v) => {
      const r = parseAddressMap(v, vscode.l10n);
      return 'error' in r ? r.error : undefined;
    },
  });
  const map = (parseAddressMap(mapText, vscode.l10n) as { map: Record<string, string> }).map;
  return {
    input: {
      name,
      seeds,
      ...(user ? { user } : {}),
      ...(tls ? { tls } : {}),
      ...(Object.keys(map).length > 0 ? { addressMap: map } : {}),
      ...(current?.sandbox ? { sandbox: current.sandbox } : {}),
    },
    password,
  };
}
