import { Client } from 'pg';
import { TestService } from './service';
import { ServiceEnv, useServices } from './services';

export interface ServiceFixture {
  readonly service: TestService;
  /** Plain pg client on the same database, for assertions straight against the tables. */
  readonly sql: Client;
  readonly databaseUrl: string;
}

/**
 * The usual integration-test setup: a fresh database, one service instance on it and a SQL
 * client, created in beforeAll and torn down in afterAll of the calling describe block
 * (useServices with one instance).
 */
export function useServiceFixture(overrides: ServiceEnv | (() => ServiceEnv) = {}): ServiceFixture {
  const group = useServices(1, overrides);
  return {
    get service(): TestService {
      return group.services[0];
    },
    get sql(): Client {
      return group.sql;
    },
    get databaseUrl(): string {
      return group.databaseUrl;
    },
  };
}
