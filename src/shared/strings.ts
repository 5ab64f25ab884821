/**
 * The migration panel's strings (webview and the panel's host messages), in
 * English. Translations live in l10n/bundle.l10n.webview-<locale>.json under
 * the same keys; the host loads the one for VS Code's display language and
 * sends the merged table to the webview in its `init` message, so the
 * webview never reads files and never sees an untranslated key.
 *
 * Placeholders are `{0}`, `{1}`, … as in vscode.l10n.t.
 */
export const EN_STRINGS = {
  // titles
  'panel.title': 'Migration: {0}',
  'kind.reshard': 'Reshard',
  'kind.rebalance': 'Rebalance',
  'kind.drain': 'Drain',
  'header.title': '{0} · {1}',
  'header.entry': 'Entry node {0} · {1} masters',
  'phase.preview': 'Plan preview',
  'phase.running': 'Running',
  'phase.finished': 'Finished',
  'phase.cancelled': 'Cancelled',
  'phase.failed': 'Failed',
  'phase.restored': 'Restored',
  // toolbar
  'action.execute': 'Execute',
  'action.cancel': 'Cancel',
  'action.cancelRun': 'Cancel (stop at the next safe point)',
  'action.stopping': 'Stopping…',
  'action.export': 'Export plan',
  'action.resume': 'Resume from journal',
  'action.close': 'Close',
  'action.fast': 'Fast',
  'action.fastHint': 'Move at full speed, without the client-latency budget (for maintenance windows)',
  'action.recompute': 'Recompute plan',
  'toolbar.label': 'Migration actions',
  // banners
  'banner.restored': 'Restored after a reload: this panel shows its last state. Run the command again to make a fresh plan.',
  'banner.interrupted': 'The run was interrupted by a reload before it finished.',
  'banner.resumeHint': 'It can be continued from its journal: only the slots not yet moved are moved.',
  'banner.nothing.balanced': 'No rebalancing needed: every master is within the threshold ({0}%).',
  'banner.nothing.empty': 'The plan is empty: there is nothing to move.',
  'banner.openSlots': 'Open slots left by an interrupted migration are highlighted on the map: {0}.',
  // slot map
  'map.heading': 'Slot map',
  'map.label': 'Slot map of 16384 slots coloured by owning master. Use the arrow keys to inspect slots.',
  'map.shade': 'Shade by keys per slot',
  'map.keysLoading': 'Counting keys… {0} of {1} slots',
  'map.keysLoaded': 'Keys counted in {0} slots ({1} keys, busiest slot {2})',
  'map.keysFailed': 'Could not count keys: {0}',
  'map.legend': 'Masters (click to reveal in the tree)',
  'map.unassigned': 'Unassigned',
  'map.moving': 'Moving: the target’s colour, with a corner mark',
  'map.open': 'Open slot',
  'legend.after': '→ {0}',
  'legend.reveal': 'Reveal {0} in the cluster tree: {1} slots, {2} of the cluster{3}',
  'legend.revealAfter': ', {0} after the plan',
  'legend.flags': 'flags {0}',
  'tip.slot': 'Slot {0}',
  'tip.owner': 'Owner {0}',
  'tip.none': 'No owner',
  'tip.keys': '{0} keys',
  'tip.keysUnknown': 'keys not counted',
  'tip.moving': 'moves to {0}',
  'tip.moved': 'moved from {0}',
  'tip.open': 'open: {0} {1}',
  'open.migrating': 'migrating to',
  'open.importing': 'importing from',
  // plan
  'plan.heading': 'Plan',
  'plan.totals': '{0} slots between {2} masters · moves: {1}',
  'plan.totalsKeys': '{0} keys',
  'plan.keysUnknown': 'keys not counted yet',
  'plan.col.source': 'From',
  'plan.col.target': 'To',
  'plan.col.ranges': 'Slots',
  'plan.col.count': 'Count',
  'plan.col.keys': 'Keys',
  'plan.total': 'Total',
  'plan.moreRanges': '… and more ranges: {0}',
  'plan.caption': 'Slots to move, per source and target',
  'options.heading': 'Options',
  'options.weights': 'Weights',
  'options.weightFor': 'Weight of {0}',
  'options.threshold': 'Threshold (%)',
  'options.useEmpty': 'Use empty masters',
  'options.pipeline': 'Keys per batch',
  'options.pipelineAdaptive': 'adaptive',
  'options.timeout': 'MIGRATE timeout',
  'options.timeoutValue': '{0} ms',
  'options.replace': 'Replace existing keys',
  'options.yes': 'yes',
  'options.no': 'no',
  'options.recomputing': 'Recomputing…',
  'options.invalidThreshold': 'The threshold must be a number greater than 0.',
  'options.invalidWeight': 'Each weight must be a number ≥ 0.',
  // progress
  'progress.heading': 'Progress',
  'progress.overall': 'Overall progress',
  'progress.slots': 'Slots',
  'progress.slotsValue': '{0} / {1}',
  'progress.keys': 'Keys moved',
  'progress.keysValue': '{0} of about {1}',
  'progress.rate': 'Rate',
  'progress.rateValue': '{0} keys/s',
  'progress.eta': 'Time left',
  'progress.elapsed': 'Elapsed',
  'progress.unknown': '—',
  'progress.perMove': 'Per move',
  'progress.state.waiting': 'waiting',
  'progress.state.running': 'moving',
  'progress.state.done': 'done',
  'progress.state.stopped': 'stopped',
  'progress.stopping': 'Stopping at the next safe point: the slots in flight finish, no slot is left open.',
  // log
  'log.heading': 'Events',
  'log.empty': 'No events yet.',
  'log.started': 'Started: {0} slots, about {1} keys, source → target pairs: {2}.',
  'log.group': 'Moving {0} slots from {1} to {2}.',
  'log.groupDone': 'Moved {0} slots from {1} to {2}.',
  'log.strategy': '{0} → {1} moves with {2}.',
  'log.retry': 'Retry {0} on {1}: {2}',
  'log.pace.start': 'Pace: {0} keys per MIGRATE, {1} in flight, pairs at once: {2} (start; client-latency budget {3} ms)',
  'log.pace.fast': 'Pace: {0} keys per MIGRATE, {1} in flight, pairs at once: {2} (fast: no client-latency budget)',
  'log.pace.over': 'Pace: {0} keys per MIGRATE, {1} in flight, pairs at once: {2} (slower: probe round trip {4} ms on {5} over the budget of {3} ms)',
  'log.pace.under': 'Pace: {0} keys per MIGRATE, {1} in flight, pairs at once: {2} (faster: probe round trip {4} ms well under the budget of {3} ms)',
  'log.pace.idle': 'Pace: {0} keys per MIGRATE, {1} in flight, pairs at once: {2} (faster: no client traffic on the nodes moving)',
  'log.busy.replaced': 'Slot {0}: keys already on the target were replaced: {1}.',
  'log.busy.identical': 'Slot {0}: identical keys already on the target were replaced: {1}.',
  'log.busy.refused': 'Slot {0}: keys with different values on both sides ({1}): {2}',
  'log.mismatch': 'Slot {0}: {1} keys before, {2} after.',
  'log.error': 'Error: {0}',
  'log.cancelRequested': 'Cancel requested: stopping after the slots in flight.',
  'log.cancelled': 'Stopped after {0} of {1} slots; no slot was left open.',
  'log.finished': 'Finished: {0} slots, {1} keys.',
  'log.checkOk': 'Check after the run: OK.',
  'log.checkProblems': 'Check after the run found problems.',
  'log.resume': 'Resuming from {0}.',
  'log.journal': 'Journal: {0}',
  // summary
  'summary.heading': 'Summary',
  'summary.done': 'Migration finished',
  'summary.cancelled': 'Migration cancelled',
  'summary.failed': 'Migration failed',
  'summary.moved': 'Slots moved',
  'summary.keys': 'Keys moved',
  'summary.duration': 'Duration',
  'summary.rate': 'Average rate',
  'summary.verify': 'Verification',
  'summary.verifyOk': 'key counts match in every moved slot',
  'summary.verifyBad': 'Slots with different key counts before and after: {0}',
  'summary.alreadyMoved': 'Already moved (finalised)',
  'summary.check': 'Check after the run',
  'summary.checkOk': 'OK: all slots covered, no open slots, nodes agree',
  'summary.checkBad': 'Problems found',
  'summary.checkNone': 'not run',
  'summary.error': 'Error',
  'summary.journal': 'Journal',
  'summary.resumeHint': 'Continue with “Resume from journal” here or with: rcm resume {0}',
  'summary.demoted': '{0} had no slots left and is now a replica of {1} (Redis turns an emptied master into a replica).',
  'summary.viewCheck': 'View check output',
  'summary.viewCheckHint': 'Run Check on the cluster now and open its output (as redis-cli --cluster check prints it)',
  // check findings (host-formatted)
  'check.configDisagree': 'Nodes do not agree about the configuration.',
  'check.migrating': '{0} has slots in migrating state: {1}',
  'check.importing': '{0} has slots in importing state: {1}',
  'check.openSlots': 'Open slots: {0}',
  'check.uncovered': '{0} slots are not covered by any node.',
  'check.multipleOwners': 'Slot {0} has keys on several nodes: {1}',
  // durations
  'dur.s': '{0} s',
  'dur.ms': '{0} min {1} s',
  'dur.hms': '{0} h {1} min',
  // host messages
  'host.alreadyRunning': 'A migration is already running on {0}: its panel is shown.',
  'host.exportTitle': 'Export migration plan',
  'host.exportFilter': 'Migration plan',
  'host.exported': 'Plan saved to {0}. Run it with: rcm apply {0}',
  'host.noPlan': 'There is no plan to export.',
  'host.notLive': 'This panel was restored after a reload: run the command again to make a fresh plan.',
  'host.busy': 'A run is already in progress.',
  'host.replaceSummary': 'The migration panel of {0} shows the summary of the last run. Replace it with the new plan?',
  'host.replace': 'Replace',
  'host.otherRun': 'Another migration is running on this cluster (in another panel or window): wait for it to finish.',
  'host.closedDuringRun': 'The migration panel was closed during the run: the run stops at the next safe point. Continue it with: rcm resume {0}',
  'host.resumeUnsafe': 'This run cannot be resumed from here.',
  'host.journalDone': 'The journal says this run already finished: there is nothing to resume.',
  // load (rebalance by load, hot slots)
  'kind.loadRebalance': 'Rebalance by load',
  'kind.hotSlots': 'Move hot slots away',
  'map.shadeBy': 'Shade by',
  'measure.keys': 'keys',
  'measure.memory': 'memory',
  'measure.cpu': 'CPU',
  'map.axis': 'Slot numbers: each row starts at the slot on the left; the column adds the number on top.',
  'tip.memory': '{0} memory',
  'tip.memoryEstimated': '≈{0} memory (sampled)',
  'tip.cpu': '{0} CPU',
  'load.heading': 'Expected share of {0} per master',
  'load.before': 'Before',
  'load.after': 'After',
  'load.row': '{0} → {1} (target {2})',
  'load.within': 'Every master ends within {0}% of its target share.',
  'load.notWithin': 'Single slots carry too much: not every master can get within {0}% of its target share; the plan comes as close as it can.',
  'load.barLabel': '{0}: {1} of the {2} now, {3} after the plan',
  'plan.slotsUnit': '{0} slots',
} as const;

export type StringKey = keyof typeof EN_STRINGS;

/** Replaces `{0}`, `{1}`, … with the arguments. Unknown placeholders are kept. */
export function formatString(template: string, args: readonly (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (m, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? m : String(v);
  });
}

/**
 * Merges a translation table over the English one: only known keys with
 * string values are taken, so a stale or partial translation never shows a
 * raw key.
 */
export function mergeStrings(translated: unknown): Record<StringKey, string> {
  const out: Record<string, string> = { ...EN_STRINGS };
  if (typeof translated === 'object' && translated !== null) {
    for (const [k, v] of Object.entries(translated)) if (k in EN_STRINGS && typeof v === 'string') out[k] = v;
  }
  return out as Record<StringKey, string>;
}

/** A lookup function over a table (falls back to English, then to the key). */
export function translator(table: Readonly<Record<string, string>>): (key: StringKey, ...args: (string | number)[]) => string {
  return (key, ...args) => formatString(table[key] ?? EN_STRINGS[key] ?? key, args);
}
