import { connect as connectTcp } from 'node:net';
import WebSocket from 'ws';
import { WS_CLOSE } from '../../src/security/ws-connections';
import { IssuedKey } from '../support/keys';
import { TestService } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';
import { useServices } from '../support/services';
import { ALERT_CHANGED, connectWs, ReceivedEvent, WsTestClient } from '../support/ws-client';
import { MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(120_000);

const MAX_MESSAGE_BYTES = 65_536;
const ALLOWED_ORIGIN = 'https://console.example.test';
const PROTOCOL = 'graphql-transport-ws';
/** graphql-ws closes a socket that sends nothing acceptable within connectionInitWaitTimeout with this. */
const INIT_TIMEOUT_CODE = 4408;
/** A deadline ("within a few seconds"), never a timing assertion. */
const DEADLINE_MS = 5_000;

const OVERRIDES = {
  GRAPHQL_WS_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES),
  WS_ALLOWED_ORIGINS: `${ALLOWED_ORIGIN}, https://other.example.test`,
  WS_MAX_CONNECTIONS_PER_PRINCIPAL: '2',
  WS_CREDENTIAL_RECHECK_MS: '300',
};

function within<T>(work: Promise<T>, what: string, ms = DEADLINE_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** What became of a raw websocket: opened, refused at the upgrade with an HTTP status, or failed. */
type Upgrade = { kind: 'open' } | { kind: 'refused'; status: number } | { kind: 'error'; message: string };

interface RawSocket {
  ws: WebSocket;
  upgrade: Promise<Upgrade>;
  closed: Promise<number>;
  messages: string[];
}

function rawSocket(httpUrl: string, options: { origin?: string; protocol?: string | null } = {}): RawSocket {
  const protocol = options.protocol === undefined ? PROTOCOL : options.protocol;
  const ws = new WebSocket(
    `${httpUrl.replace(/^http/, 'ws')}/graphql`,
    protocol === null ? [] : [protocol],
    options.origin ? { origin: options.origin } : {},
  );
  const messages: string[] = [];
  ws.on('message', (data: Buffer) => messages.push(data.toString()));
  const upgrade = new Promise<Upgrade>((resolve) => {
    ws.once('open', () => resolve({ kind: 'open' }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (error) => resolve({ kind: 'error', message: error.message }));
  });
  // Errors after opening (the server destroying the socket mid-send) only end in 'close'.
  ws.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, upgrade, closed, messages };
}

/** Resolves once the server acknowledged connection_init; rejects if the socket closes first. */
function acknowledged(client: WsTestClient): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    client.client.on('connected', () => resolve());
    void client.closed.then((code) => reject(new Error(`socket closed with ${code} before connection_ack`)));
  });
}

