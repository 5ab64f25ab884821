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
  hot-slots HOST:PORT [--by keys|memory|cpu] [--top N]
                          The slots carrying most load (default keys, top 10), their owner, and the share
                          of the owner's and the cluster's load they carry (cpu: CLUSTER SLOT-STATS with
                          cluster-slot-stats-enabled yes; memory: sampled with MEMORY USAGE)
  sandbox up|down|status  A throw-away local cluster from the redis-server on PATH:
                          up [--masters 3] [--replicas 1] [--port 7000] [--dir $TMPDIR/rcm-sandbox-PORT]

Deliberate differences from redis-cli 7.0 (the README lists them in full):
  Output      on success stdout, stderr and exit status are redis-cli's; rcm's own lines (journal, summary)
              only with --verbose or in --json; a failure adds exactly one "rcm: ..." line naming the cause;
              a bug prints "rcm: internal error: ... (run with --debug to see where)"
  Numbers     strict, not atoi/atof: a trailing character, a fraction, an empty or out-of-range value is
              refused before anything changes (--cluster-slots 1-16384, --cluster-timeout and
              --cluster-pipeline 1-2147483647, --cluster-replicas 0-100, --cluster-threshold >0-100,
              set-timeout 100-2147483647 ms, -t >0-86400 s, ports 1-65535, weights >= 0)
  Node ids    a --cluster-weight entry without "=", an id prefix matching several nodes and an unknown id
              are errors naming the candidates (redis-cli ignores, picks the first, or names none)
  Addresses   host:port, [::1]:7000, ::1:7000, host names, "host port"; -4/-6; errors name the cause
              (refused, timed out, does not resolve, bad format); a connect timeout (-t, default 10 s);
              a node silent past --command-timeout (default 30 s) fails the run with one line saying how
              to finish (redis-cli waits forever for a frozen node)
  TLS         the host name is verified (redis-cli checks only the chain); on a mismatch the error names
              the certificate's names: use --sni NAME, or --tls-skip-hostname-check
  Journals    private (0700/0600) in $XDG_STATE_HOME/rcm/journals, else ~/.local/state/rcm/journals;
              rcm resume NAME also looks in the old $TMPDIR/rcm-journals; damaged files get one line
  fix         asks before each open slot and multiple-owner fix too (redis-cli fixes them unasked);
              --cluster-yes answers every question; without it and with stdin at end of input nothing
              changes and the exit status is 1; fixes multiple owners when the non-owner holds keys;
              keeps the copy clients are served (owner in most masters' views, else highest epoch) and
              never overwrites an owner's copy, even with --cluster-replace: differing copies are kept,
              listed (type, size, TTL), exit 1; moves or drops orphan keys; re-points open slots whose
              importing/migrating node failed over to its shard's current master; an elected owner that
              already claims the slot keeps its config epoch (redis-cli bumps it)
  set-timeout per node: in effect and persisted, in effect but not persisted (no config file: redis-cli
              says ERR), or not set; exit 0 when in effect on every node, else 1 (redis-cli: always 0)
  Topology    create polls the join quickly with a deadline; add-node waits quietly until every node knows
              the new one; del-node also removes a node that is down; call asks before destructive
              commands (FLUSHALL, SHUTDOWN, CONFIG SET, ...; --cluster-yes answers)
  Valkey      valkey-cli's option names (--cluster-replica, --cluster-primary-id, --cluster-only-primaries,
              --cluster-use-empty-primaries, --cluster-fix-with-unreachable-primaries) work everywhere; on
              Valkey the texts are valkey-cli's (primaries, replicas) and create of 1-2 primaries asks
  Migrations  reshard moves exactly N slots; BUSYKEY compares DUMP payloads; rebalance groups run in
              parallel; a check after the moves (problems left after up to 5 s: exit 1); import moves
              keys in batches per master (its per-key lines in that order)

Import source over TLS (redis-cli has none): --cluster-from-tls, --cluster-from-cacert FILE,
  --cluster-from-cert FILE, --cluster-from-key FILE, --cluster-from-sni NAME, --cluster-from-insecure

Rebalance by load (rcm's own; redis-cli balances slot counts only):
  --cluster-balance-by M  slots (default: redis-cli's rebalance, unchanged), keys, memory or cpu: the fewest
                          slot moves that bring every master within --cluster-threshold % of its weighted
                          share of M (hot slots out of the hottest master first, never overshooting);
                          --verbose / --cluster-simulate print the expected shares before and after
  --load-budget-ms MS     How long memory sampling may take (default 5000; the rest is estimated)

Migration options (reshard, rebalance, apply, resume):
  --plan-out FILE         Write the plan as JSON and stop (run it later with rcm apply)
  --journal FILE          Where to keep the run's journal (default: a new file in
                          $XDG_STATE_HOME/rcm/journals, else ~/.local/state/rcm/journals)
  --cluster-pipeline N    Fixed keys per MIGRATE batch (default: adaptive, see --budget-ms)
  --budget-ms MS          Latency budget of one MIGRATE for the adaptive batch size (default 2; 25 with --fast)
  --max-client-latency-ms MS
                          Client-latency budget: PING probes to the source and target pace batch size,
                          MIGRATEs in flight and parallel pairs to keep round trips within it (default 1)
  --fast                  No client-latency budget: full speed (maintenance windows)
  --cluster-timeout MS    MIGRATE timeout (default 60000)
  --migration-strategy S  auto (default: each source/target pair moves server-side in one job when both
                          nodes have Redis 8.4+ CLUSTER MIGRATION or Valkey 9 CLUSTER MIGRATESLOTS)
                          or legacy (SETSLOT + MIGRATE, as redis-cli 7); --verbose shows the choice
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
  --tls-skip-hostname-check  Verify the certificate chain but not the host name (as redis-cli 7.0)
  -t, --connect-timeout <s>  Connect timeout in seconds (default 10)
  --command-timeout <s>   A node silent this long while a reply is due counts as lost (default 30;
                          MIGRATE and WAIT get their own timeout on top; 0: wait forever, as redis-cli)
  -4, -6                  Resolve host names to IPv4 / IPv6 addresses only
  --address-map <ann=real>   Reach announced ip:port at host:port (repeatable; NAT, Docker, SSH)

Output:
  --json                  Machine-readable result (topology, summary, findings, journal) on stdout
  --verbose               rcm's own lines on stderr: the journal, the summary (and redis-cli's --verbose)
  --debug                 Where an internal error happened (its stack)
  --help                  This text

`;
