/**
 * The engine's public API: the only module the extension and the CLI import.
 * Nothing here (or below) imports `vscode`.
 */
export * from './model/slots';
export type * from './model/types';
export { EngineError, isEngineError, toEngineError } from './model/errors';
export type { EngineErrorCode, EngineErrorData } from './model/errors';
export { parseClusterNodes, parseClusterNodesLine, findMyself, isReplicaFlags } from './parse/clusterNodes';
export { parseNodeAddress, parseEntryAddress, atoi, atof } from './parse/address';
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
