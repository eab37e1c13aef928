import { Args, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { InputValidationError, NotFoundError } from '../common/errors/domain-error';
import {
  Connection,
  ConnectionType,
  decodeCursor,
  decodeNumberCursor,
  encodeCursor,
  pageSize,
  toConnection,
  UUID_PATTERN,
} from '../common/pagination/connection';
import { ApiKeysRepository } from './api-keys.repository';
import { apiKeyInfo, ApiKeysService } from './api-keys.service';
import { AuditLogRepository } from './audit-log.repository';
import type { Caller } from './caller';
import { AuditLogFilter, CreateApiKeyInput, RevokeApiKeyInput } from './dto/security.inputs';
import { ApiKey, AuditEntry, CreateApiKeyPayload, PrincipalModel } from './models/security.models';
import { ROLE_MATRIX } from './role-matrix';
import { CurrentCaller } from './security.decorators';

const ApiKeyConnection = ConnectionType(ApiKey, 'ApiKey');
const AuditEntryConnection = ConnectionType(AuditEntry, 'AuditEntry');

@Resolver()
export class SecurityResolver {
  constructor(
    private readonly keysService: ApiKeysService,
    private readonly keys: ApiKeysRepository,
    private readonly auditTrail: AuditLogRepository,
  ) {}

  @Query(() => PrincipalModel, { description: 'The principal this request is authenticated as' })
  me(@CurrentCaller() caller: Caller): PrincipalModel {
    const { name, role, kind, expiresAt } = caller.principal;
    const allowedOperations = Object.keys(ROLE_MATRIX).filter((operation) => ROLE_MATRIX[operation].includes(role));
    return { name, role, kind, expiresAt, allowedOperations };
  }

  @Query(() => ApiKeyConnection, { description: 'API keys, newest first (admin)' })
  async apiKeys(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<Connection<ApiKey>> {
    const size = pageSize(first);
    let before: { createdAt: string; id: string } | null = null;
    if (after) {
      const [createdAt, id] = decodeCursor(after);
      if (typeof createdAt !== 'string' || Number.isNaN(Date.parse(createdAt)) || typeof id !== 'string' || !UUID_PATTERN.test(id)) {
        throw new InputValidationError([{ index: null, field: 'after', rule: 'is not a valid cursor' }]);
      }
      before = { createdAt, id };
    }
    const rows = await this.keys.list(size + 1, before);
    return toConnection(rows, size, await this.keys.count(), (row) => encodeCursor([row.createdAt.toISOString(), row.id]), apiKeyInfo);
  }

  @Query(() => AuditEntryConnection, { description: 'The audit trail, newest first (admin)' })
  async auditLog(
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('filter', { type: () => AuditLogFilter, nullable: true }) filter?: AuditLogFilter,
  ): Promise<Connection<AuditEntry>> {
    const size = pageSize(first);
    const rows = await this.auditTrail.list(filter ?? {}, size + 1, after ? decodeNumberCursor(after) : null);
    return toConnection(
      rows,
      size,
      await this.auditTrail.count(filter ?? {}),
      (row) => encodeCursor([Number(row.id)]),
      (row) => row,
    );
  }

  @Mutation(() => CreateApiKeyPayload, { description: 'Create an API key; the secret is in the response only (admin)' })
  async createApiKey(@Args('input') input: CreateApiKeyInput, @CurrentCaller() caller: Caller): Promise<CreateApiKeyPayload> {
    const created = await this.keysService.create(caller, input);
    return { apiKey: apiKeyInfo(created.row), key: created.key };
  }

  @Mutation(() => ApiKey, {
    description: 'Revoke an API key: refused at once, and its open websockets close within seconds on every instance (admin)',
  })
  async revokeApiKey(@Args('input') input: RevokeApiKeyInput, @CurrentCaller() caller: Caller): Promise<ApiKey> {
    if (!UUID_PATTERN.test(input.id)) throw new NotFoundError('API key', input.id);
    return apiKeyInfo(await this.keysService.revoke(caller, input.id));
  }
}
