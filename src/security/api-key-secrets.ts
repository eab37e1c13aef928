import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * API key format: `cmk_<prefix>_<secret>`. The prefix (16 hex characters) is public and indexed
 * for lookup; the secret (32 random bytes, base64url) is shown once and stored only as a salted
 * scrypt hash, so a stolen database does not yield usable keys.
 */
const KEY_PATTERN = /^cmk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const SCRYPT = { N: 16384, r: 8, p: 1, keyLength: 32 };

export interface GeneratedKey {
  key: string;
  prefix: string;
  secretHash: Promise<string>;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { key: `cmk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

/** The prefix and secret of a well-formed key, or null. */
export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : null;
}

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  // Async scrypt runs on libuv's thread pool, off the event loop.
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, SCRYPT.keyLength, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
}

/** `scrypt$N$r$p$<salt b64>$<hash b64>`: parameters travel with the hash so they can be raised later. */
export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const derived = await scryptAsync(secret, salt);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), derived.toString('base64')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const derived = await new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, Buffer.from(salt, 'base64'), expected.length, { N: Number(n), r: Number(r), p: Number(p) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
  return derived.length === expected.length && timingSafeEqual(derived, expected);
}

/** A fast fingerprint of a presented secret, for remembering secrets already verified (never stored). */
export function secretFingerprint(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
