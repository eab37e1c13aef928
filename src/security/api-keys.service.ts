import { DataSource } from 'typeorm';
import { InputValidationError, NotFoundError } from '../common/errors/domain-error';
import { generateApiKey } from './api-key-secrets';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import { AuditService } from './audit.service';
import { Caller } from './caller';
import { isRole, Role, ROLES } from './roles';

export const KEY_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

export interface CreatedApiKey {
  row: ApiKeyRow;
  /** The only time the secret exists outside the client: it is never stored or shown again. */
  key: string;
}

/** The public view of a key: everything but the hash. */
export type ApiKeyInfo = Omit<ApiKeyRow, 'secretHash'>;

export function apiKeyInfo(row: ApiKeyRow): ApiKeyInfo {
  const { secretHash: _hash, ...info } = row;
  return info;
}

/**
 * Key management for the GraphQL API, the CLI and the demo: create (secret shown once), list,
 * revoke. Each change writes its audit row in the same transaction. Plain class, so the CLI
 * builds it on its own DataSource without Nest.
 */
export class ApiKeysService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: ApiKeysRepository,
    private readonly audit: AuditService,
  ) {}

  async create(caller: Caller, input: { name: string; role: string; expiresAt?: Date | null }): Promise<CreatedApiKey> {
    const problems = [];
    if (!KEY_NAME_PATTERN.test(input.name))
      problems.push({
        index: null,
        field: 'name',
        rule: 'must be 1-100 characters: letters, digits, . _ @ - (starting with a letter or digit)',
      });
    if (!isRole(input.role)) problems.push({ index: null, field: 'role', rule: `must be one of ${ROLES.join(', ')}` });
    const expiresAt = input.expiresAt ?? null;
    if (expiresAt && !(expiresAt.getTime() > Date.now()))
      problems.push({ index: null, field: 'expiresAt', rule: 'must be a time in the future' });
    if (problems.length) throw new InputValidationError(problems);
    const generated = generateApiKey();
    const secretHash = await generated.secretHash;
    return this.dataSource.transaction(async (manager) => {
      if (await this.keys.hasLiveName(manager, input.name))
        throw new InputValidationError([{ index: null, field: 'name', rule: 'a live key with this name exists (revoke it first)' }]);
      const row = await this.keys.insert(manager, {
        name: input.name,
        role: input.role as Role,
        prefix: generated.prefix,
        secretHash,
        createdBy: caller.principal.name,
        expiresAt,
      });
      await this.audit.record(manager, caller, {
        action: 'keys.create',
        target: { keyId: row.id },
        summary: { name: row.name, role: row.role, expiresAt: row.expiresAt },
      });
      return { row, key: generated.key };
    });
  }

  async revoke(caller: Caller, id: string): Promise<ApiKeyRow> {
    return this.dataSource.transaction(async (manager) => {
      const row = await this.keys.revoke(manager, id);
      if (!row) throw new NotFoundError('API key', id);
      await this.audit.record(manager, caller, { action: 'keys.revoke', target: { keyId: row.id }, summary: { name: row.name } });
      return row;
    });
  }

  /** Replaces the live keys with these names (the demo makes fresh keys on every start). */
  async replace(caller: Caller, keys: Array<{ name: string; role: Role }>): Promise<Record<string, string>> {
    await this.dataSource.transaction((manager) =>
      this.keys.revokeByNames(
        manager,
        keys.map((k) => k.name),
      ),
    );
    const created: Record<string, string> = {};
    for (const key of keys) created[key.name] = (await this.create({ ...caller, audited: false }, key)).key;
    return created;
  }
}
