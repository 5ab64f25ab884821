/**
 * The engine's public API: the only module the extension and the CLI import.
 * Nothing here (or below) imports `vscode`.
 */
export { SLOT_COUNT, rangeSize, countSlots, rangesFromSlots, normalizeRanges, formatSlotRanges, formatRangesPlain } from './model/slots';
export type { ClusterNode, ClusterNodesLine, SkippedNode, Topology } from './model/types';
export { EngineError, isEngineError, isEngineErrorCode } from './model/errors';
export type { EngineErrorCode } from './model/errors';
export { parseEntryAddress, entryAddress, parseAddress, parseNodeAddress } from './parse/address';
export { parseClusterNodesLine } from './parse/clusterNodes';
export { checkCluster } from './check/check';
export type { CheckResult } from './check/check';
export { summarizeCluster } from './check/summary';
export type { ClusterSummary } from './check/summary';
export { renderCheck, renderCheckEvent, renderFatal } from './render/checkText';
export { colourize } from './render/output';
export type { OutputChunk } from './render/output';
export type { ConnectionOptions, TlsOptions } from './io/options';
export { countKeysPerSlot } from './io/bulk';
export type { KeyCountTarget } from './io/bulk';
export { callNode, readNodeInfo } from './ops/nodeCommands';
export { openCluster, loadTopology } from './io/loader';
export type { ClusterSession, LoadOptions } from './io/loader';
export { runInfo, runCheck } from './ops/infoCheck';
export type { CheckEvent } from './ops/infoCheck';
// Migration engine
export type { MovePlan, NothingToDo } from './model/plan';
export type { MigrationEvent } from './exec/events';
export type { ProgressSnapshot } from './model/progress';
export { renderBigKeys } from './model/bigKeys';
export { previewBigKeys } from './ops/bigKeysPreview';
export { describePace, UNLIMITED_LANES } from './exec/pace';
export { renderProfile } from './exec/profile';
export type { RunProfile } from './exec/profile';
export { readJournalState } from './exec/journal';
export { planShapeProblem } from './model/plan';
export { readJournalFile, newJournalPath, journalDir, legacyJournalDir, findJournal } from './io/journalFile';
export type { ApplyResult } from './ops/applyPlan';
export { MigrationService, MigrationRun } from './service/migrationService';
export type { RunOutcome, RunRequest } from './service/migrationService';
export type { PendingJournal } from './service/journals';
export { ProgressTracker } from './service/progress';
// Topology operations: create, add-node, del-node, call, set-timeout, failover, sandbox
export type { OpHooks, OpReport } from './ops/opOutput';
export { renderEvents, printingTo } from './render/events';
export type { EventRenderer } from './render/events';
export { runCreate, parseCreateAddress } from './ops/create';
export { renderCreateEvent } from './render/createText';
export { runAddNode } from './ops/addNode';
export { renderAddNodeEvent } from './render/addNodeText';
export { runDelNode } from './ops/delNode';
export { renderDelNodeEvent } from './render/delNodeText';
export { runCall } from './ops/call';
export { destructiveReason } from './plan/callSafety';
export { formatRawReply, renderCallEvent } from './render/callText';
export { runSetTimeout, MIN_NODE_TIMEOUT_MS } from './ops/setTimeout';
export { renderSetTimeoutEvent } from './render/setTimeoutText';
export type { SetTimeoutReport, SetTimeoutOptions } from './ops/setTimeout';
export { runFailover } from './ops/failover';
export { renderFailoverEvent, renderReplicateEvent } from './render/nodeOpText';
export type { FailoverMode, FailoverOptions, FailoverReport } from './ops/failover';
export { runReplicate } from './ops/replicate';
export type { ReplicateReport } from './ops/replicate';
export { sandboxUp, sandboxDown, sandboxStatus } from './sandbox/sandbox';
export { renderSandboxEvent } from './render/sandboxText';
// Planners (pure) and their redis-cli rendering
export { planReshard, findNodeForResharding, TARGET_AS_SOURCE } from './plan/reshard';
export { planRebalance, parseWeights, DEFAULT_THRESHOLD } from './plan/rebalance';
export type { RebalanceOptions } from './plan/rebalance';
export { renderReshardPlan, renderRebalancePlan, renderRebalanceGroupLine, movingSlotText } from './render/planText';
export { dialectOfTopology } from './model/dialect';
export { runFix, previewFix } from './ops/fix';
export type { FixEvent, FixPreview } from './ops/fix';
export { renderFixEvent } from './render/fixText';
export { planSlotMove } from './plan/moveSlots';
// Data operations: import, backup, restore (and the RDB reader behind them)
export { runImport } from './ops/import';
export { runBackup } from './ops/backup';
export { runRestore } from './ops/restore';
export { renderBackupEvent, renderImportEvent, renderRestoreEvent } from './render/dataText';
export type { DataEvent, DataProgress } from './data/events';
// Per-slot load: the collector, hot slots, and planners that balance keys, memory or CPU
export type { BalanceBy, LoadMeasure, SlotLoadReport } from './model/load';
export { BALANCE_BY, LOAD_MEASURES } from './model/load';
export type { LoadBalanceDetails } from './model/plan';
export { collectSlotLoad } from './io/slotLoad';
export { planLoadRebalance } from './plan/loadBalance';
export { hotSlots, planHotSlotMoves } from './plan/hotSlots';
export { renderLoadPlan, renderHotSlots, pct as formatShare } from './render/loadText';
