import { createServer, Socket, type AddressInfo } from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  readonly url: string;
  close(): Promise<void>;
}

/** True when something accepts TCP connections at the broker URL's host and port within `timeoutMs`. */
export async function mqttAnswers(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.connect(Number(port || 1883), hostname, () => {
      done(true);
    });
  });
}

/**
 * An in-process MQTT broker (aedes) on 127.0.0.1, so `npm start -- --fleet vda5050` runs on a machine
 * without Mosquitto. Retained messages and QoS 1 work as VDA 5050 needs them (connection, factsheet);
 * nothing is kept on disk. Tests use the real Mosquitto.
 */
export async function startEmbeddedBroker(port = 0): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server = createServer((socket) => {
    broker.handle(socket);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        broker.close(() => {
          server.close(() => {
            resolve();
          });
        });
      }),
  };
}
