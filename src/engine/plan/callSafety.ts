/**
 * Which commands `call` must confirm before sending them to every node:
 * those that destroy data, stop nodes or change the cluster's shape.
 * (redis-cli sends anything without asking; this is ours.) Pure.
 */

const COMMANDS: Readonly<Record<string, string>> = {
  FLUSHALL: 'deletes every key',
  FLUSHDB: 'deletes every key of the database',
  SHUTDOWN: 'stops the node',
  DEBUG: 'can crash, block or alter the node',
  SWAPDB: 'swaps the contents of two databases',
  REPLICAOF: 'changes what the node replicates',
  SLAVEOF: 'changes what the node replicates',
  FAILOVER: "hands the node's role to a replica",
};

const SUBCOMMANDS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  CLUSTER: {
    RESET: "resets the node's cluster state (and deletes its keys)",
    FLUSHSLOTS: 'drops every slot the node owns',
    DELSLOTS: 'unassigns slots',
    DELSLOTSRANGE: 'unassigns slots',
    ADDSLOTS: 'assigns slots',
    ADDSLOTSRANGE: 'assigns slots',
    SETSLOT: 'changes slot ownership',
    FORGET: 'removes a node from the cluster',
    FAILOVER: 'promotes replicas to masters',
    REPLICATE: 'changes what the node replicates',
    MEET: 'joins another node into the cluster',
  },
  CONFIG: { SET: 'changes the configuration' },
  SCRIPT: { FLUSH: 'deletes every cached script' },
  FUNCTION: { FLUSH: 'deletes every function library', DELETE: 'deletes a function library', RESTORE: 'replaces function libraries' },
  ACL: { SETUSER: 'changes user permissions', DELUSER: 'deletes users', LOAD: 'reloads users from the ACL file' },
  CLIENT: { KILL: 'disconnects clients' },
};

/** What makes `argv` dangerous to broadcast (a short phrase), or null when it is safe to send without asking. */
export function destructiveReason(argv: readonly string[]): string | null {
  const cmd = (argv[0] ?? '').toUpperCase();
  const direct = COMMANDS[cmd];
  if (direct) return direct;
  const sub = SUBCOMMANDS[cmd]?.[(argv[1] ?? '').toUpperCase()];
  return sub ?? null;
}
