import { exportJWK, generateKeyPair, JWK, JWTPayload, KeyLike, SignJWT, UnsecuredJWT } from 'jose';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { looksLikeJwt, OidcConfig, OidcVerifier, OidcVerifierOptions } from '../../../src/security/oidc-verifier';
import { UnauthenticatedError } from '../../../src/security/security.errors';

const ISSUER = 'https://idp.example.test/realms/risk';
const AUDIENCE = 'credit-monitor-console';

interface TestKey {
  kid: string;
  alg: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function makeKey(alg: string, kid: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg);
  const jwk = { ...(await exportJWK(publicKey)), kid, use: 'sig' };
  return { kid, alg, privateKey, jwk };
}

/** A tiny identity-provider stand-in: serves whatever key set the test sets, counts the fetches. */
interface JwksServer {
  url: string;
  fetches: number;
  setKeys(keys: JWK[]): void;
  /** Replace the request handler (to simulate a broken provider). */
  handle(fn: ((req: IncomingMessage, res: ServerResponse) => void) | null): void;
  close(): Promise<void>;
}

async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  let current = keys;
  let override: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const sockets = new Set<Socket>();
  const state = { fetches: 0 };
  const server: Server = createServer((req, res) => {
    state.fetches += 1;
    if (override) return override(req, res);
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
    url: `http://127.0.0.1:${port}/protocol/openid-connect/certs`,
    get fetches() {
      return state.fetches;
    },
    setKeys: (next) => {
      current = next;
    },
    handle: (fn) => {
      override = fn;
    },
    close: async () => {
      // Stalled test responses keep their sockets open; close() alone would wait for them.
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function config(jwksUrl: string, overrides: Partial<OidcConfig> = {}): OidcConfig {
  return { issuer: ISSUER, audience: AUDIENCE, jwksUrl, roleClaim: 'roles', algorithms: ['RS256', 'ES256'], ...overrides };
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

interface SignOptions {
  claims?: JWTPayload;
  sub?: string | null;
  exp?: number | null;
  nbf?: number;
  issuer?: string;
  audience?: string;
  kid?: string | null;
  alg?: string;
}

async function sign(key: TestKey, opts: SignOptions = {}): Promise<string> {
  const jwt = new SignJWT({ roles: ['operator'], ...opts.claims })
    .setProtectedHeader({ alg: opts.alg ?? key.alg, ...(opts.kid === null ? {} : { kid: opts.kid ?? key.kid }), typ: 'JWT' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? AUDIENCE)
    .setIssuedAt();
  if (opts.sub !== null) jwt.setSubject(opts.sub ?? 'alice');
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? nowSeconds() + 300);
  if (opts.nbf !== undefined) jwt.setNotBefore(opts.nbf);
  return jwt.sign(key.privateKey);
}

/** Every rejection must be our typed error with the API code, never a jose error leaking out. */
async function expectRejected(work: Promise<unknown>, message?: string | RegExp): Promise<UnauthenticatedError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UnauthenticatedError);
  const typed = err as UnauthenticatedError;
  expect(typed.code).toBe('UNAUTHENTICATED');
  if (message !== undefined) expect(typed.message).toMatch(message);
  return typed;
}

describe('OidcVerifier', () => {
  let rsa: TestKey;
  let ec: TestKey;
  let server: JwksServer;
  // Cooldown 0 so each test's unknown kid is fetched at once; cooldown behaviour has its own test.
  const fast: OidcVerifierOptions = { jwksCooldownMs: 0, jwksTimeoutMs: 1_000 };

  beforeAll(async () => {
    [rsa, ec] = await Promise.all([makeKey('RS256', 'rs-1'), makeKey('ES256', 'es-1')]);
    server = await startJwksServer([rsa.jwk, ec.jwk]);
  });

  afterAll(async () => {
    await server.close();
  });

  afterEach(() => server.handle(null));

  describe('accepted tokens', () => {
    it('maps a valid RS256 token to an OIDC principal', async () => {
      const exp = nowSeconds() + 600;
      const verifier = new OidcVerifier(config(server.url), fast);
      const principal = await verifier.verify(await sign(rsa, { sub: 'alice@risk', exp, claims: { roles: 'operator' } }));
      expect(principal).toEqual({
        id: 'oidc:alice@risk',
        name: 'alice@risk',
        role: 'operator',
        kind: 'oidc',
        keyId: null,
        expiresAt: new Date(exp * 1000),
      });
    });

    it('accepts ES256 when it is in the allow-list', async () => {
      const verifier = new OidcVerifier(config(server.url), fast);
      const principal = await verifier.verify(await sign(ec, { claims: { roles: 'viewer' } }));
      expect(principal.role).toBe('viewer');
    });

    it('finds the key without a kid when only one key fits the algorithm', async () => {
      const verifier = new OidcVerifier(config(server.url), fast);
      const principal = await verifier.verify(await sign(ec, { kid: null }));
      expect(principal.name).toBe('alice');
    });

    it('takes the most privileged recognised role from an array claim', async () => {
      const verifier = new OidcVerifier(config(server.url), fast);
      const token = await sign(rsa, { claims: { roles: ['offline_access', 'viewer', 'model-admin', 'ingest', 'uma_authorization'] } });
      expect((await verifier.verify(token)).role).toBe('model-admin');
    });

    it('reads a nested claim by dot path', async () => {
      const verifier = new OidcVerifier(config(server.url, { roleClaim: 'realm_access.roles' }), fast);
      const token = await sign(rsa, { claims: { roles: undefined, realm_access: { roles: ['default-roles-risk', 'admin'] } } });
      expect((await verifier.verify(token)).role).toBe('admin');
    });

    it('prefers a top-level claim whose name contains dots (namespaced claims)', async () => {
      const claim = 'https://monitor.example.test/roles';
      const verifier = new OidcVerifier(config(server.url, { roleClaim: claim }), fast);
      const token = await sign(rsa, { claims: { [claim]: ['ingest'] } });
      expect((await verifier.verify(token)).role).toBe('ingest');
    });

    it('tolerates a few seconds of clock skew on exp', async () => {
      const verifier = new OidcVerifier(config(server.url), fast);
      const token = await sign(rsa, { exp: nowSeconds() - 2 });
      expect((await verifier.verify(token)).name).toBe('alice');
    });
  });

  describe('key rotation', () => {
    it('picks up a new key by kid and stops trusting the removed one', async () => {
      const oldKey = await makeKey('RS256', 'rotating-1');
      const newKey = await makeKey('RS256', 'rotating-2');
      const idp = await startJwksServer([oldKey.jwk]);
      try {
        const verifier = new OidcVerifier(config(idp.url), fast);
        const oldToken = await sign(oldKey);
        expect((await verifier.verify(oldToken)).name).toBe('alice');

        idp.setKeys([newKey.jwk]);
        const newToken = await sign(newKey, { sub: 'bob' });
        expect((await verifier.verify(newToken)).name).toBe('bob');

        // The refetch triggered by the new kid replaced the cached set, so the old key is gone.
        await expectRejected(verifier.verify(oldToken), 'OIDC token rejected: signing key not found');
      } finally {
        await idp.close();
      }
    });

    it('does not refetch the key set for every unknown kid within the cooldown', async () => {
      const idp = await startJwksServer([rsa.jwk]);
      try {
        const verifier = new OidcVerifier(config(idp.url), { jwksCooldownMs: 60_000, jwksTimeoutMs: 1_000 });
        await verifier.verify(await sign(rsa));
        expect(idp.fetches).toBe(1);
        const rogue = await makeKey('RS256', 'rogue');
        for (let i = 0; i < 5; i += 1) {
          await expectRejected(verifier.verify(await sign(rogue, { kid: `invented-${i}` })), 'signing key not found');
        }
        expect(idp.fetches).toBe(1);
      } finally {
        await idp.close();
      }
    });
  });

  describe('rejected tokens', () => {
    let verifier: OidcVerifier;
    beforeAll(() => {
      verifier = new OidcVerifier(config(server.url), fast);
    });

    it('rejects an expired token', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { exp: nowSeconds() - 60 })), 'OIDC token rejected: expired');
    });

    it('rejects a token that is not valid yet (nbf in the future)', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { nbf: nowSeconds() + 120 })), 'OIDC token rejected: not yet valid');
    });

    it('rejects a wrong issuer', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { issuer: 'https://evil.example.test' })), 'OIDC token rejected: wrong issuer');
    });

    it('rejects a wrong audience', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { audience: 'some-other-app' })), 'OIDC token rejected: wrong audience');
    });

    it('rejects algorithms outside the allow-list', async () => {
      const rsOnly = new OidcVerifier(config(server.url, { algorithms: ['RS256'] }), fast);
      const ps = await makeKey('PS256', 'ps-1');
      const es384 = await makeKey('ES384', 'es384-1');
      await expectRejected(rsOnly.verify(await sign(ps)), 'OIDC token rejected: algorithm not allowed');
      await expectRejected(rsOnly.verify(await sign(es384)), 'OIDC token rejected: algorithm not allowed');
      // ES256 is fine elsewhere, but not for a verifier configured for RS256 only.
      await expectRejected(rsOnly.verify(await sign(ec)), 'OIDC token rejected: algorithm not allowed');
      // PS256 with the published RSA key itself: the alg is refused before any key is tried.
      await expectRejected(rsOnly.verify(await sign(rsa, { alg: 'PS256' })), 'OIDC token rejected: algorithm not allowed');
    });

    it('rejects an HS256 token signed with a shared secret', async () => {
      const secret = new TextEncoder().encode('a-shared-secret-that-is-long-enough-for-hs256');
      const token = await new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: 'rs-1' })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('mallory')
        .setExpirationTime('5m')
        .sign(secret);
      await expectRejected(verifier.verify(token), 'OIDC token rejected: algorithm not allowed');
    });

    it("rejects an unsigned alg 'none' token", async () => {
      const token = new UnsecuredJWT({ roles: ['admin'] })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setSubject('mallory')
        .setExpirationTime('5m')
        .encode();
      expect(looksLikeJwt(token)).toBe(true);
      await expectRejected(verifier.verify(token), 'OIDC token rejected: algorithm not allowed');
    });

    it('rejects a token signed by a key that is not in the key set', async () => {
      const rogue = await makeKey('RS256', 'rogue-1');
      await expectRejected(verifier.verify(await sign(rogue)), 'OIDC token rejected: signing key not found');
      // Same kid as the real key, different private key.
      await expectRejected(verifier.verify(await sign(rogue, { kid: 'rs-1' })), 'OIDC token rejected: signature invalid');
    });

    it('rejects a tampered payload', async () => {
      const token = await sign(rsa, { claims: { roles: ['viewer'] } });
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
      const forged = Buffer.from(JSON.stringify({ ...claims, roles: ['admin'] })).toString('base64url');
      await expectRejected(verifier.verify(`${header}.${forged}.${signature}`), 'OIDC token rejected: signature invalid');
    });

    it('rejects a token without sub', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { sub: null })), 'OIDC token rejected: missing sub');
    });

    it('rejects a token without exp', async () => {
      await expectRejected(verifier.verify(await sign(rsa, { exp: null })), 'OIDC token rejected: missing exp');
    });

    it('rejects a token whose role claim holds no known role', async () => {
      await expectRejected(
        verifier.verify(await sign(rsa, { claims: { roles: ['superuser', 'root'] } })),
        "OIDC token rejected: no role in claim 'roles'",
      );
      await expectRejected(verifier.verify(await sign(rsa, { claims: { roles: 'Admin' } })), "no role in claim 'roles'");
      await expectRejected(verifier.verify(await sign(rsa, { claims: { roles: undefined } })), "no role in claim 'roles'");
      await expectRejected(verifier.verify(await sign(rsa, { claims: { roles: { admin: true } } })), "no role in claim 'roles'");
    });

    it('rejects garbage that only looks like a JWT, and non-JWTs', async () => {
      await expectRejected(verifier.verify('abc.def.ghi'), 'OIDC token rejected: malformed token');
      await expectRejected(verifier.verify('not a token'), 'OIDC token rejected: malformed token');
    });

    it('never echoes the token in the error message', async () => {
      const token = await sign(rsa, { exp: nowSeconds() - 60 });
      const err = await expectRejected(verifier.verify(token));
      for (const part of token.split('.')) expect(err.message).not.toContain(part);
    });
  });

  describe('unavailable key set', () => {
    it('rejects quickly when nothing listens on the JWKS address', async () => {
      const idp = await startJwksServer([]);
      const url = idp.url;
      await idp.close();
      const verifier = new OidcVerifier(config(url), fast);
      const started = Date.now();
      await expectRejected(verifier.verify(await sign(rsa)), 'OIDC token rejected: key set unavailable');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('rejects within the timeout when the provider accepts but never answers', async () => {
      server.handle(() => undefined);
      const verifier = new OidcVerifier(config(server.url), { jwksCooldownMs: 0, jwksTimeoutMs: 500 });
      const started = Date.now();
      await expectRejected(verifier.verify(await sign(rsa)), 'OIDC token rejected: key set unavailable (timeout)');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('rejects within the deadline when the provider stalls in the middle of the body', async () => {
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
      });
      const verifier = new OidcVerifier(config(server.url), { jwksCooldownMs: 0, jwksTimeoutMs: 500 });
      const started = Date.now();
      await expectRejected(verifier.verify(await sign(rsa)), 'OIDC token rejected: key set unavailable (timeout)');
      expect(Date.now() - started).toBeLessThan(3_000);
    });

    it('rejects when the provider answers with an error status or non-JSON', async () => {
      server.handle((_req, res) => {
        res.writeHead(503);
        res.end('maintenance');
      });
      const verifier = new OidcVerifier(config(server.url), fast);
      await expectRejected(verifier.verify(await sign(rsa)), 'OIDC token rejected: key set unavailable');
      server.handle((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      });
      await expectRejected(verifier.verify(await sign(rsa)), 'OIDC token rejected: key set unavailable');
    });

    it('recovers once the provider is back', async () => {
      const verifier = new OidcVerifier(config(server.url), fast);
      server.handle((_req, res) => {
        res.writeHead(503);
        res.end();
      });
      await expectRejected(verifier.verify(await sign(rsa)));
      server.handle(null);
      expect((await verifier.verify(await sign(rsa))).name).toBe('alice');
    });
  });

  describe('configuration', () => {
    it('refuses symmetric, none or empty algorithm lists', () => {
      expect(() => new OidcVerifier(config(server.url, { algorithms: ['RS256', 'HS256'] }))).toThrow(/HS256/);
      expect(() => new OidcVerifier(config(server.url, { algorithms: ['none'] }))).toThrow(/none/);
      expect(() => new OidcVerifier(config(server.url, { algorithms: [] }))).toThrow(/empty/);
    });
  });
});

describe('looksLikeJwt', () => {
  it('accepts three base64url segments', () => {
    expect(looksLikeJwt('eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl')).toBe(true);
    expect(looksLikeJwt('eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.')).toBe(true);
  });

  it('rejects anything else', () => {
    expect(looksLikeJwt('')).toBe(false);
    expect(looksLikeJwt('cm_live_3f9a0c1d2e4b5a6978')).toBe(false);
    expect(looksLikeJwt('a.b')).toBe(false);
    expect(looksLikeJwt('a.b.c.d')).toBe(false);
    expect(looksLikeJwt('a+b.c/d.e=')).toBe(false);
    expect(looksLikeJwt('.b.c')).toBe(false);
    expect(looksLikeJwt(`${'a'.repeat(20_000)}.b.c`)).toBe(false);
  });
});
