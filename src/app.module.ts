import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { AlertsModule } from './alerts/alerts.module';
import { BaselinesModule } from './baselines/baselines.module';
import { ApiExceptionFilter } from './common/errors/api-exception.filter';
import { graphqlOptions } from './common/graphql/graphql-options';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DatabaseModule } from './database/database.module';
import { DriftModule } from './drift/drift.module';
import { GraphqlIdeModule } from './graphql-ide/graphql-ide.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { MetricsModule } from './metrics/metrics.module';
import { MonitoringJobsModule } from './monitoring-jobs/monitoring-jobs.module';
import { PerformanceModule } from './performance/performance.module';
import { PrivacyModule } from './privacy/privacy.module';
import { RetrainingModule } from './retraining/retraining.module';
import { ScoringModule } from './scoring/scoring.module';
import { GraphqlWsSecurity } from './security/graphql-ws-security';
import { SecurityModule } from './security/security.module';

@Module({})
export class AppModule {
  /**
   * @param overrides environment values that take precedence over process.env (tests and the
   * demo start several differently configured instances in one process).
   */
  static forRoot(overrides: Record<string, string> = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(overrides),
        MetricsModule,
        DatabaseModule,
        SecurityModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [SecurityModule],
          inject: [AppConfig, GraphqlWsSecurity],
          useFactory: graphqlOptions,
        }),
        ScoringModule,
        BaselinesModule,
        // Before DriftModule: routes register in module order, and GET /reports/validation
        // (performance) must be matched before the drift report's GET /reports/:id.
        PerformanceModule,
        DriftModule,
        AlertsModule,
        RetrainingModule,
        IngestionModule,
        MonitoringJobsModule,
        PrivacyModule,
        HealthModule,
        DashboardModule,
        GraphqlIdeModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ApiExceptionFilter }],
    };
  }
}
