import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { toAlertEvent } from './alert.mapper';
import { AlertEventSink, AlertEventSource } from './alert-event.stream';
import { ALERT_EVENTS_CHANNEL } from './alert-event.writer';
import { AlertEventsRepository, SqlRunner } from './alert-events.repository';
import { AlertEvent } from './models/alert-event.model';

const CATCH_UP_PAGE = 500;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** Heartbeat on the LISTEN connection: finds a half-open socket, and re-reads the log as a safety net. */
const HEARTBEAT_MS = 10_000;
export const LISTENER_APPLICATION_NAME = 'credit-monitor-alert-listener';

/** Table reads on the LISTEN connection itself (not the pool). */
function onClient(client: Client): SqlRunner {
  return async (sql, params) => (await client.query(sql, params)).rows;
}

/**
 * This instance's live alert feed. One dedicated pg connection LISTENs on `alert_events`; a
 * notification only says "something committed": the listener then reads every event with
 * id > the last id it has seen, in id order, and fans them out to this instance's
 * subscriptions. Reading the table (not trusting the notified id) means a lost, coalesced or
 * reordered notification costs nothing.
 *
 * The connection has its own 'error'/'end' handlers and reconnects with capped exponential
 * backoff and jitter; after reconnecting it reads everything it missed from the table, so a
 * PostgreSQL restart delays events but loses none. No module-level state: one per app.
 */
@Injectable()
export class AlertEventsListener implements AlertEventSource, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AlertEventsListener.name);
  private readonly sinks = new Set<AlertEventSink>();
  private client: Client | null = null;
  /** Highest event id fanned out; null until the first connection establishes it. */
  private lastSeenId: number | null = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private draining: Promise<void> | null = null;
  private drainAgain = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly repository: AlertEventsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      this.logger.warn({ msg: 'alert listener could not connect; retrying', error: (error as Error).message });
      this.scheduleReconnect();
    }
    this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const sink of [...this.sinks]) sink.close();
    const client = this.client;
    this.client = null;
    await this.draining?.catch(() => undefined);
    await client?.end().catch(() => undefined);
  }

  /** True while the LISTEN connection is up (for health checks and tests). */
  get listening(): boolean {
    return this.client !== null;
  }

  attach(sink: AlertEventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** Replay reads go through the pool, so a long replay never delays the live feed. */
  async fetchAfter(afterId: number, limit: number): Promise<AlertEvent[]> {
    return (await this.repository.after(afterId, limit)).map(toAlertEvent);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl!, application_name: LISTENER_APPLICATION_NAME, keepAlive: true });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      if (message.channel === ALERT_EVENTS_CHANNEL) void this.drain();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${ALERT_EVENTS_CHANNEL}`);
      if (this.lastSeenId === null) {
        // First connection: start after what is already committed. LISTEN is active before this
        // read, and ids commit in order, so nothing committed later can be missed.
        this.lastSeenId = await this.repository.maxId(onClient(client));
      }
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    if (this.attempt > 0) this.logger.log({ msg: 'alert listener reconnected', attempts: this.attempt, lastSeenId: this.lastSeenId });
    this.attempt = 0;
    // Whatever committed while we were away.
    await this.drain();
  }

  private lost(client: Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.stopped) return;
    this.logger.warn({ msg: 'alert listener connection lost', error: error?.message ?? 'connection ended' });
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempt);
    const delay = Math.round(base * (0.5 + Math.random() / 2));
    this.attempt++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect().catch((error: Error) => {
        this.logger.warn({ msg: 'alert listener reconnect failed', attempt: this.attempt, error: error.message });
        this.scheduleReconnect();
      });
    }, delay);
    this.reconnectTimer.unref();
  }

  private async beat(): Promise<void> {
    const client = this.client;
    if (!client) return;
    try {
      await client.query('SELECT 1');
      await this.drain();
    } catch (error) {
      this.lost(client, error as Error);
    }
  }

  /** One catch-up read at a time; notifications arriving meanwhile trigger one more pass. */
  private drain(): Promise<void> {
    if (this.draining) {
      this.drainAgain = true;
      return this.draining;
    }
    this.draining = this.catchUp()
      .catch((error: Error) => {
        // The connection's own handlers reconnect; the reconnect drains again.
        if (!this.stopped) this.logger.warn({ msg: 'alert event catch-up failed', error: error.message });
      })
      .finally(() => {
        this.draining = null;
      });
    return this.draining;
  }

  private async catchUp(): Promise<void> {
    do {
      this.drainAgain = false;
      let events: AlertEvent[];
      do {
        const client = this.client;
        if (!client || this.lastSeenId === null) return;
        events = (await this.repository.after(this.lastSeenId, CATCH_UP_PAGE, onClient(client))).map(toAlertEvent);
        for (const event of events) {
          this.lastSeenId = Number(event.id);
          for (const sink of this.sinks) sink.push(event);
        }
      } while (events.length === CATCH_UP_PAGE);
    } while (this.drainAgain && !this.stopped);
  }
}
