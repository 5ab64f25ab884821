/** Free TCP port pairs (client port + cluster bus port) on 127.0.0.1 (or another loopback address). */

import * as net from 'node:net';

export const LOCALHOST = '127.0.0.1';

/** Ports handed out by this process; never handed out twice. */
const handedOut = new Set<number>();

/** Binds `port` (0 = any) on `host`, returns the bound port, then releases it. */
function bindAndRelease(port: number, host = LOCALHOST): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(bound));
    });
  });
}

/** A port the OS reports free right now and that this process never handed out. */
async function freePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await bindAndRelease(0, host);
    if (port === null || handedOut.has(port)) continue;
    if ((await bindAndRelease(port, host)) !== port) continue; // re-verify it is bindable
    if (host !== LOCALHOST && (await bindAndRelease(port)) !== port) continue; // and free on 127.0.0.1 too
    handedOut.add(port);
    return port;
  }
  throw new Error(`Could not find a free TCP port on ${host}`);
}

/** A client port and a distinct bus port, both verified free on `host`. */
export async function allocatePortPair(host = LOCALHOST): Promise<{ port: number; busPort: number }> {
  const port = await freePort(host);
  const busPort = await freePort(host);
  return { port, busPort };
}
