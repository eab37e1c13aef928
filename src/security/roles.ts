/** The five roles, least privileged first (README "Security" has the matrix). */
export const ROLES = ['ingest', 'viewer', 'operator', 'model-admin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
