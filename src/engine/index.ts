/**
 * The engine's public API: the only module the extension and the CLI import.
 * Nothing here (or below) imports `vscode`.
 */
export * from './model/slots';
export type * from './model/types';
export { EngineError, isEngineError, toEngineError } from './model/errors';
export type { EngineErrorCode, EngineErrorData } from './model/errors';
export { parseClusterNodes, parseClusterNodesLine, findMyself, isReplicaFlags } from './parse/clusterNodes';
export { parseNodeAddress, parseEntryAddress, entryAddress, parseAddress, parseHostAndPort, formatAddress, atoi, atof, type AddressParse } from './parse/address';
export { parseInfo } from './parse/info';
export { configSignature, signaturesAgree } from './check/signature';
export { checkCluster, nodeRef } from './check/check';
export type { CheckFinding, CheckFindingCode, CheckOptions, CheckResult, NodeRef } from './check/check';
export { summarizeCluster } from './check/summary';
export type { ClusterSummary, MasterSummary } from './check/summary';
export { formatFixed } from './render/cformat';
export { renderCheck, renderSummary, renderLoadMessages, renderNodeBlock } from './render/checkText';
export { colourize, streamText } from './render/output';
export type { OutputChunk, OutputLevel } from './render/output';
export type { ConnectionOptions, TlsOptions } from './io/options';
export { connectNode } from './io/connection';
export type { NodeClient, Arg } from './io/connection';
export { openCluster, loadTopology } from './io/loader';
export type { ClusterSession, LoadOptions } from './io/loader';
export { runInfo, runCheck, renderFatal } from './ops/infoCheck';
export type { InfoReport, CheckReport } from './ops/infoCheck';
// Migration engine
export type { MovePlan, SlotMove, PlanNode, MoveGroup, RebalanceDetails, MigrationOptions, NothingToDo } from './model/plan';
export { groupMoves } from './model/plan';
export type { SlotPort, SetSlotAction, MigrateOptions, Clock } from './exec/port';
export type { MigrationEvent, MigrationEventType, ProgressSnapshot } from './exec/events';
export { DEFAULT_MAX_CLIENT_LATENCY_MS, executePlan } from './exec/executor';
export { bigKeyTimeoutMs, bigKeyWarning, estimateBlockingMs, formatBytes, renderBigKeys, BIG_KEY_MS } from './model/bigKeys';
export type { BigKey, BigKeyReport, BigKeyWarning } from './model/bigKeys';
export { previewBigKeys } from './ops/bigKeysPreview';
export { createPaceController, describePace, PACE_LADDER, UNLIMITED_LANES } from './exec/pace';
export type { Pace, PaceController, PaceOptions, PaceWhy } from './exec/pace';
export type { ExecuteOptions, ExecuteResult } from './exec/executor';
export { createBatchSizer } from './exec/batchSize';
export { readJournalState } from './exec/journal';
export type { JournalRecord, JournalSink, JournalState } from './exec/journal';
export { validatePlan } from './plan/validatePlan';
export { createSlotPort } from './io/slotPort';
export { planShapeProblem } from './model/plan';
export { FileJournal, readJournalFile, lockJournal, unlockJournal, journalLockPid, journalInUse, newJournalPath, journalDir, legacyJournalDir, findJournal } from './io/journalFile';
export { applyPlan, resumeJournal } from './ops/applyPlan';
export type { ApplyOptions, ApplyResult } from './ops/applyPlan';

