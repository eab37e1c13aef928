import { Injectable, Logger } from '@nestjs/common';
import type { Context } from 'graphql-ws';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DomainError } from '../common/errors/domain-error';
import { AuthenticationService } from './authentication.service';
import { Principal } from './principal';
import { WS_CLOSE, WsConnections } from './ws-connections';

/** `WebSocket.OPEN` of the ws package. */
const WS_OPEN = 1;

/** What the service keeps on each graphql-ws connection (graphql-ws's `extra`). */
export interface WsExtra {
  socket: { close(code: number, reason: string): void; readyState?: number };
  request: IncomingMessage;
  principal?: Principal;
  connectionId?: string;
}

/**
 * Authentication for graphql-ws: `connection_init` must carry `{ "authorization": "Bearer <key>" }`;
 * nothing can be subscribed before it is accepted. graphql-options.ts calls these hooks (the
 * websocket path skips Apollo's HTTP pipeline, so it gets its own).
 */
@Injectable()
export class GraphqlWsSecurity {
  private readonly logger = new Logger('WsSecurity');

  constructor(
    private readonly authentication: AuthenticationService,
    readonly connections: WsConnections,
  ) {}

  async onConnect(ctx: Context<Record<string, unknown> | undefined, WsExtra>): Promise<boolean> {
    const extra = ctx.extra;
    this.connections.initialised(extra.request);
    const params = ctx.connectionParams ?? {};
    const authorization =
      typeof params.authorization === 'string'
        ? params.authorization
        : typeof params.Authorization === 'string'
          ? params.Authorization
          : undefined;
    let principal: Principal;
    try {
      principal = await this.authentication.authenticate(authorization);
    } catch (error) {
      if (!(error instanceof DomainError)) {
        // The check itself failed (database unreachable): 1011, so clients retry rather than
        // treating a good credential as rejected (4401).
        this.logger.error({ msg: 'websocket credential check failed', error: (error as Error).message });
        extra.socket.close(WS_CLOSE.internalError, 'Credentials could not be checked; retry later');
        return false;
      }
      extra.socket.close(WS_CLOSE.unauthorized, error.message.slice(0, 120));
      return false;
    }
    // The client may have gone while its credential was checked: its close (and the release in
    // onDisconnect) already happened, so registering it now would hold a slot forever.
    if (extra.socket.readyState !== undefined && extra.socket.readyState !== WS_OPEN) return false;
    if (!this.connections.add(extra.socket, principal)) {
      this.logger.warn({ msg: 'websocket refused: too many connections', principal: principal.name });
      extra.socket.close(WS_CLOSE.tooManyConnections, 'Too many connections for this principal');
      return false;
    }
    extra.principal = principal;
    extra.connectionId = randomUUID();
    return true;
  }

  onDisconnect(ctx: Context<Record<string, unknown> | undefined, WsExtra>): void {
    this.connections.remove(ctx.extra.socket);
  }
}