describe('graphql-ws security (real service, real websockets)', () => {
  const fixture = useServiceFixture(OVERRIDES);
  const clients: WsTestClient[] = [];
  const raws: RawSocket[] = [];
  let model = 0;
  const nextModel = (): string => `${MODEL}-ws-security-${++model}`;

  const connect = (
    service: TestService,
    key: IssuedKey | { headers: { authorization: string } } | null,
    options: { origin?: string } = {},
  ): WsTestClient => {
    const client = connectWs(service.url, key, options);
    clients.push(client);
    return client;
  };
  const raw = (options: { origin?: string; protocol?: string | null } = {}): RawSocket => {
    const socket = rawSocket(fixture.service.url, options);
    raws.push(socket);
    return socket;
  };

  afterAll(async () => {
    for (const socket of raws) socket.ws.terminate();
    for (const client of clients) await client.dispose();
  });

  async function lastEventId(): Promise<string> {
    return (await fixture.sql.query(`SELECT coalesce(max(id), 0)::text AS id FROM alert_events`)).rows[0].id as string;
  }

  async function expectStillServing(): Promise<void> {
    const health = await fixture.service.fetch('/health', {}, null);
    expect(health.status).toBe(200);
    const viewer = await fixture.service.issueKey('viewer');
    const client = connect(fixture.service, viewer);
    await within(acknowledged(client), 'a fresh connection after the attack');
    await client.dispose();
  }

  describe('connection_init credentials', () => {
    async function expectRefused(key: { headers: { authorization: string } } | null): Promise<void> {
      const client = connect(fixture.service, key);
      const recording = client.subscribe<ReceivedEvent>(ALERT_CHANGED);
      expect(await within(client.closed, 'close after a refused connection_init')).toBe(WS_CLOSE.unauthorized);
      // The subscribe message is never sent without connection_ack, so nothing can have run.
      expect(recording.received).toHaveLength(0);
      await client.dispose();
    }

    it('closes with 4401 when connection_init carries no credentials', async () => {
      await expectRefused(null);
    });

    it('closes with 4401 for a garbage credential and for a well-formed but unknown key', async () => {
      await expectRefused({ headers: { authorization: 'Bearer not-a-key' } });
      await expectRefused({ headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
      await expectRefused({ headers: { authorization: `Bearer cmk_${'0'.repeat(16)}_${'A'.repeat(43)}` } });
    });

    it('closes with 4401 for a revoked key', async () => {
      const viewer = await fixture.service.issueKey('viewer');
      const revoked = await fixture.service.gql(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { revokedAt } }`, {
        input: { id: viewer.id },
      });
      expect(revoked.errors).toBeUndefined();
      await expectRefused(viewer);
    });

    it('closes with 4401 for an expired key', async () => {
      const viewer = await fixture.service.issueKey('viewer', { expiresAt: new Date(Date.now() + 3_600_000) });
      // Keys cannot be created already expired; move this one's expiry into the past.
      await fixture.sql.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [viewer.id]);
      await expectRefused(viewer);
    });

    it('accepts a valid key, and closes its socket with 4403 once the key expires while connected', async () => {
      const viewer = await fixture.service.issueKey('viewer', { expiresAt: new Date(Date.now() + 1_500) });
      const client = connect(fixture.service, viewer);
      await within(acknowledged(client), 'connection_ack for a valid key');
      expect(await within(client.closed, 'close after the key expired')).toBe(WS_CLOSE.forbidden);
    });
  });

  describe('bytes before connection_init', () => {
    it('destroys a socket whose very first frame (2 MB, before connection_init) exceeds the message limit, and keeps serving', async () => {
      const socket = raw();
      expect(await within(socket.upgrade, 'upgrade')).toEqual({ kind: 'open' });
      socket.ws.send('x'.repeat(2 * 1024 * 1024));
      const code = await within(socket.closed, 'the server cutting the oversized frame');
      // Cut off (1006, no close frame) or 1009; not graphql-ws's own 3 s init timeout.
      expect([1006, WS_CLOSE.messageTooBig]).toContain(code);
      expect(code).not.toBe(INIT_TIMEOUT_CODE);
      expect(socket.messages).toHaveLength(0);
      await expectStillServing();
    });

    it('destroys a socket whose connection_init message itself is oversized (even with a valid key)', async () => {
      const socket = raw();
      expect(await within(socket.upgrade, 'upgrade')).toEqual({ kind: 'open' });
      const init = {
        type: 'connection_init',
        payload: { authorization: fixture.service.adminKey.headers.authorization, padding: 'p'.repeat(2 * 1024 * 1024) },
      };
      socket.ws.send(JSON.stringify(init));
      const code = await within(socket.closed, 'the server cutting the oversized connection_init');
      expect([1006, WS_CLOSE.messageTooBig]).toContain(code);
      expect(code).not.toBe(INIT_TIMEOUT_CODE);
      // No connection_ack ever came back.
      expect(socket.messages).toHaveLength(0);
      await expectStillServing();
    });

    it('still accepts a normal-sized connection_init over a raw socket', async () => {
      const socket = raw();
      expect(await within(socket.upgrade, 'upgrade')).toEqual({ kind: 'open' });
      const ack = new Promise<string>((resolve) => socket.ws.once('message', (data: Buffer) => resolve(data.toString())));
      socket.ws.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: fixture.service.adminKey.headers.authorization } }),
      );
      expect(JSON.parse(await within(ack, 'connection_ack'))).toEqual({ type: 'connection_ack' });
      socket.ws.close();
    });
  });

  describe('upgrade path', () => {
    it('answers an upgrade to any other path with 404 instead of leaving the socket hanging', async () => {
      const tcp = connectTcp(Number(new URL(fixture.service.url).port), '127.0.0.1');
      let answer = '';
      tcp.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const ended = new Promise<void>((resolve) => tcp.once('close', () => resolve()));
      tcp.write(
        'GET /not-graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n',
      );
      await within(ended, 'the server ending the refused upgrade').finally(() => tcp.destroy());
      expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    });
  });

  describe('Origin at the upgrade', () => {
    it("refuses a browser Origin that is neither this service's nor allowed (403 at upgrade)", async () => {
      const socket = raw({ origin: 'https://evil.example' });
      expect(await within(socket.upgrade, 'upgrade answer')).toEqual({ kind: 'refused', status: 403 });
      // The graphql-ws client sees the same refusal as a closed socket, never an ack.
      const client = connect(fixture.service, fixture.service.adminKey, { origin: 'https://evil.example' });
      const recording = client.subscribe<ReceivedEvent>(ALERT_CHANGED);
      await within(client.closed, 'close of the refused client');
      expect(recording.received).toHaveLength(0);
      // A look-alike of an allowed origin is refused too.
      const lookalike = raw({ origin: `${ALLOWED_ORIGIN}.evil.example` });
      expect(await within(lookalike.upgrade, 'upgrade answer')).toEqual({ kind: 'refused', status: 403 });
    });

    it('accepts the same origin (Origin = http://127.0.0.1:<port>)', async () => {
      expect(fixture.service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const socket = raw({ origin: fixture.service.url });
      expect(await within(socket.upgrade, 'upgrade')).toEqual({ kind: 'open' });
      socket.ws.close();
      const client = connect(fixture.service, fixture.service.adminKey, { origin: fixture.service.url });
      await within(acknowledged(client), 'connection_ack for the same origin');
      await client.dispose();
    });

    it('accepts an origin listed in WS_ALLOWED_ORIGINS (with or without a trailing slash)', async () => {
      for (const origin of [ALLOWED_ORIGIN, 'https://other.example.test/']) {
        const socket = raw({ origin });
        expect(await within(socket.upgrade, `upgrade from ${origin}`)).toEqual({ kind: 'open' });
        socket.ws.close();
      }
      const client = connect(fixture.service, fixture.service.adminKey, { origin: ALLOWED_ORIGIN });
      await within(acknowledged(client), 'connection_ack for an allowed origin');
      await client.dispose();
    });
  });

  describe('connections per principal', () => {
    it('closes a third socket for the same key with 4429 while another key still connects; a closed one frees its slot', async () => {
      const viewer = await fixture.service.issueKey('viewer');
      const first = connect(fixture.service, viewer);
      const second = connect(fixture.service, viewer);
      await within(Promise.all([acknowledged(first), acknowledged(second)]), 'two connections');
      const third = connect(fixture.service, viewer);
      const recording = third.subscribe<ReceivedEvent>(ALERT_CHANGED);
      expect(await within(third.closed, 'close of the third connection')).toBe(WS_CLOSE.tooManyConnections);
      expect(recording.received).toHaveLength(0);

      const other = connect(fixture.service, await fixture.service.issueKey('viewer'));
      await within(acknowledged(other), 'another key connecting');
      // The first two stay open.
      const alive = first.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: await lastEventId() });
      await reportDrift(fixture.service.app, { modelVersion: nextModel(), drifted: { age: 0.3 } });
      await alive.waitFor(1, DEADLINE_MS);

      // Closing one frees its slot (once the server has seen the close): poll with a deadline.
      await first.dispose();
      const deadline = Date.now() + DEADLINE_MS;
      for (;;) {
        const retry = connect(fixture.service, viewer);
        const outcome = await within(
          Promise.race([acknowledged(retry).then(() => 'ack' as const), retry.closed.then((code) => code)]),
          'a retry connection',
        ).catch((error: Error) => error.message);
        if (outcome === 'ack') break;
        expect(outcome).toBe(WS_CLOSE.tooManyConnections);
        if (Date.now() > deadline) throw new Error('the closed connection never freed its slot');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  });

  it('does not keep a slot for a client that left while its connection_init was being checked', async () => {
    // A fresh key: its first check pays scrypt, so the client is gone before the check finishes.
    const viewer = await fixture.service.issueKey('viewer');
    const leavers = [raw(), raw()];
    for (const socket of leavers) {
      expect(await within(socket.upgrade, 'upgrade')).toEqual({ kind: 'open' });
      socket.ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: viewer.headers.authorization } }));
      socket.ws.terminate();
    }
    // Both slots are free once the server has finished with the leavers: poll with a deadline.
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const pair = [connect(fixture.service, viewer), connect(fixture.service, viewer)];
      const outcomes = await within(
        Promise.all(pair.map((client) => Promise.race([acknowledged(client).then(() => 'ack' as const), client.closed]))),
        'two connections for the key',
      );
      if (outcomes.every((outcome) => outcome === 'ack')) break;
      expect(outcomes.filter((outcome) => outcome !== 'ack')).toEqual(
        outcomes.filter((outcome) => outcome !== 'ack').map(() => WS_CLOSE.tooManyConnections),
      );
      await Promise.all(pair.map((client) => client.dispose()));
      if (Date.now() > deadline) throw new Error(`the departed clients still hold slots: ${JSON.stringify(outcomes)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  describe('revocation across instances', () => {
    let b: TestService;
    // A second instance on the fixture's database.
    const second = useServices(1, OVERRIDES, { databaseUrl: () => fixture.databaseUrl });
    beforeAll(() => {
      [b] = second.services;
    });

    it('closes the key’s sockets on both instances with 4403 and refuses its HTTP requests at once', async () => {
      const a = fixture.service;
      const viewer = await a.issueKey('viewer');
      const onA = connect(a, viewer);
      const onB = connect(b, viewer);
      // Resume from the current last event, so the marker below reaches both however quickly it commits.
      const afterEventId = await lastEventId();
      const watchA = onA.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId });
      const watchB = onB.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId });
      await reportDrift(a.app, { modelVersion: nextModel(), drifted: { loanAmount: 0.3 } });
      await Promise.all([watchA.waitFor(1, 20_000), watchB.waitFor(1, 20_000)]);

      const revoked = await a.gql<{ revokeApiKey: { id: string; revokedAt: string | null } }>(
        `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id revokedAt } }`,
        { input: { id: viewer.id } },
      );
      expect(revoked.errors).toBeUndefined();
      expect(revoked.data!.revokeApiKey).toMatchObject({ id: viewer.id, revokedAt: expect.any(String) });

      // HTTP: refused on both instances at once (no cache of the key's validity).
      for (const service of [a, b]) {
        const me = await service.gql(`{ me { name } }`, undefined, viewer);
        expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
        expect(me.data ?? null).toBeNull();
      }

      const codes = await within(Promise.all([onA.closed, onB.closed]), 'both sockets closing after the revocation');
      expect(codes).toEqual([WS_CLOSE.forbidden, WS_CLOSE.forbidden]);

      // Other principals' sockets are untouched.
      const admin = connect(b, b.adminKey);
      const watchAdmin = admin.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: await lastEventId() });
      await reportDrift(a.app, { modelVersion: nextModel(), drifted: { age: 0.3 } });
      await watchAdmin.waitFor(1, 20_000);
    });
  });

  describe('roles over websocket', () => {
    it('lets an ingest key connect but refuses alertChanged with FORBIDDEN', async () => {
      const ingest = await fixture.service.issueKey('ingest');
      const client = connect(fixture.service, ingest);
      await within(acknowledged(client), 'connection_ack for an ingest key');
      const recording = client.subscribe<ReceivedEvent>(ALERT_CHANGED);
      const error = await recording.waitForError(DEADLINE_MS);
      const errors = (Array.isArray(error) ? error : [error]) as Array<{ message?: string; extensions?: { code?: string } }>;
      expect(errors[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(errors[0]?.message).toMatch(/ingest/);
      // Nothing is delivered to it afterwards.
      await reportDrift(fixture.service.app, { modelVersion: nextModel(), drifted: { age: 0.3 } });
      const viewer = connect(fixture.service, await fixture.service.issueKey('viewer'));
      const control = viewer.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: '0' });
      await control.waitFor(1, DEADLINE_MS);
      expect(recording.received).toHaveLength(0);
    });
  });
});
