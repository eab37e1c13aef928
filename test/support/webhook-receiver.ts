import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { verifyWebhookSignature } from '../../src/alerts/routing/webhook-signature';
import { freePort } from './ports';

/** One request as the receiver got it. */
export interface ReceivedWebhook {
  idempotencyKey: string | null;
  eventHeader: string | null;
  signatureValid: boolean;
  signatureReason: string | null;
  rawBody: string;
  body: { id: string; type: string; eventId: string; occurredAt: string; alert: { id: string; status: string } & Record<string, unknown> };
  /** Date.now() when the request body had arrived. */
  receivedAt: number;
  /** The status it answered with (null while the answer is held back, see `hold`). */
  answered: number | null;
}

/**
 * A real HTTP webhook receiver for tests, as a customer would write one: it verifies every
 * signature with the exported verifyWebhookSignature on the raw body, records every request, and
 * answers `status` (200 unless told otherwise). `kill` closes the server and destroys open
 * connections (a crash); `start` brings it back on the same port. `hold()` keeps the answers of
 * the requests that arrive from then on until `release()` (a request in flight, for as long as
 * the test needs).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status = 200;
  private server: Server | null = null;
  private held: Promise<void> | null = null;
  private releaseHeld: (() => void) | null = null;
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly secret: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<void> {
    const server = createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async kill(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Requests arriving from now on are recorded at once but answered only after release(). */
  hold(): void {
    if (this.held) return;
    this.held = new Promise((resolve) => (this.releaseHeld = resolve));
  }

  release(): void {
    this.releaseHeld?.();
    this.held = null;
    this.releaseHeld = null;
  }

  /** Distinct idempotency keys received so far. */
  keys(): Set<string> {
    return new Set(this.received.map((r) => r.idempotencyKey ?? ''));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const header = request.headers['x-credit-monitor-signature'];
    const verification = verifyWebhookSignature(this.secret, typeof header === 'string' ? header : undefined, rawBody, new Date());
    const record: ReceivedWebhook = {
      idempotencyKey: (request.headers['idempotency-key'] as string | undefined) ?? null,
      eventHeader: (request.headers['x-credit-monitor-event'] as string | undefined) ?? null,
      signatureValid: verification.valid,
      signatureReason: verification.reason,
      rawBody,
      body: JSON.parse(rawBody),
      answered: null,
      receivedAt: Date.now(),
    };
    this.received.push(record);
    if (this.held) await this.held;
    const answered = verification.valid ? this.status : 401;
    record.answered = answered;
    response.writeHead(answered, { 'content-type': 'text/plain' });
    response.end(answered === 200 ? 'ok' : 'receiver says no');
  }
}

/**
 * A receiver on a free port for the calling describe block: started in its beforeAll, killed in
 * its afterAll. Call it before useServices, whose env reads `receiver.url` when they start (hooks
 * run in declaration order).
 */
export function useWebhookReceiver(secret: string): { readonly receiver: WebhookReceiver } {
  let receiver: WebhookReceiver | undefined;
  beforeAll(async () => {
    receiver = new WebhookReceiver(secret, await freePort());
    await receiver.start();
  });
  afterAll(async () => {
    receiver?.release();
    await receiver?.kill();
  });
  return {
    get receiver(): WebhookReceiver {
      if (!receiver) throw new Error('useWebhookReceiver: the receiver starts in beforeAll; read it inside a hook or a test');
      return receiver;
    },
  };
}
