import net from 'node:net';

export interface TcpGate {
  /** 127.0.0.1 port that forwards to the target while the gate is up. */
  port: number;
  /** Drops every connection and refuses new ones (closed as soon as accepted): the server looks down. */
  down(): void;
  up(): void;
  close(): Promise<void>;
}

/** A TCP forwarder that can play its target being down, e.g. the case store during an outage. */
export async function startTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  let open = true;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) sockets.add(s);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dropAll = () => {
    for (const s of sockets) s.destroy();
    sockets.clear();
  };
  return {
    port: (server.address() as net.AddressInfo).port,
    down: () => {
      open = false;
      dropAll();
    },
    up: () => {
      open = true;
    },
    close: async () => {
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