// Topology operations: create, add-node, del-node, call, set-timeout, failover, sandbox
export { splitSlots, planCreate, createMasterCount, interleaveByHost, seededRandom } from './plan/createPlan';
export type { CreateNodeInput, CreatePlan, CreateRole } from './plan/createPlan';
export { antiAffinityScore } from './plan/antiAffinity';
export type { OpHooks, WaitOptions } from './ops/opOutput';
export { runCreate, parseCreateAddress } from './ops/create';
export type { CreateOptions, CreateReport } from './ops/create';
export { runAddNode, masterWithFewestReplicas } from './ops/addNode';
export type { AddNodeOptions, AddNodeReport } from './ops/addNode';
export { runDelNode } from './ops/delNode';
export type { DelNodeReport } from './ops/delNode';
export { runCall } from './ops/call';
export type { CallOptions, CallReport, CallReply } from './ops/call';
export { destructiveReason } from './plan/callSafety';
export { formatRawReply } from './render/callText';
export type { JsonReply } from './render/callText';
export { runSetTimeout, MIN_NODE_TIMEOUT_MS } from './ops/setTimeout';
export type { SetTimeoutReport } from './ops/setTimeout';
export { runFailover } from './ops/failover';
export type { FailoverMode, FailoverOptions, FailoverReport } from './ops/failover';
export { sandboxUp, sandboxDown, sandboxStatus } from './sandbox/sandbox';
export type { SandboxOptions, SandboxUpReport, SandboxDownReport, SandboxStatusReport } from './sandbox/sandbox';
export { defaultSandboxDir } from './sandbox/state';
export type { SandboxState } from './sandbox/state';
export { INSTALL_HINT } from './sandbox/redisServer';
// Planners (pure) and their redis-cli rendering
export { planReshard, findNodeForResharding, NO_SOURCES, TARGET_AS_SOURCE } from './plan/reshard';
export type { ReshardOptions, ReshardPlanResult } from './plan/reshard';
export { planRebalance, parseWeights, DEFAULT_THRESHOLD } from './plan/rebalance';
export type { RebalanceOptions } from './plan/rebalance';
export { renderReshardPlan, renderRebalancePlan, renderNothingToDo, renderRebalanceGroupLine } from './render/planText';
export type { RebalanceRenderOptions } from './render/planText';
export { capabilitiesFromCommandInfo, pairStrategy, probeCapabilities, ATOMIC_COMMANDS } from './exec/capabilities';
export type { NodeCapabilities } from './exec/capabilities';
export type { StrategyKind, PairStrategy } from './exec/strategy';
export type { AtomicJobProgress } from './exec/atomicJob';
export { parseSlotMigrations, findCreatedJob, valkeyJobState } from './exec/atomicValkey';
export { parseMigrationStatus, redisTaskState } from './exec/atomicRedis';
export { slotsServedBy } from './exec/atomicJob';
export * from './ops/fix'; // fix: runFix, previewFix and their types
export * from './fix/analysis'; // fix decisions (pure): analyzeOpenSlot, partitionUncovered, pickCoverMaster…
export { planSlotMove } from './plan/moveSlots'; // move chosen slots (the extension's "Move These Slots To…")
// Data operations: import, backup, restore (and the RDB reader behind them)
export { runImport } from './ops/import';
export type { ImportOptions, ImportReport } from './ops/import';
export { runBackup, listBackupRdbFiles } from './ops/backup';
export type { BackupOptions, BackupReport, BackupFile } from './ops/backup';
export { runRestore, backupFiles } from './ops/restore';
export type { RestoreOptions, RestoreReport, RestoreFileReport } from './ops/restore';
export type { DataEvent, DataEventType, DataOp, DataProgress } from './data/events';
export { syncRdbToFile } from './io/replicationSync';
export type { RdbSyncOptions, RdbSyncResult, SyncFraming } from './io/replicationSync';
export { readRdbFile, parseRdbBuffer } from './data/rdbReader';
export type { RdbReadOptions, RdbFileInfo } from './data/rdbReader';
export { RdbParser } from './data/rdbParser';
export type { RdbRecord, RdbKeyRecord } from './data/rdbParser';
export { RdbError } from './data/rdbCursor';
export { decodeRdbValue, decodeListpack, decodeZiplist, decodeIntset, decodeZipmap, formatStreamId } from './data/rdbDecode';
export type { RdbValue, StreamId, StreamGroup, PackedElement } from './data/rdbDecode';
export { dumpPayload, parseDumpPayload } from './data/dumpPayload';
export { RdbType, RdbOpcode, dataTypeOf, moduleTypeName } from './data/rdbFormat';
export type { RedisDataType } from './data/rdbFormat';
export { crc64, Crc64 } from './data/crc64';
export { lzfDecompress } from './data/lzf';
export { keyHashSlot } from './data/keySlot';
export { renderNodesJson, backupFileName } from './render/dataText';
