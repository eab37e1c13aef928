import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { verifyWebhookSignature } from '../../src/alerts/routing/webhook-signature';

/** One request as the receiver got it. */
export interface ReceivedWebhook {
  idempotencyKey: string | null;
  eventHeader: string | null;
  signatureValid: boolean;
  signatureReason: string | null;
  rawBody: string;
  body: { id: string; type: string; eventId: string; occurredAt: string; alert: { id: string; status: string } & Record<string, unknown> };
  /** The status it answered with. */
  answered: number;
}

/**
 * A real HTTP webhook receiver for tests, as a customer would write one: it verifies every
 * signature with the exported verifyWebhookSignature on the raw body, records every request, and
 * answers `status` (200 unless told otherwise). `kill` closes the server and destroys open
 * connections (a crash); `start` brings it back on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  status = 200;
  private server: Server | null = null;
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
    const answered = verification.valid ? this.status : 401;
    this.received.push({
      idempotencyKey: (request.headers['idempotency-key'] as string | undefined) ?? null,
      eventHeader: (request.headers['x-credit-monitor-event'] as string | undefined) ?? null,
      signatureValid: verification.valid,
      signatureReason: verification.reason,
      rawBody,
      body: JSON.parse(rawBody),
      answered,
    });
    response.writeHead(answered, { 'content-type': 'text/plain' });
    response.end(answered === 200 ? 'ok' : 'receiver says no');
  }
}

/** Polls `check` until it returns a value (not undefined/false), or fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
