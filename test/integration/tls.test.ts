/**
 * TLS on every node connection: CA verification, client certificates, SNI,
 * --insecure, and a clear error for a wrong CA. The cluster announces its
 * plain ports; --address-map sends rcm to each node's TLS port, which also
 * proves the address map for a cluster reached through other addresses.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeCerts } from '../helpers/certs';
import { allocatePortPair } from '../helpers/ports';
import { createCluster, populate, stopAllNodes, type TestCluster } from '../helpers/redisCluster';
import { runRcm } from '../helpers/rcm';

after(() => stopAllNodes());

describe('TLS connections', () => {
  let cluster: TestCluster;
  let dir: string;
  const tlsPort = new Map<number, number>();
  let maps: string[];
  let entry: string;

  before(async () => {
    dir = makeCerts({ otherCa: true });
    cluster = await createCluster({ masters: 3 });
    await populate(cluster, 1000);
    for (const n of cluster.nodes) {
      const { port } = await allocatePortPair();
      const c = cluster.client(n);
      await c.call(
        'CONFIG',
        'SET',
        'tls-cert-file',
        join(dir, 'server.crt'),
        'tls-key-file',
        join(dir, 'server.key'),
        'tls-ca-cert-file',
        join(dir, 'ca.crt'),
        'tls-auth-clients',
        'yes',
      );
      await c.call('CONFIG', 'SET', 'tls-port', String(port));
      tlsPort.set(n.port, port);
    }
    maps = cluster.nodes.flatMap((n) => ['--address-map', `127.0.0.1:${n.port}=127.0.0.1:${tlsPort.get(n.port)}`]);
    entry = `127.0.0.1:${tlsPort.get(cluster.entry.port)}`;
  });
  after(async () => {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const tlsArgs = () => ['--tls', '--cacert', join(dir, 'ca.crt'), '--cert', join(dir, 'client.crt'), '--key', join(dir, 'client.key')];

  test('check over TLS with CA + client certificate prints what the plain check prints', async () => {
    const plain = await runRcm(['check', cluster.entry.addr]);
    const tls = await runRcm(['check', entry, ...tlsArgs(), '--sni', 'localhost', ...maps]);
    assert.equal(tls.code, 0, tls.stdout + tls.stderr);
    assert.equal(tls.stdout.replaceAll(entry, cluster.entry.addr), plain.stdout);
  });

  test('a certificate from another CA is refused with a TLS error; --insecure accepts it', async () => {
    const bad = await runRcm([
      'check',
      entry,
      '--tls',
      '--cacert',
      join(dir, 'other-ca.crt'),
      '--cert',
      join(dir, 'client.crt'),
      '--key',
      join(dir, 'client.key'),
      ...maps,
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /TLS Error: /);
    assert.match(bad.stderr, /rcm: TLS handshake with 127\.0\.0\.1:\d+ failed: the node's certificate is not signed by a trusted CA/);
    const insecure = await runRcm(['check', entry, '--tls', '--insecure', '--cert', join(dir, 'client.crt'), '--key', join(dir, 'client.key'), ...maps]);
    assert.equal(insecure.code, 0, insecure.stdout + insecure.stderr);
  });

  test('plain TCP to a TLS port, and TLS without a client certificate, fail with a clear error', async () => {
    const plainToTls = await runRcm(['check', entry, '-t', '2']);
    assert.equal(plainToTls.code, 1);
    assert.match(plainToTls.stderr, /does it expect TLS\? then add --tls|timed out/);
    const noCert = await runRcm(['check', entry, '--tls', '--cacert', join(dir, 'ca.crt'), ...maps]);
    assert.equal(noCert.code, 1);
    assert.match(noCert.stderr, /requires a client certificate: give --cert and --key/);
  });

  test("host-name mismatch: the message names the certificate's names and the way out; --tls-skip-hostname-check verifies the chain only", async () => {
    const wrong = await runRcm(['check', entry, ...tlsArgs(), '--sni', 'wrong.example', ...maps]);
    assert.equal(wrong.code, 1);
    const rcmLines = wrong.stderr.split('\n').filter((l) => l.startsWith('rcm: '));
    assert.equal(rcmLines.length, 1, wrong.stderr);
    assert.match(rcmLines[0]!, /wrong\.example is not among the certificate's names \(CN=localhost, IP Address:127\.0\.0\.1, DNS:localhost\)/);
    assert.match(rcmLines[0]!, /give --sni NAME with one of them, or --tls-skip-hostname-check/);
    const skipped = await runRcm(['check', entry, ...tlsArgs(), '--sni', 'wrong.example', '--tls-skip-hostname-check', ...maps]);
    assert.equal(skipped.code, 0, skipped.stdout + skipped.stderr);
    assert.equal(skipped.stderr, '');
    // The chain is still verified with --tls-skip-hostname-check.
    const otherCa = await runRcm([
      'check',
      entry,
      '--tls',
      '--cacert',
      join(dir, 'other-ca.crt'),
      '--cert',
      join(dir, 'client.crt'),
      '--key',
      join(dir, 'client.key'),
      '--tls-skip-hostname-check',
      ...maps,
    ]);
    assert.equal(otherCa.code, 1);
    assert.match(otherCa.stderr, /not signed by a trusted CA/);
  });
});
