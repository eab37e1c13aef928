import { TestingModuleBuilder } from '@nestjs/testing';
import { Client } from 'pg';
import { createTestDatabase, sqlClient } from './database';
import { startTestService, TestService } from './service';

export type ServiceEnv = Record<string, string>;

export interface ServiceGroupOptions {
  /** Start on this database (someone else's: it is not dropped) instead of a fresh one. */
  databaseUrl?: string;
  /** Replaces providers in every instance, e.g. to inject a failure (see startTestService). */
  customize?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
}

/** n instances of the service on one database, a SQL client on it, and one way to stop them all. */
export interface ServiceGroup {
  readonly services: TestService[];
  /** Plain pg client on the same database, for assertions straight against the tables. */
  readonly sql: Client;
  readonly databaseUrl: string;
  close(): Promise<void>;
}

/**
 * Starts `n` instances (one after the other, so the first applies the migrations and seeds the
 * baseline; instances.spec.ts covers a simultaneous start) on a fresh database, unless
 * `options.databaseUrl` names one. Whatever started is stopped again if a later step fails.
 */
export async function startServices(n: number, env: ServiceEnv = {}, options: ServiceGroupOptions = {}): Promise<ServiceGroup> {
  const db = options.databaseUrl ? null : await createTestDatabase();
  const databaseUrl = options.databaseUrl ?? db!.url;
  const services: TestService[] = [];
  let sql: Client | undefined;
  const close = async (): Promise<void> => {
    await sql?.end();
    for (const service of [...services].reverse()) await service.close();
    await db?.drop();
  };
  try {
    for (let i = 0; i < n; i++) services.push(await startTestService(databaseUrl, env, options.customize));
    sql = await sqlClient(databaseUrl);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
  return { services, sql, databaseUrl, close };
}

/** startServices for the length of `work` only: for a test that needs a database of its own. */
export async function withServices<T>(
  n: number,
  env: ServiceEnv,
  work: (group: ServiceGroup) => Promise<T>,
  options: ServiceGroupOptions = {},
): Promise<T> {
  const group = await startServices(n, env, options);
  try {
    return await work(group);
  } finally {
    await group.close();
  }
}

/**
 * The multi-instance setup of a describe block: `n` instances on one database (fresh unless
 * `databaseUrl` names one), started in its beforeAll and stopped in its afterAll. `env` may be a
 * function, read when the block starts. The fields are readable from the first test on.
 */
export function useServices(
  n: number,
  env: ServiceEnv | (() => ServiceEnv) = {},
  options: { databaseUrl?: () => string; customize?: ServiceGroupOptions['customize'] } = {},
): Omit<ServiceGroup, 'close'> {
  let group: ServiceGroup | undefined;
  beforeAll(async () => {
    group = await startServices(n, typeof env === 'function' ? env() : env, {
      databaseUrl: options.databaseUrl?.(),
      customize: options.customize,
    });
  });
  afterAll(async () => {
    await group?.close();
  });
  const started = (): ServiceGroup => {
    if (!group) throw new Error('useServices: the services start in beforeAll; read them inside a hook or a test');
    return group;
  };
  return {
    get services(): TestService[] {
      return started().services;
    },
    get sql(): Client {
      return started().sql;
    },
    get databaseUrl(): string {
      return started().databaseUrl;
    },
  };
}
