/**
 * Who made a change. Until authentication exists the caller names itself in the `x-actor`
 * header (1-128 printable characters, trimmed); anything else is recorded as "anonymous". It is
 * an audit hint, not an identity: do not base permissions on it.
 */
export const ACTOR_HEADER = 'x-actor';
export const ANONYMOUS_ACTOR = 'anonymous';

const PRINTABLE = /^[\x20-\x7E\u00A0-\uFFFF]{1,128}$/;

export function actorFrom(headers: Record<string, string | string[] | undefined> | undefined): string {
  const raw = headers?.[ACTOR_HEADER];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value && PRINTABLE.test(value) ? value : ANONYMOUS_ACTOR;
}
