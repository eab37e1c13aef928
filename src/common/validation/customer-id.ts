import { unsafeTextReason } from './text-safety';

/**
 * Why a value cannot be a customer id, or null: the one rule for ingestion and erasure (every
 * stored id passed it, so every stored id can be named). `echo`: whether the offending value may
 * be repeated in the error (not when it holds text PostgreSQL or a terminal cannot take).
 */
export function customerIdProblem(value: unknown): { rule: string; echo: boolean } | null {
  const unsafe = typeof value === 'string' ? unsafeTextReason(value) : null;
  if (unsafe) return { rule: unsafe, echo: false };
  if (typeof value !== 'string' || value.length < 1 || value.length > 64 || value.trim().length === 0) {
    return { rule: 'must be 1–64 characters, not blank', echo: true };
  }
  return null;
}

/**
 * A string as it appears inside stored JSON text: jsonb's output escapes quotes and backslashes
 * as JSON.stringify does, so a LIKE over jsonb::text must look for this form.
 */
export function jsonTextOf(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
