/**
 * `npm start`: a local sandbox cluster (3 masters + 3 replicas on 127.0.0.1:7000-7005, reused when it
 * already runs) and the extension opened on it, with the sandbox already in the tree — in a desktop
 * VS Code (`code --extensionDevelopmentPath`) when `code` is on PATH, otherwise in the browser-based
 * VS Code of the e2e setup (code-server), whose URL is printed. Env: RCM_PORT (default 7000),
 * RCM_BROWSER=1 to prefer code-server even when `code` exists.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printingTo, renderCheckEvent, renderEvents, renderSandboxEvent, runCheck, sandboxStatus, sandboxUp } from '../../src/engine';
import { streamText } from '../../src/engine/render/output';
import { codeServerInstalled, freePort, REPO, startCodeServer } from './codeServer';

const port = Number(process.env.RCM_PORT ?? 7000);
const seed = `127.0.0.1:${port}`;
const settings = { 'redisClusterManager.clusters': [{ name: `Sandbox :${port}`, seeds: [seed] }] };

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

async function main(): Promise<void> {
  if (sandboxStatus({ port }).exitCode === 0) {
    console.log(`Sandbox cluster already running on ${seed}.`);
  } else {
    if (!onPath('redis-server')) throw new Error('redis-server is not on PATH (Debian/Ubuntu: sudo apt-get install redis-server redis-tools).');
    const up = await sandboxUp({ port, onEvent: printingTo(renderSandboxEvent, (c) => process.stdout.write(c.text)) });
    if (up.exitCode !== 0) throw new Error('the sandbox cluster did not start');
  }
  process.stdout.write(streamText(renderEvents((await runCheck({ host: '127.0.0.1', port })).events, renderCheckEvent), 'stdout'));

  if (onPath('code') && !process.env.RCM_BROWSER) {
    const workspace = join(tmpdir(), `rcm-dev-workspace-${port}`);
    mkdirSync(join(workspace, '.vscode'), { recursive: true });
    writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    spawn('code', [`--extensionDevelopmentPath=${REPO}`, workspace], { detached: true, stdio: 'ignore' }).unref();
    console.log(`\nOpened VS Code with the extension under development on ${workspace}: the "Redis Cluster" view lists Sandbox :${port}.`);
    console.log(`Stop the sandbox with: npm run rcm -- sandbox down${port === 7000 ? '' : ` --port ${port}`}`);
    return;
  }
  if (!codeServerInstalled()) {
    console.log(
      '\nThe sandbox cluster is running and checked (above). To see it in VS Code: there is no desktop VS Code (`code`) on PATH and no code-server installed.',
    );
    console.log('Either install the browser-based VS Code of the e2e setup (a few minutes, outside the repo):  npm run e2e:install');
    console.log('or install the extension into your VS Code:  npm run package && code --install-extension redis-cluster-manager.vsix');
    console.log(`Then run npm start again. Stop the sandbox with: npm run rcm -- sandbox down${port === 7000 ? '' : ` --port ${port}`}`);
    return;
  }
  const csPort = await freePort(8470, 8479);
  const cs = await startCodeServer({ port: csPort, stateDir: join(tmpdir(), `rcm-dev-code-server-${csPort}`), workspaceSettings: settings });
  console.log(`\nVS Code (code-server) with the extension under development, the sandbox cluster in the "Redis Cluster" view:\n\n  ${cs.url({ dev: true })}\n`);
  console.log('Open that URL in a browser on this machine. Ctrl-C stops code-server (the sandbox keeps running;');
  console.log(`stop it with: npm run rcm -- sandbox down${port === 7000 ? '' : ` --port ${port}`}).`);
  const stop = (): void => {
    void cs.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await new Promise(() => undefined);
}

main().catch((e: unknown) => {
  console.error(`npm start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
