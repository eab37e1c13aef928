import { Provider, Type } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { runMigrationsWithLock } from '../../src/database/migration-runner';
import { createTestDatabase } from './database';

export interface MigratedDatabase {
  /** An initialised DataSource (pool of 2) on the fresh, migrated database. */
  readonly dataSource: DataSource;
  /** The database's connection string, e.g. for a plain pg client (sqlClient). */
  readonly url: string;
  /** A testing module with the DataSource and the given providers. */
  readonly moduleRef: TestingModule;
  /** moduleRef.get(token). */
  get<T>(token: Type<T> | string | symbol): T;
}

/**
 * The usual medium-tier setup: a fresh database, migrated, with a DataSource on it and a testing
 * module holding that DataSource and `providers`, created in beforeAll and torn down in afterAll of
 * the calling describe block. Hooks of the caller declared after this call run after these
 * beforeAll (and after these afterAll: declare a teardown that needs the database before the call).
 */
export function useMigratedDatabase(providers: Provider[] = []): MigratedDatabase {
  let db: { url: string; drop(): Promise<void> } | undefined;
  let dataSource: DataSource | undefined;
  let moduleRef: TestingModule | undefined;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource(dataSourceOptions(db.url, 2));
    await dataSource.initialize();
    await runMigrationsWithLock(dataSource);
    moduleRef = await Test.createTestingModule({
      providers: [{ provide: DataSource, useValue: dataSource }, ...providers],
    }).compile();
  });

  afterAll(async () => {
    await moduleRef?.close();
    if (dataSource?.isInitialized) await dataSource.destroy();
    await db?.drop();
  });

  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useMigratedDatabase: ${what} is only available once beforeAll has run`);
    return value;
  };

  return {
    get dataSource(): DataSource {
      return ready(dataSource, 'dataSource');
    },
    get url(): string {
      return ready(db, 'url').url;
    },
    get moduleRef(): TestingModule {
      return ready(moduleRef, 'moduleRef');
    },
    get<T>(token: Type<T> | string | symbol): T {
      return ready(moduleRef, 'moduleRef').get<T>(token);
    },
  };
}
