import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LoopbackListener = {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Drops open connections (keep-alive, streams) and resolves once the server has closed. */
  close(): Promise<void>;
};

/** Listens on 127.0.0.1 (`port` 0: any free one) and resolves once it does; rejects if it cannot. */
export async function listenOnLoopback(server: Server, port = 0): Promise<LoopbackListener> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${bound}`,
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
