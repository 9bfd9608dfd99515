/**
 * Several processes behind one address (`npm run start:cluster`'s API processes): each connection goes to the next
 * backend in turn; one that refuses (down, or being restarted) is passed over for the next, so a client sees a refusal
 * only when every backend refuses.
 */
import net from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export interface TcpBalancer {
  close(): Promise<void>;
}

export async function startTcpBalancer(listen: Backend, backends: readonly Backend[]): Promise<TcpBalancer> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    client.pause();
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const connect = (attempt: number) => {
      const backend = backends[next++ % backends.length];
      const upstream = net.connect(backend.port, backend.host);
      upstream.once('error', () => {
        upstream.destroy();
        if (attempt + 1 < backends.length && !client.destroyed) connect(attempt + 1);
        else client.destroy();
      });
      upstream.once('connect', () => {
        sockets.add(upstream);
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        upstream.once('close', () => {
          sockets.delete(upstream);
          client.destroy();
        });
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    connect(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, resolve);
  });
  return {
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
