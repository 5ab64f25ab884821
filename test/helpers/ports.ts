/** Free TCP port pairs (client port + cluster bus port) on 127.0.0.1. */

import * as net from 'node:net';

export const LOCALHOST = '127.0.0.1';

/** Ports handed out by this process; never handed out twice. */
const handedOut = new Set<number>();

/** Binds `port` (0 = any) on 127.0.0.1, returns the bound port, then releases it. */
function bindAndRelease(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host: LOCALHOST, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** A port the OS reports free right now and that this process never handed out. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindAndRelease(0);
    if (port === null || handedOut.has(port)) continue;
    if ((await bindAndRelease(port)) !== port) continue; // re-verify it is bindable
    handedOut.add(port);
    return port;
  }
  throw new Error('Could not find a free TCP port on 127.0.0.1');
}

/** A client port and a distinct bus port, both verified free. */
export async function allocatePortPair(): Promise<{ port: number; busPort: number }> {
  const port = await freePort();
  const busPort = await freePort();
  return { port, busPort };
}
