/** add-node's events (ops/addNode.ts) in redis-cli's words (the `\r\n` ends of its function-copy errors kept). Pure. */
import { wordsOf } from '../model/dialect';
import type { AddNodeEvent } from '../ops/addNode';
import { renderCandidates } from './candidates';
import { renderFreshRejected } from './newNodeText';
import { isSharedEvent, renderSharedEvent } from './opText';
import { renderBadMeetHost } from './createText';
import { out, type OutputChunk } from './output';

export function renderAddNodeEvent(e: AddNodeEvent): OutputChunk[] {
  if (isSharedEvent(e)) return renderSharedEvent(e);
  switch (e.kind) {
    case 'add-node-start':
      return [out(`>>> Adding node ${e.addr} to cluster ${e.entry}\n`, 'info')];
    case 'add-node-no-such-master':
      return [out(`[ERR] No such ${wordsOf(e.dialect).master} ID ${e.masterId}\n`, 'error'), renderCandidates('the masters are', e.masters)];
    case 'add-node-no-master':
      return [out('[ERR] The cluster has no master to replicate\n', 'error')];
    case 'add-node-master-selected':
      return [out(`Automatically selected ${wordsOf(e.dialect).master} ${e.master}\n`)];
    case 'add-node-unreachable':
      return [out(`[ERR] Sorry, can't connect to node ${e.addr}\n`, 'error')];
    case 'add-node-meet':
      return [out(`>>> Send CLUSTER MEET to node ${e.addr} to make it join the cluster.\n`, 'info')];
    case 'bad-meet-host':
      return renderBadMeetHost(e);
    case 'add-node-replicate':
      return [out(`>>> Configure node as replica of ${e.master}.\n`, 'info')];
    case 'add-node-done':
      return [out('[OK] New node added correctly.\n', 'ok')];
    case 'functions-get':
      return [out('>>> Getting functions from cluster\n', 'info')];
    case 'functions-unsupported':
      return [
        out(
          `>>> Failed retrieving Functions from the cluster, skip this step as Redis version do not support function command (error = '${e.error}')\n`,
          'info',
        ),
      ];
    case 'functions-list':
      return [out(`>>> Send FUNCTION LIST to ${e.addr} to verify there is no functions in it\n`, 'info')];
    case 'functions-list-failed':
      return [out(`>>> Failed on CLUSTER LIST (error = '${e.error}')\r\n`, 'error')];
    case 'functions-present':
      return [out('>>> New node already contains functions and can not be added to the cluster. Use FUNCTION FLUSH and try again.\r\n', 'error')];
    case 'functions-restore':
      return [out(`>>> Send FUNCTION RESTORE to ${e.addr}\n`, 'info')];
    case 'functions-restore-failed':
      return [out(`>>> Failed loading functions to the new node (error = '${e.error}')\r\n`, 'error')];
    case 'fresh-rejected':
      return renderFreshRejected(e);
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
