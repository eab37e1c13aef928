import { Role } from './roles';

/**
 * Who makes a request: an API key or an OIDC identity. `name` is what audit rows, alert events
 * and model governance record (the key's name, or the JWT subject); `id` is unique per credential
 * (`key:<uuid>` or `oidc:<subject>`).
 */
export interface Principal {
  id: string;
  name: string;
  role: Role;
  kind: 'api-key' | 'oidc';
  /** The API key's id (for revocation checks of open sockets); null for OIDC principals. */
  keyId: string | null;
  /** When the credential stops being valid (key expiry or JWT exp); null when it does not expire. */
  expiresAt: Date | null;
}
