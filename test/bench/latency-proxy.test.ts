/**
 * The latency bench's proxy (bench/latency-proxy.ts): each direction waits the set delay, bytes
 * arrive whole and in order, and round trips are counted as request/response exchanges.
 */
import test from 'ava';
import { connect, createServer, type Socket } from 'node:net';
import { startLatencyProxy } from '../../bench/latency-proxy.js';

test('adds the delay each way, keeps order, counts one exchange per answer the client waited for', async (t) => {
  // an echo server on a port of its own
  const server = createServer((s) => s.on('data', (d) => s.write(d)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const proxy = await startLatencyProxy([{ address: '127.0.0.1', port: (server.address() as { port: number }).port }], 40);
  t.teardown(() => proxy.close());
  const sock: Socket = connect(proxy.ports[0]!, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  let got = '';
  sock.on('data', (d) => (got += d.toString()));
  const ask = async (msg: string) => {
    const want = got + msg;
    const t0 = performance.now();
    sock.write(msg);
    while (got !== want) await new Promise((r) => setTimeout(r, 2));
    return performance.now() - t0;
  };
  const rtts = [await ask('one'), await ask('two'), await ask('three')];
  for (const ms of rtts) t.true(ms >= 79, `a round trip takes at least 2 × 40 ms: ${ms.toFixed(1)}`);
  // a burst of writes without waiting is one exchange, delivered in order
  const burst = Array.from({ length: 200 }, (_, i) => `<${i}>`).join('');
  for (let i = 0; i < 200; i++) sock.write(`<${i}>`);
  while (got.length < 'onetwothree'.length + burst.length) await new Promise((r) => setTimeout(r, 2));
  t.is(got, 'onetwothree' + burst);
  t.is(proxy.connections(0), 1);
  t.true(proxy.exchanges(0) >= 4 && proxy.exchanges(0) < 50, `3 exchanges plus the burst (a few: its pieces may interleave with answers), not one per chunk: ${proxy.exchanges(0)}`);
  sock.destroy();
});
