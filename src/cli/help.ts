/** The `rcm help` text. redis-cli's cluster help, plus our global options. */

export const CLUSTER_HELP = `Cluster Manager Commands:
  create         host1:port1 ... hostN:portN
                 --cluster-replicas <arg>
  check          <host:port> or <host> <port> - separated by either colon or space
                 --cluster-search-multiple-owners
  info           <host:port> or <host> <port> - separated by either colon or space
  fix            <host:port> or <host> <port> - separated by either colon or space
                 --cluster-search-multiple-owners
                 --cluster-fix-with-unreachable-masters
  reshard        <host:port> or <host> <port> - separated by either colon or space
                 --cluster-from <arg>
                 --cluster-to <arg>
                 --cluster-slots <arg>
                 --cluster-yes
                 --cluster-timeout <arg>
                 --cluster-pipeline <arg>
                 --cluster-replace
  rebalance      <host:port> or <host> <port> - separated by either colon or space
                 --cluster-weight <node1=w1...nodeN=wN>
                 --cluster-use-empty-masters
                 --cluster-timeout <arg>
                 --cluster-simulate
                 --cluster-pipeline <arg>
                 --cluster-threshold <arg>
                 --cluster-replace
  add-node       new_host:new_port existing_host:existing_port
                 --cluster-slave
                 --cluster-master-id <arg>
  del-node       host:port node_id
  call           host:port command arg arg .. arg
                 --cluster-only-masters
                 --cluster-only-replicas
  set-timeout    host:port milliseconds
  import         host:port
                 --cluster-from <arg>
                 --cluster-from-user <arg>
                 --cluster-from-pass <arg>
                 --cluster-from-askpass
                 --cluster-copy
                 --cluster-replace
  backup         host:port backup_directory
  help           

For check, fix, reshard, del-node, set-timeout, info, rebalance, call, import, backup you can specify the host and port of any working node in the cluster.

Cluster Manager Options:
  --cluster-yes  Automatic yes to cluster commands prompts

`;

export const RCM_HELP = `Usage: rcm <subcommand> [arguments] [options]
       (the same subcommands and --cluster-* options as \`redis-cli --cluster\`)

Subcommands: redis-cli's (see \`rcm help\`) and:
  apply PLAN.json         Run a plan saved with --plan-out (reshard, rebalance)
  restore HOST:PORT DIR   Load a backup (rcm's or redis-cli's) into a cluster of any slot layout
                          (--cluster-replace overwrites existing keys after a question; --cluster-yes answers)
  resume JOURNAL          Continue an interrupted reshard/rebalance exactly where it stopped
  failover REPLICA [--force|--takeover]
                          Promote a replica (CLUSTER FAILOVER) and wait until the cluster agrees
  sandbox up|down|status  A throw-away local cluster from the redis-server on PATH:
                          up [--masters 3] [--replicas 1] [--port 7000] [--dir $TMPDIR/rcm-sandbox-PORT]

Differences in the topology commands (create, add-node, del-node, call, set-timeout):
  joins are polled quickly with a deadline; del-node also removes a node that is down;
  call asks before destructive commands (FLUSHALL, SHUTDOWN, CONFIG SET, ...; --cluster-yes skips);
  set-timeout exits 1 when a node failed

rcm fix answers its coverage questions with --cluster-yes (redis-cli always asks), fixes multiple owners
when the non-owner holds keys, and never changes anything before a question is answered.

Import source over TLS (redis-cli has none): --cluster-from-tls, --cluster-from-cacert FILE,
  --cluster-from-cert FILE, --cluster-from-key FILE, --cluster-from-sni NAME, --cluster-from-insecure

Migration options (reshard, rebalance, apply, resume):
  --plan-out FILE         Write the plan as JSON and stop (run it later with rcm apply)
  --journal FILE          Where to keep the run's journal (default: a new file in $TMPDIR/rcm-journals)
  --cluster-pipeline N    Fixed keys per MIGRATE batch (default: adaptive, see --budget-ms)
  --budget-ms MS          Latency budget of one MIGRATE for the adaptive batch size (default 2)
  --max-client-latency-ms MS
                          Client-latency budget: PING probes to the source and target pace batch size,
                          MIGRATEs in flight and parallel pairs to keep round trips within it (default 1)
  --fast                  No client-latency budget: full speed (maintenance windows)
  --cluster-timeout MS    MIGRATE timeout (default 60000)
  --migration-strategy S  auto (default: server-side atomic migration when every master is Redis >= 8.4
                          or Valkey >= 9.0) or legacy (SETSLOT + MIGRATE, as redis-cli 7)
  --cluster-replace       Overwrite keys that exist on the target (else identical values are replaced,
                          different ones stop the move and are listed)

Connection options (every node):
  -a, --pass <password>   Password (also read from REDISCLI_AUTH)
  --user <username>       ACL user name (used with a password)
  --askpass               Prompt for the password
  --no-auth-warning       Do not warn about passwords on the command line
  --tls                   Use TLS
  --cacert <file>         CA certificate file to verify the nodes
  --cacertdir <dir>       Directory of CA certificates
  --cert <file>           Client certificate
  --key <file>            Client private key
  --sni <host>            TLS server name
  --insecure              Do not verify the server certificate
  -t, --connect-timeout <s>  Connect timeout in seconds (default 10)
  --address-map <ann=real>   Reach announced ip:port at host:port (repeatable; NAT, Docker, SSH)

Output:
  --json                  Machine-readable result (topology, summary, findings) on stdout
  --help                  This text

`;
