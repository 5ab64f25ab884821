/**
 * Preflight on a live cluster (rules: exec/preflight.ts): every command the
 * run will send is allowed for the connection's user on every node it
 * touches. ACL DRYRUN (Redis ≥ 7) where the user may run it; elsewhere
 * harmless probes that only ACL can refuse; nothing to check where ACL is
 * absent (Redis < 6). Nothing here changes the cluster.
 */
import {
  assertAllowed,
  dryRunVerdict,
  LEASE_COMMANDS,
  probeCommands,
  probeVerdict,
  runCommands,
  type CommandSpec,
  type CommandVerdict,
  type RunKind,
} from '../exec/preflight';
import type { StrategyKind } from '../exec/strategy';
import type { ClusterSession } from './loader';
import type { NodeClient } from './connection';

export interface PreflightRequest {
  readonly kind: RunKind;
  readonly strategy?: StrategyKind;
  readonly replace?: boolean;
  /** The user the connection authenticated as (named in the message when ACL WHOAMI is not allowed). */
  readonly user?: string;
}

async function checkNode(client: NodeClient, user: string | undefined, commands: readonly CommandSpec[], kind: RunKind): Promise<CommandVerdict[]> {
  const [first, ...dry] =
    user === undefined ? [] : await client.pipeline([['ACL', 'DRYRUN', user, 'PING'], ...commands.map((c) => ['ACL', 'DRYRUN', user, ...c] as const)]);
  if (first?.ok) {
    // A command this server does not know (another version's atomic migration) replies with an error: not a denial.
    return dry.flatMap((r, i) => {
      const denied = dryRunVerdict(r);
      return denied === 'unchecked' ? [] : [{ node: client.addr, command: commands[i]!, denied }];
    });
  }
  // ACL DRYRUN is unknown (Redis 6) or not allowed to this user: probe the commands that move data and ownership.
  const probes = probeCommands(kind);
  const res = await client.pipeline(probes.map((c) => [c[0]!, ...c.slice(1)] as const));
  return res.map((r, i) => ({ node: client.addr, command: probes[i]!, denied: probeVerdict(r) }));
}

/** Throws `no-permission` (one line, nothing changed) when some node would refuse a command of the run. */
export async function preflightPermissions(session: ClusterSession, req: PreflightRequest): Promise<void> {
  const nodes = session.topology.nodes;
  let user: string | undefined = req.user;
  const verdicts = await Promise.all(
    nodes.map(async (n) => {
      const client = session.clients.get(n.id);
      if (!client) return [];
      const [who] = await client.pipeline([['ACL', 'WHOAMI']]);
      // No ACL on this server (< 6): every authenticated connection may run everything.
      if (!who!.ok && !/^NOPERM/i.test(who!.error)) return [];
      const me = who!.ok ? String(who!.value) : undefined;
      if (me !== undefined) user = me;
      const commands = n.role === 'master' ? [...runCommands(req.kind, req.strategy, req.replace), ...LEASE_COMMANDS] : LEASE_COMMANDS;
      return checkNode(client, me, commands, req.kind);
    }),
  );
  assertAllowed(verdicts.flat(), user);
}
