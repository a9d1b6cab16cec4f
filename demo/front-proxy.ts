import { request, createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

/**
 * The cluster demo's load balancer (what a plant puts in front of its instances: nginx, HAProxy, a
 * Kubernetes Service): one port, requests round robin over the instances, a request whose instance does
 * not take the connection tried on the next (nothing reached the dead one, so nothing is done twice),
 * WebSocket upgrades (`/v1/live`) piped to one instance. Demo wiring only.
 */
export class FrontProxy {
  private next = 0;
  private readonly server: Server;

  constructor(private readonly backends: () => readonly { readonly host: string; readonly port: number }[]) {
    this.server = createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        this.forward(req, Buffer.concat(body), 0, (status, headers, stream) => {
          res.writeHead(status, headers);
          if (stream) stream.pipe(res);
          else
            res.end(
              JSON.stringify({ type: '/problems/not-ready', status: 503, title: 'No instance answers' }),
            );
        });
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, client: Socket, head: Buffer) => {
      this.upgrade(req, client, head, 0);
    });
  }

  async listen(host: string, port: number): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, resolve);
    });
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) =>
      this.server.close(() => {
        resolve();
      }),
    );
  }

  private pick(attempt: number): { host: string; port: number } | undefined {
    const all = this.backends();
    if (attempt >= all.length || all.length === 0) return undefined;
    if (attempt === 0) this.next += 1;
    return all[(this.next + attempt) % all.length];
  }

  private forward(
    req: IncomingMessage,
    body: Buffer,
    attempt: number,
    answer: (
      status: number,
      headers: Record<string, string | string[] | undefined>,
      stream?: IncomingMessage,
    ) => void,
  ): void {
    const backend = this.pick(attempt);
    if (!backend) {
      answer(503, { 'content-type': 'application/problem+json', 'retry-after': '2' });
      return;
    }
    const out = request({ ...backend, method: req.method, path: req.url, headers: req.headers }, (res) => {
      answer(res.statusCode ?? 502, res.headers, res);
    });
    out.on('error', (err: NodeJS.ErrnoException) => {
      // Refused: the instance is down and got nothing; the next one may answer.
      if (err.code === 'ECONNREFUSED') this.forward(req, body, attempt + 1, answer);
      else answer(502, { 'content-type': 'application/problem+json' });
    });
    out.end(body);
  }

  private upgrade(req: IncomingMessage, client: Socket, head: Buffer, attempt: number): void {
    const backend = this.pick(attempt);
    if (!backend) {
      client.destroy();
      return;
    }
    let connected = false;
    const upstream = connect(backend.port, backend.host, () => {
      connected = true;
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        lines.push(`${req.rawHeaders[i]!}: ${req.rawHeaders[i + 1]!}`);
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    upstream.on('error', () => {
      if (!connected) this.upgrade(req, client, head, attempt + 1);
      else client.destroy();
    });
    client.on('error', () => upstream.destroy());
  }
}
