// A real SMTP server on a loopback port (smtp-server), which keeps every mail it receives, decoded enough to read:
// headers, subject and the text and HTML parts. It can be stopped and started again on the same port.
import net from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  headers: Map<string, string>;
  subject: string;
  messageId: string;
  text: string | undefined;
  html: string | undefined;
  raw: string;
}

export class TestSmtpServer {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  /** While stopped, the port is held by a listener that drops every connection, so no other process takes it. */
  private holder: net.Server | undefined;
  private waiters = new Set<() => void>();

  private constructor(public port: number) {}

  /** A server listening on 127.0.0.1 (on `port`, or a free one). */
  static async start(port = 0): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(port);
    await smtp.start();
    return smtp;
  }

  /** nodemailer's URL for it: plain SMTP on loopback, no STARTTLS. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}?ignoreTLS=true`;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    await this.release();
    const server = new SMTPServer({
      authOptional: true, disabledCommands: ['STARTTLS'], logger: false, closeTimeout: 200,
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          this.mails.push({ ...parseMessage(raw), envelopeTo: session.envelope.rcptTo.map((r) => r.address), raw });
          for (const waiter of this.waiters) waiter();
          callback();
        });
      },
    });
    // A client's connection that breaks (a Vardag process killed with SIGKILL mid-mail, as the crash tests do) is an
    // 'error' of the SMTP server; unheard, it would end the test process.
    server.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        this.port = (server.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
    this.server = server;
  }

  /**
   * Stops serving SMTP, as a server that is down: every connection is dropped. The port stays held (a restart must not
   * find it taken by another process's socket); `close()` gives it back.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const holder = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      holder.once('error', reject);
      holder.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.holder = holder;
  }

  /** Stops for good and gives the port back. */
  async close(): Promise<void> {
    await this.stop();
    await this.release();
  }

  private async release(): Promise<void> {
    const holder = this.holder;
    this.holder = undefined;
    if (holder) await new Promise<void>((resolve) => holder.close(() => resolve()));
  }

  /** Resolves once `count` mails have arrived in all. */
  waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMail[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.mails.length < count) return;
        done();
        resolve(this.mails);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.mails.length} of ${count} mails arrived in ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Just enough MIME to read what nodemailer writes: folded headers, RFC 2047 subjects, multipart/alternative with
// quoted-printable, base64 or 7bit parts.

function parseMessage(raw: string): Omit<ReceivedMail, 'envelopeTo' | 'raw'> {
  const { headers, body } = splitEntity(raw.replace(/\r\n/g, '\n'));
  const found: { text?: string; html?: string } = {};
  collectParts(headers, body, found);
  return {
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    text: found.text,
    html: found.html,
  };
}

function splitEntity(entity: string): { headers: Map<string, string>; body: string } {
  const end = entity.indexOf('\n\n');
  const head = end < 0 ? entity : entity.slice(0, end);
  const body = end < 0 ? '' : entity.slice(end + 2);
  const headers = new Map<string, string>();
  for (const line of head.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { headers, body };
}

function collectParts(headers: Map<string, string>, body: string, found: { text?: string; html?: string }): void {
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = type.match(/boundary="?([^";]+)"?/i)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    for (const section of sections) {
      if (section.startsWith('--')) break;
      const part = splitEntity(section.replace(/^\n/, ''));
      collectParts(part.headers, part.body, found);
    }
    return;
  }
  const decoded = decodeBody(body, headers.get('content-transfer-encoding') ?? '7bit');
  if (/^text\/html/i.test(type)) found.html = decoded;
  else if (/^text\/plain/i.test(type)) found.text = decoded;
}

function decodeBody(body: string, encoding: string): string {
  if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body);
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return body.replace(/\n$/, '');
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text.replace(/=\n/g, '').replace(/\n$/, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and ?B?), with the white space between two of them dropped. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, text: string) => {
    if (kind.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
    return decodeQuotedPrintable(text.replace(/_/g, ' '));
  });
}
