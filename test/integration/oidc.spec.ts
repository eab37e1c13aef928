import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { createServer, Server } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { WS_CLOSE } from '../../src/security/ws-connections';
import { GraphqlResponse } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';
import { ALERT_CHANGED, connectWs, ReceivedEvent, WsTestClient } from '../support/ws-client';
import { MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(120_000);

const ISSUER = 'https://idp.example.test/realms/risk';
const AUDIENCE = 'credit-monitor-console';
/**
 * The service's JWKS refetch cooldown for unknown kids (OidcVerifier's default jwksCooldownMs):
 * a rotated key is picked up at most this long after the previous fetch.
 */
const JWKS_COOLDOWN_MS = 30_000;

interface TestKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function makeKey(kid: string, alg = 'RS256'): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The identity provider's key set endpoint, serving whatever keys the test sets. */
interface JwksServer {
  url: string;
  fetches: number;
  setKeys(keys: JWK[]): void;
  close(): Promise<void>;
}

async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  const state = { fetches: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((_req, res) => {
    state.fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: current }));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/realms/risk/protocol/openid-connect/certs`,
    get fetches() {
      return state.fetches;
    },
    setKeys: (next) => {
      current = next;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function sign(
  key: TestKey,
  sub: string,
  roles: unknown,
  options: { exp?: number; audience?: string; issuer?: string; claims?: JWTPayload } = {},
): Promise<string> {
  return new SignJWT({ roles, ...options.claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.exp ?? nowSeconds() + 600)
    .sign(key.privateKey);
}

/** A bearer credential in the shape the test helpers take (fetch headers, connection_init params). */
function bearer(token: string): { id: string; name: string; role: 'viewer'; key: string; headers: { authorization: string } } {
  return { id: 'jwt', name: 'jwt', role: 'viewer', key: token, headers: { authorization: `Bearer ${token}` } };
}

function codeOf(response: GraphqlResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

const ME = `{ me { name role kind expiresAt } }`;
type Me = { me: { name: string; role: string; kind: string; expiresAt: string | null } };
const UPDATE_STATUS = `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id status } }`;

describe('OIDC single sign-on (JWTs from an identity provider, real service)', () => {
  let signing: TestKey;
  let idp: JwksServer;
  let model = 0;
  const clients: WsTestClient[] = [];

  // Declared before the fixture, so the key set is served before the service starts.
  beforeAll(async () => {
    signing = await makeKey('idp-key-1');
    idp = await startJwksServer([signing.jwk]);
  });

  const fixture = useServiceFixture(() => ({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: idp.url }));

  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await idp?.close();
  });

  async function openAlert(feature: string): Promise<string> {
    const modelVersion = `${MODEL}-oidc-${++model}`;
    await reportDrift(fixture.service.app, { modelVersion, drifted: { [feature]: 0.3 } });
    const { rows } = await fixture.sql.query(`SELECT id FROM alerts WHERE model_version = $1 AND feature = $2 AND status = 'OPEN'`, [
      modelVersion,
      feature,
    ]);
    expect(rows).toHaveLength(1);
    return rows[0].id as string;
  }

  it('authenticates a viewer JWT as an OIDC principal named by its subject, which may read', async () => {
    const exp = nowSeconds() + 600;
    const token = bearer(await sign(signing, 'ana.analyst@risk.example', ['offline_access', 'viewer'], { exp }));
    const me = await fixture.service.gql<Me>(ME, undefined, token);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me).toEqual({
      name: 'ana.analyst@risk.example',
      role: 'viewer',
      kind: 'oidc',
      expiresAt: new Date(exp * 1000).toISOString(),
    });

    const batches = await fixture.service.gql<{ batches: { edges: unknown[]; pageInfo: { hasNextPage: boolean } } }>(
      `{ batches(first: 5) { edges { node { batchId } } pageInfo { hasNextPage } } }`,
      undefined,
      token,
    );
    expect(batches.errors).toBeUndefined();
    expect(batches.data!.batches).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
    expect(idp.fetches).toBeGreaterThanOrEqual(1);
  });

  it('refuses updateAlertStatus to a viewer JWT with FORBIDDEN and leaves the alert as it was', async () => {
    const alertId = await openAlert('age');
    const token = bearer(await sign(signing, 'ana.analyst@risk.example', ['viewer']));
    const refused = await fixture.service.gql(UPDATE_STATUS, { input: { id: alertId, status: 'ACKNOWLEDGED' } }, token);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(refused.errors![0].extensions).toMatchObject({ operation: 'Mutation.updateAlertStatus', role: 'viewer' });
    const { rows } = await fixture.sql.query(`SELECT status FROM alerts WHERE id = $1`, [alertId]);
    expect(rows[0].status).toBe('OPEN');
    const events = await fixture.sql.query(`SELECT type FROM alert_events WHERE alert_id = $1 ORDER BY id`, [alertId]);
    expect(events.rows.map((r) => r.type)).toEqual(['CREATED']);
  });

  it("records an operator JWT's subject as the alert event actor (and in the audit trail)", async () => {
    const alertId = await openAlert('loanAmount');
    const subject = 'oscar.oncall@risk.example';
    const token = bearer(await sign(signing, subject, 'operator'));
    const updated = await fixture.service.gql<{ updateAlertStatus: { id: string; status: string } }>(
      UPDATE_STATUS,
      { input: { id: alertId, status: 'ACKNOWLEDGED', note: 'looking into it' } },
      token,
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data!.updateAlertStatus).toEqual({ id: alertId, status: 'ACKNOWLEDGED' });

    const events = await fixture.sql.query(`SELECT type, actor, note FROM alert_events WHERE alert_id = $1 ORDER BY id`, [alertId]);
    expect(events.rows).toEqual([
      { type: 'CREATED', actor: 'system', note: null },
      { type: 'ACKNOWLEDGED', actor: subject, note: 'looking into it' },
    ]);
    const audit = await fixture.sql.query(
      `SELECT principal, principal_id, role, outcome, target FROM audit_log WHERE action = 'Mutation.updateAlertStatus' AND target->>'alertId' = $1`,
      [alertId],
    );
    expect(audit.rows).toEqual([
      { principal: subject, principal_id: `oidc:${subject}`, role: 'operator', outcome: 'OK', target: { alertId } },
    ]);
  });

  it('refuses expired, wrong-audience, wrong-issuer, tampered and unsigned tokens with UNAUTHENTICATED', async () => {
    const valid = await sign(signing, 'mallory', ['admin']);
    const [header, payload, signature] = valid.split('.');
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), sub: 'someone-else' }),
    ).toString('base64url');
    const cases: Array<[string, string, RegExp]> = [
      ['expired', await sign(signing, 'mallory', ['admin'], { exp: nowSeconds() - 120 }), /expired/],
      ['wrong audience', await sign(signing, 'mallory', ['admin'], { audience: 'some-other-app' }), /wrong audience/],
      ['wrong issuer', await sign(signing, 'mallory', ['admin'], { issuer: 'https://evil.example/realms/risk' }), /wrong issuer/],
      ['tampered payload', `${header}.${forgedPayload}.${signature}`, /signature invalid/],
      [
        'unsigned (alg none)',
        new UnsecuredJWT({ roles: ['admin'] })
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setSubject('mallory')
          .setExpirationTime('10m')
          .encode(),
        /algorithm not allowed/,
      ],
      ['no recognised role', await sign(signing, 'mallory', ['offline_access']), /no role/],
    ];
    for (const [what, token, reason] of cases) {
      const response = await fixture.service.gql(ME, undefined, bearer(token));
      expect({ what, code: codeOf(response) }).toEqual({ what, code: 'UNAUTHENTICATED' });
      expect(response.errors![0].message).toMatch(reason);
      expect(response.data ?? null).toBeNull();
    }
    // The untouched token is fine (the refusals were about the tokens, not the provider).
    expect((await fixture.service.gql<Me>(ME, undefined, bearer(valid))).data!.me).toMatchObject({
      name: 'mallory',
      role: 'admin',
      kind: 'oidc',
    });
  });

  it('accepts the same JWT in graphql-ws connection_init (and refuses an expired one with 4401)', async () => {
    const token = bearer(await sign(signing, 'vera.viewer@risk.example', ['viewer']));
    const client = connectWs(fixture.service.url, token);
    clients.push(client);
    const { rows } = await fixture.sql.query(`SELECT coalesce(max(id), 0)::text AS id FROM alert_events`);
    const recording = client.subscribe<ReceivedEvent>(ALERT_CHANGED, { afterEventId: rows[0].id });
    const alertId = await openAlert('creditUtilization');
    const [event] = await recording.waitFor(1);
    expect(event).toMatchObject({ type: 'CREATED', alert: { id: alertId, feature: 'creditUtilization' } });

    const expired = connectWs(
      fixture.service.url,
      bearer(await sign(signing, 'vera.viewer@risk.example', ['viewer'], { exp: nowSeconds() - 120 })),
    );
    clients.push(expired);
    const refused = expired.subscribe<ReceivedEvent>(ALERT_CHANGED);
    expect(await expired.closed).toBe(WS_CLOSE.unauthorized);
    expect(refused.received).toHaveLength(0);
  });

  it('closes a JWT-authenticated socket with 4403 once the token expires', async () => {
    const token = bearer(await sign(signing, 'vera.viewer@risk.example', ['viewer'], { exp: nowSeconds() + 2 }));
    const client = connectWs(fixture.service.url, token);
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.client.on('connected', () => resolve());
      void client.closed.then((code) => reject(new Error(`closed with ${code} before connection_ack`)));
    });
    // Re-checked every WS_CREDENTIAL_RECHECK_MS (2 s by default): a deadline of a few seconds past exp.
    const code = await Promise.race([
      client.closed,
      new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 10_000).unref()),
    ]);
    expect(code).toBe(WS_CLOSE.forbidden);
  });
});

// A service and key set of its own: the rotation leaves the original key out of the set, which
// the tests above must not see.
describe('OIDC signing-key rotation (real service)', () => {
  let signing: TestKey;
  let idp: JwksServer;

  // Declared before the fixture, so the key set is served before the service starts.
  beforeAll(async () => {
    signing = await makeKey('idp-key-1');
    idp = await startJwksServer([signing.jwk]);
  });

  const fixture = useServiceFixture(() => ({ OIDC_ISSUER: ISSUER, OIDC_AUDIENCE: AUDIENCE, OIDC_JWKS_URL: idp.url }));

  afterAll(async () => {
    await idp?.close();
  });

  it('picks up a rotated signing key (new kid) from the JWKS endpoint, and drops the removed one', async () => {
    const oldToken = bearer(await sign(signing, 'rita.rotation@risk.example', ['viewer']));
    expect((await fixture.service.gql(ME, undefined, oldToken)).errors).toBeUndefined();

    const rotated = await makeKey('idp-key-2');
    idp.setKeys([rotated.jwk]);
    const newToken = bearer(await sign(rotated, 'rita.rotation@risk.example', ['viewer']));
    // An unknown kid makes the service refetch the key set, at most once per cooldown (so a flood
    // of invented kids cannot flood the provider): poll until it has, with a deadline.
    const deadline = Date.now() + JWKS_COOLDOWN_MS + 15_000;
    let me: GraphqlResponse<Me>;
    for (;;) {
      me = await fixture.service.gql<Me>(ME, undefined, newToken);
      if (!me.errors) break;
      expect(codeOf(me)).toBe('UNAUTHENTICATED');
      expect(me.errors[0].message).toMatch(/signing key not found/);
      if (Date.now() > deadline) throw new Error(`the rotated key was never picked up: ${JSON.stringify(me.errors)}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(me.data!.me).toMatchObject({ name: 'rita.rotation@risk.example', role: 'viewer', kind: 'oidc' });

    // The refetched set no longer holds the old key.
    const old = await fixture.service.gql(ME, undefined, oldToken);
    expect(codeOf(old)).toBe('UNAUTHENTICATED');
    expect(old.errors![0].message).toMatch(/signing key not found/);
  });
});
