// A local stand-in for 46elks' SMS API (POST /a1/sms, a form of from/to/message, HTTP Basic auth) on a loopback port,
// which keeps every request it gets. It can answer with an error, and be stopped and started again on the same port.
import http from 'node:http';
import type net from 'node:net';

export interface ReceivedSms {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The Basic auth credentials, decoded; undefined without them. */
  auth: { username: string; password: string } | undefined;
  form: Record<string, string>;
  /** The status this server answered with. */
  status: number;
}

export class TestSmsGateway {
  /** Every request that reached the server, answered or not. */
  readonly requests: ReceivedSms[] = [];
  /** The status to answer with: 200 takes the SMS; anything else refuses it. */
  status = 200;
  private server: http.Server | undefined;
  private ids = 0;

  private constructor(public port: number, readonly credentials: { username: string; password: string }) {}

  static async start(credentials = { username: 'u0123456789abcdef', password: 'hemligt-API-lösen' }): Promise<TestSmsGateway> {
    const gateway = new TestSmsGateway(0, credentials);
    await gateway.start();
    return gateway;
  }

  /** The URL to configure, 46elks' path on this server. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/a1/sms`;
  }

  /** The SMS it took (answered 200 with correct credentials). */
  get delivered(): ReceivedSms[] {
    return this.requests.filter((r) => r.status === 200);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const header = req.headers.authorization ?? '';
        const decoded = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : undefined;
        const auth = decoded === undefined ? undefined
          : { username: decoded.slice(0, decoded.indexOf(':')), password: decoded.slice(decoded.indexOf(':') + 1) };
        const form = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
        const authorised = auth?.username === this.credentials.username && auth.password === this.credentials.password;
        const status = !authorised ? 401 : this.status;
        this.requests.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'], auth, form, status });
        if (status === 401) return void res.writeHead(401, { 'Content-Type': 'text/plain' }).end('API access requires Basic HTTP authentication');
        if (status !== 200) return void res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`Test gateway says ${status}`);
        const id = `s${(++this.ids).toString(16).padStart(32, '0')}`;
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({
          status: 'created', direction: 'outgoing', from: form.from, to: form.to, message: form.message, id, created: new Date().toISOString(),
          parts: 1, estimated_cost: 5200,
        }));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.address() as net.AddressInfo).port;
        resolve();
      });
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
