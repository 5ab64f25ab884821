/** The sandbox's events (sandbox/sandbox.ts): rcm's own lines, with create's in redis-cli's words. Pure. */
import type { CreateEvent } from '../ops/create';
import type { SandboxDownEvent, SandboxStatusEvent, SandboxUpEvent } from '../sandbox/sandbox';
import { renderCreateEvent } from './createText';
import { out, type OutputChunk } from './output';

type SandboxEvent = SandboxUpEvent | SandboxDownEvent | SandboxStatusEvent;
type OwnEvent = Exclude<SandboxEvent, CreateEvent>;

/** The sandbox's own kinds all start with "sandbox-"; the others are create's. */
function isOwn(e: SandboxEvent): e is OwnEvent {
  return e.kind.startsWith('sandbox-');
}

export function renderSandboxEvent(e: SandboxEvent): OutputChunk[] {
  return isOwn(e) ? renderOwn(e) : renderCreateEvent(e);
}

function renderOwn(e: OwnEvent): OutputChunk[] {
  switch (e.kind) {
    case 'sandbox-started':
      return [out(`>>> Started ${e.count} redis-server ${e.version} processes on ${e.host}:${e.port}-${e.port + e.count - 1} (${e.dir})\n`, 'info')];
    case 'sandbox-ready':
      return [
        out(`[OK] Sandbox cluster ready: ${e.masters} masters, ${e.masters * e.replicas} replicas.\n`, 'ok'),
        out(
          `Entry node: ${e.host}:${e.port}\nTry:  rcm check ${e.host}:${e.port}\nStop: ${e.down}   (stops these ${e.count} processes and deletes ${e.dir})\n`,
        ),
      ];
    case 'sandbox-stopping':
      return [out(`>>> Stopping ${e.nodes} redis-server processes (pids ${e.pids.join(' ')})\n`, 'info')];
    case 'sandbox-stopped':
      return [out(`[OK] Sandbox stopped and ${e.dir} removed.\n`, 'ok')];
    case 'sandbox-none':
      return [out(`No sandbox in ${e.dir}.\n`)];
    case 'sandbox-status': {
      const { dir, state, nodes } = e;
      const up = nodes.filter((n) => n.running).length;
      return [
        out(`Sandbox in ${dir}: ${state.masters} masters, ${state.masters * state.replicas} replicas, redis-server ${state.redisVersion}\n`),
        ...nodes.map((n) => out(`${state.host}:${n.port}  pid ${n.pid ?? '-'}  ${n.running ? 'running' : 'stopped'}\n`)),
        up === nodes.length
          ? out(`[OK] All ${up} nodes are running. Try: rcm check ${state.host}:${state.nodes[0]!.port}\n`, 'ok')
          : out(`[ERR] ${nodes.length - up} of ${nodes.length} nodes are not running.\n`, 'error'),
      ];
    }
    default: {
      const unhandled: never = e;
      return unhandled;
    }
  }
}
