import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A userspace TCP proxy that delays every chunk by a fixed time in each direction, one listening port
 * per target (the kernel here has no netem). 15 ms each way makes a 30 ms round trip, like a
 * province-to-prefecture link. Order is kept: every chunk of a direction waits the same time, and
 * Node fires timers of equal duration in the order they were set.
 *
 * Round trips are counted per target as request/response exchanges: each time data comes back from
 * the server after the client has sent something since the server last spoke. That is the number of
 * times the client had to wait for an answer, so exchanges × (2 × delay) is the least wall time
 * the link adds to a host (it adds more only where the client sends a burst without waiting).
 */
export interface LatencyProxy {
  /** the local port standing in for each target, in the targets' order */
  ports: number[];
  /** request/response exchanges through target i so far (all its connections) */
  exchanges(i: number): number;
  /** connections through target i so far */
  connections(i: number): number;
  close(): Promise<void>;
}

export async function startLatencyProxy(targets: Array<{ address: string; port: number }>, delayMs: number): Promise<LatencyProxy> {
  const exchanges = targets.map(() => 0);
  const conns = targets.map(() => 0);
  const sockets = new Set<Socket>();
  const servers: Server[] = [];
  const later = (f: () => void) => (delayMs > 0 ? setTimeout(f, delayMs) : f());
  for (const [i, target] of targets.entries()) {
    const server = createServer((client) => {
      conns[i]!++;
      const upstream = connect(target.port, target.address);
      for (const s of [client, upstream]) {
        s.setNoDelay(true);
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
      }
      let clientSpoke = false;
      client.on('data', (chunk) => {
        clientSpoke = true;
        later(() => upstream.write(chunk));
      });
      upstream.on('data', (chunk) => {
        if (clientSpoke) exchanges[i]!++;
        clientSpoke = false;
        later(() => client.write(chunk));
      });
      client.on('end', () => later(() => upstream.end()));
      upstream.on('end', () => later(() => client.end()));
      // an error on one side ends the other too (after the same delay, as a reset would travel)
      client.on('error', () => later(() => upstream.destroy()));
      upstream.on('error', () => later(() => client.destroy()));
    });
    await new Promise<void>((res, rej) => server.once('error', rej).listen(0, '127.0.0.1', () => res()));
    servers.push(server);
  }
  return {
    ports: servers.map((s) => (s.address() as { port: number }).port),
    exchanges: (i) => exchanges[i]!,
    connections: (i) => conns[i]!,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}
