import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppConfig } from '../config/app-config';
import { ApiKeysRepository } from './api-keys.repository';
import { Principal } from './principal';

/** graphql-ws close codes the service uses (4400-4499 are the application's range). */
export const WS_CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  tooManyConnections: 4429,
  messageTooBig: 1009,
  internalError: 1011,
} as const;

/** The only path with a websocket endpoint (graphql-options.ts: `subscriptions['graphql-ws'].path`). */
const GRAPHQL_WS_PATH = '/graphql';

interface ClosableSocket {
  close(code: number, reason: string): void;
}

/**
 * The graphql-ws sockets of this instance and their principals: caps connections per principal,
 * closes a socket when its key is revoked or its credential expires (checked every
 * WS_CREDENTIAL_RECHECK_MS on every instance, so a revocation anywhere reaches all of them), and
 * guards the upgrade itself (origin allow-list, bytes before connection_init).
 */
@Injectable()
export class WsConnections implements OnModuleDestroy {
  private readonly logger = new Logger('WsConnections');
  private readonly sockets = new Map<ClosableSocket, Principal>();
  private readonly perPrincipal = new Map<string, number>();
  private readonly preInit = new WeakMap<IncomingMessage, () => void>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysRepository,
  ) {}

  /**
   * Runs on the HTTP upgrade, before the websocket exists. A browser's Origin must be this
   * service's own or in WS_ALLOWED_ORIGINS (cross-site websocket hijacking); until the
   * connection is initialised, the client may send at most one message's worth of bytes.
   */
  admitUpgrade(req: IncomingMessage, socket: Duplex): boolean {
    // Nest's upgrade handler silently ignores other paths, which would leave the socket open
    // forever with nobody answering it.
    if ((req.url ?? '').split('?')[0] !== GRAPHQL_WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return false;
    }
    const origin = req.headers.origin;
    if (origin && !this.originAllowed(origin, req.headers.host)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      this.logger.warn({ msg: 'websocket origin refused', origin: origin.slice(0, 200) });
      return false;
    }
    return true;
  }

  /**
   * After the websocket took the socket over (its own 'data' listener is attached; adding ours
   * earlier would start the flow before ws listens and lose frames): counts raw bytes until
   * connection_init is accepted and destroys the socket past one message's worth.
   */
  budgetUntilInit(req: IncomingMessage, socket: Duplex): void {
    if (socket.destroyed) return;
    const limit = this.config.graphql.wsMaxMessageBytes + 1024;
    let received = 0;
    const count = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) socket.destroy();
    };
    socket.on('data', count);
    this.preInit.set(req, () => socket.off('data', count));
  }

  /** connection_init arrived: per-message limits take over from the pre-init byte budget. */
  initialised(req: IncomingMessage | undefined): void {
    if (req) this.preInit.get(req)?.();
  }

  /** Registers an authenticated socket; false when the principal has too many open already. */
  add(socket: ClosableSocket, principal: Principal): boolean {
    const open = this.perPrincipal.get(principal.id) ?? 0;
    if (open >= this.config.security.wsMaxConnectionsPerPrincipal) return false;
    this.perPrincipal.set(principal.id, open + 1);
    this.sockets.set(socket, principal);
    this.timer ??= setInterval(() => void this.recheck(), this.config.security.wsCredentialRecheckMs).unref();
    return true;
  }

  remove(socket: ClosableSocket): void {
    const principal = this.sockets.get(socket);
    if (!principal) return;
    this.sockets.delete(socket);
    const open = (this.perPrincipal.get(principal.id) ?? 1) - 1;
    if (open > 0) this.perPrincipal.set(principal.id, open);
    else this.perPrincipal.delete(principal.id);
    if (this.sockets.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Closes sockets whose key was revoked or expired, or whose token expired. */
  private async recheck(): Promise<void> {
    const now = Date.now();
    const keyIds = [...new Set([...this.sockets.values()].map((p) => p.keyId).filter((id): id is string => id !== null))];
    let unusable = new Set<string>();
    try {
      unusable = new Set(await this.keys.unusable(keyIds));
    } catch (error) {
      // Expiry needs no database: still close the expired ones below.
      this.logger.warn({ msg: 'could not re-check websocket credentials', error: (error as Error).message });
    }
    for (const [socket, principal] of this.sockets) {
      const expired = principal.expiresAt !== null && principal.expiresAt.getTime() <= now;
      if (expired || (principal.keyId && unusable.has(principal.keyId))) {
        this.logger.log({ msg: 'closing websocket: credential no longer valid', principal: principal.name });
        socket.close(WS_CLOSE.forbidden, expired ? 'Credential expired' : 'Credential revoked');
        this.remove(socket);
      }
    }
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    const normalised = origin.replace(/\/+$/, '');
    if (this.config.security.wsAllowedOrigins.includes(normalised)) return true;
    try {
      return host !== undefined && new URL(normalised).host === host;
    } catch {
      return false;
    }
  }
}
