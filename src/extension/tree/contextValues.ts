/**
 * Context values of tree items: a base type plus `+flag` tokens, matched in
 * package.json with anchored regexes such as `/^rcm:node\b(?=.*\+master\b)/`.
 * Pure; `ALL_CONTEXT_VALUES` enumerates every value the tree can produce so a
 * unit test can check each menu's `when` clause against it.
 */

export type ContextBase = 'rcm:cluster' | 'rcm:node' | 'rcm:slots' | 'rcm:openSlot' | 'rcm:message';

export const CLUSTER_FLAGS = ['connected', 'disconnected', 'fail', 'problems', 'sandbox', 'settings'] as const;
export const NODE_FLAGS = ['master', 'replica', 'empty', 'down'] as const;
export type ClusterFlag = (typeof CLUSTER_FLAGS)[number];
export type NodeFlag = (typeof NODE_FLAGS)[number];

export function contextValue(base: ContextBase, flags: readonly string[] = []): string {
  return [base, ...flags.map((f) => `+${f}`)].join('');
}

export function clusterContext(o: { connected: boolean; fail: boolean; problems: boolean; sandbox: boolean; settings: boolean }): string {
  const flags: ClusterFlag[] = [o.connected ? 'connected' : 'disconnected'];
  if (o.fail) flags.push('fail');
  if (o.problems) flags.push('problems');
  if (o.sandbox) flags.push('sandbox');
  if (o.settings) flags.push('settings');
  return contextValue('rcm:cluster', flags);
}

export function nodeContext(o: { role: 'master' | 'replica'; empty: boolean; down: boolean }): string {
  const flags: NodeFlag[] = [o.role];
  if (o.role === 'master' && o.empty) flags.push('empty');
  if (o.down) flags.push('down');
  return contextValue('rcm:node', flags);
}

function subsets<T>(items: readonly T[]): T[][] {
  return items.reduce<T[][]>((acc, x) => acc.concat(acc.map((s) => [...s, x])), [[]]);
}

/** Every context value the tree can produce. */
export const ALL_CONTEXT_VALUES: readonly string[] = [
  ...[true, false].flatMap((connected) =>
    subsets(['fail', 'problems', 'sandbox', 'settings'] as const).map((s) =>
      clusterContext({
        connected,
        fail: s.includes('fail'),
        problems: s.includes('problems'),
        sandbox: s.includes('sandbox'),
        settings: s.includes('settings'),
      }),
    ),
  ),
  ...(['master', 'replica'] as const).flatMap((role) => [true, false].flatMap((empty) => [true, false].map((down) => nodeContext({ role, empty, down })))),
  contextValue('rcm:slots'),
  contextValue('rcm:openSlot', ['migrating']),
  contextValue('rcm:openSlot', ['importing']),
  contextValue('rcm:message'),
].filter((v, i, a) => a.indexOf(v) === i);
