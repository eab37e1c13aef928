import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { AuditLogRepository } from './audit-log.repository';
import { AuthenticationService } from './authentication.service';
import { ApiKeyEntity } from './entities/api-key.entity';
import { AuditLogEntity } from './entities/audit-log.entity';
import { GraphqlWsSecurity } from './graphql-ws-security';
import { RoleGuard } from './role.guard';
import { SecurityResolver } from './security.resolver';
import { WsConnections } from './ws-connections';

/**
 * Principals (API keys, OIDC), the role guard for every request, rate limits, websocket
 * admission and the audit trail. Global and at the bottom of the module graph: every feature
 * module audits its changes through AuditService, and security imports no feature module.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKeyEntity, AuditLogEntity])],
  providers: [
    { provide: ApiKeysRepository, useFactory: (dataSource: DataSource) => new ApiKeysRepository(dataSource), inject: [DataSource] },
    { provide: AuditLogRepository, useFactory: (dataSource: DataSource) => new AuditLogRepository(dataSource), inject: [DataSource] },
    AuditService,
    {
      provide: ApiKeysService,
      useFactory: (dataSource: DataSource, keys: ApiKeysRepository, audit: AuditService) => new ApiKeysService(dataSource, keys, audit),
      inject: [DataSource, ApiKeysRepository, AuditService],
    },
    AuthenticationService,
    WsConnections,
    GraphqlWsSecurity,
    SecurityResolver,
    { provide: APP_GUARD, useClass: RoleGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditService, AuthenticationService, WsConnections, GraphqlWsSecurity, ApiKeysService],
})
export class SecurityModule {}
