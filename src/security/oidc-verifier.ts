import type { JWTPayload } from 'jose';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { Principal } from './principal';
import { isRole, Role, ROLES } from './roles';
import { UnauthenticatedError } from './security.errors';

/** Exactly `AppConfig['security']['oidc']` once OIDC is configured. */
export interface OidcConfig {
  issuer: string;
  audience: string;
  jwksUrl: string;
  roleClaim: string;
  algorithms: string[];
}

/** Timings; the defaults suit production, tests shorten them. */
export interface OidcVerifierOptions {
  /** Connect + response-header timeout of one JWKS fetch (jose `timeoutDuration`). */
  jwksTimeoutMs?: number;
  /**
   * Minimum gap between JWKS fetches triggered by an unknown `kid` (jose `cooldownDuration`). It is
   * what stops a flood of tokens with invented kids from turning into a flood of requests to the
   * identity provider; it also delays picking up a freshly rotated key by at most this long.
   */
  jwksCooldownMs?: number;
  /** Refetch the JWKS at least this often even when every kid is known (jose `cacheMaxAge`). */
  jwksCacheMaxAgeMs?: number;
  /** Allowed clock skew against the identity provider for exp/nbf/iat. */
  clockToleranceSeconds?: number;
}

// Asymmetric only: an HS* key would have to be shared with us, and 'none' is no signature at all.
const ALLOWED_ALGORITHMS = new Set(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']);

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Cheap routing test for a bearer credential: three base64url segments means "try it as a JWT",
 * anything else is an API key. The signature segment may be empty so that an unsigned (`alg: none`)
 * token is rejected by the JWT path with a precise reason instead of as an unknown API key.
 */
export function looksLikeJwt(token: string): boolean {
  return token.length <= 16_384 && JWT_SHAPE.test(token);
}

/**
 * Verifies OIDC access/ID tokens from consoles against the identity provider's JWKS and turns them
 * into a Principal. Key rotation comes from jose's remote key set, which refetches when a token
 * carries a kid it does not know (rate-limited by the cooldown).
 */
export class OidcVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;
  private readonly algorithms: string[];
  private readonly clockToleranceSeconds: number;
  // jose's timeout stops at the response headers; a provider that stalls mid-body would otherwise
  // hold every request, so the whole verification gets its own deadline too.
  private readonly deadlineMs: number;

  constructor(
    private readonly config: OidcConfig,
    options: OidcVerifierOptions = {},
  ) {
    const refused = config.algorithms.filter((alg) => !ALLOWED_ALGORITHMS.has(alg));
    if (config.algorithms.length === 0 || refused.length > 0) {
      throw new Error(
        `OIDC algorithms must be a non-empty list of asymmetric JWS algorithms (refused: ${refused.join(', ') || 'empty list'})`,
      );
    }
    this.algorithms = [...config.algorithms];
    const timeout = options.jwksTimeoutMs ?? 5_000;
    this.jwks = createRemoteJWKSet(new URL(config.jwksUrl), {
      timeoutDuration: timeout,
      cooldownDuration: options.jwksCooldownMs ?? 30_000,
      cacheMaxAge: options.jwksCacheMaxAgeMs ?? 600_000,
    });
    this.clockToleranceSeconds = options.clockToleranceSeconds ?? 5;
    this.deadlineMs = 2 * timeout;
  }

  async verify(token: string): Promise<Principal> {
    if (!looksLikeJwt(token)) throw rejected('malformed token');
    let payload: JWTPayload;
    try {
      ({ payload } = await withDeadline(
        jwtVerify(token, this.jwks, {
          issuer: this.config.issuer,
          audience: this.config.audience,
          algorithms: this.algorithms,
          clockTolerance: this.clockToleranceSeconds,
          requiredClaims: ['sub', 'exp'],
        }),
        this.deadlineMs,
      ));
    } catch (err) {
      throw rejected(reasonFor(err));
    }

    const sub = payload.sub;
    if (typeof sub !== 'string' || sub.length === 0) throw rejected('missing sub');
    if (typeof payload.exp !== 'number') throw rejected('missing exp');
    const role = this.roleOf(payload);
    return {
      id: `oidc:${sub}`,
      name: sub,
      role,
      kind: 'oidc',
      keyId: null,
      expiresAt: new Date(payload.exp * 1000),
    };
  }

  private roleOf(payload: JWTPayload): Role {
    const claim = this.config.roleClaim;
    const raw = readClaim(payload, claim);
    const values = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : [];
    // Identity providers put many unrelated groups in the same claim; keep ours, take the strongest.
    let best = -1;
    for (const value of values) {
      if (isRole(value)) best = Math.max(best, ROLES.indexOf(value));
    }
    if (best < 0) throw rejected(`no role in claim '${claim}'`);
    return ROLES[best];
  }
}

/**
 * A top-level claim with that exact name wins (Auth0-style namespaced claims such as
 * `https://example.com/roles` contain dots); otherwise the name is a dot path (`realm_access.roles`).
 */
function readClaim(payload: JWTPayload, claim: string): unknown {
  if (Object.prototype.hasOwnProperty.call(payload, claim)) return payload[claim];
  let node: unknown = payload;
  for (const part of claim.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.prototype.hasOwnProperty.call(node, part))
      return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function rejected(reason: string): UnauthenticatedError {
  return new UnauthenticatedError(`OIDC token rejected: ${reason}`);
}

class DeadlineExceeded extends Error {}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded()), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Short, token-free reasons; jose's own messages stay out of responses. */
function reasonFor(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return 'wrong issuer';
      case 'aud':
        return 'wrong audience';
      case 'nbf':
        return 'not yet valid';
      case 'iat':
        return 'issued in the future';
      default:
        return err.reason === 'missing' ? `missing ${err.claim}` : `invalid ${err.claim}`;
    }
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid';
  if (err instanceof errors.JWKSNoMatchingKey) return 'signing key not found';
  if (err instanceof errors.JWKSMultipleMatchingKeys) return 'ambiguous signing key';
  if (err instanceof errors.JOSENotSupported) return 'algorithm not supported';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed token';
  if (err instanceof errors.JWKSInvalid) return 'key set invalid';
  // Timeouts, refused connections, non-200 answers: the provider, not the token, is at fault, but
  // the request still cannot be authenticated.
  if (err instanceof errors.JWKSTimeout || err instanceof DeadlineExceeded) return 'key set unavailable (timeout)';
  return 'key set unavailable';
}
