import { Client } from 'pg';
import { createTestDatabase, sqlClient } from './database';
import { startTestService, TestService } from './service';

export interface ServiceFixture {
  readonly service: TestService;
  /** Plain pg client on the same database, for assertions straight against the tables. */
  readonly sql: Client;
  readonly databaseUrl: string;
}

/**
 * The usual integration-test setup: a fresh database, one service instance on it and a SQL
 * client, created in beforeAll and torn down in afterAll of the calling describe block.
 */
export function useServiceFixture(overrides: Record<string, string> | (() => Record<string, string>) = {}): ServiceFixture {
  let db: { url: string; drop(): Promise<void> } | undefined;
  let service: TestService | undefined;
  let sql: Client | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    service = await startTestService(db.url, typeof overrides === 'function' ? overrides() : overrides);
    sql = await sqlClient(db.url);
  });
  afterAll(async () => {
    await sql?.end();
    await service?.close();
    await db?.drop();
  });
  return {
    get service(): TestService {
      return service!;
    },
    get sql(): Client {
      return sql!;
    },
    get databaseUrl(): string {
      return db!.url;
    },
  };
}
