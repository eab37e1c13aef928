import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { parseApiKey, secretFingerprint, verifySecret } from './api-key-secrets';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import { looksLikeJwt, OidcVerifier } from './oidc-verifier';
import { Principal } from './principal';
import { UnauthenticatedError } from './security.errors';

/**
 * Turns an Authorization header into a Principal: an API key (looked up by prefix, its secret
 * checked against the scrypt hash) or, when OIDC is configured, a JWT from the identity provider.
 * Revocation and expiry are read from the database on every request, so they take effect at once.
 */
@Injectable()
export class AuthenticationService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Authentication');
  private readonly oidc: OidcVerifier | null;
  /**
   * Fingerprints of secrets that already passed scrypt, per key id. scrypt is deliberately slow
   * (~40 ms); without this every request would pay it. Nothing here outlives the process.
   */
  private readonly verified = new Map<string, Buffer>();
  /** When this instance last recorded each key's use (the write happens at most once a minute). */
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly keys: ApiKeysRepository,
  ) {
    this.oidc = config.security.oidc ? new OidcVerifier(config.security.oidc) : null;
  }

  /** Production must have a way in: an OIDC provider or at least one usable API key. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.isProduction || this.oidc) return;
    if ((await this.keys.countUsable()) === 0) {
      throw new Error(
        'No way to authenticate: NODE_ENV=production needs OIDC_ISSUER/OIDC_AUDIENCE/OIDC_JWKS_URL or at least one API key ' +
          '(npm run cli -- keys create --name NAME --role admin)',
      );
    }
  }

  async authenticate(authorization: string | string[] | undefined): Promise<Principal> {
    const header = Array.isArray(authorization) ? authorization[0] : authorization;
    if (!header) throw new UnauthenticatedError();
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Authorization must be "Bearer <API key or OIDC token>"');
    const token = match[1];
    const apiKey = parseApiKey(token);
    if (apiKey) return this.fromApiKey(apiKey.prefix, apiKey.secret);
    if (this.oidc && looksLikeJwt(token)) return this.oidc.verify(token);
    throw new UnauthenticatedError(
      this.oidc ? 'Unrecognised credential: not an API key or a JWT' : 'Unrecognised credential: not an API key',
    );
  }

  private async fromApiKey(prefix: string, secret: string): Promise<Principal> {
    const row = await this.keys.findByPrefix(prefix);
    if (!row || !(await this.secretMatches(row, secret))) throw new UnauthenticatedError('Unknown API key');
    if (row.revokedAt) throw new UnauthenticatedError('API key revoked');
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) throw new UnauthenticatedError('API key expired');
    const now = Date.now();
    if (now - (this.touchedAt.get(row.id) ?? 0) >= 60_000) {
      this.touchedAt.set(row.id, now);
      void this.keys.touch(row.id).catch((error: Error) => this.logger.warn({ msg: 'could not record key use', error: error.message }));
    }
    return { id: `key:${row.id}`, name: row.name, role: row.role, kind: 'api-key', keyId: row.id, expiresAt: row.expiresAt };
  }

  private async secretMatches(row: ApiKeyRow, secret: string): Promise<boolean> {
    const fingerprint = secretFingerprint(secret);
    const known = this.verified.get(row.id);
    if (known && timingSafeEqual(known, fingerprint)) return true;
    if (!(await verifySecret(secret, row.secretHash))) return false;
    this.verified.set(row.id, fingerprint);
    return true;
  }
}
