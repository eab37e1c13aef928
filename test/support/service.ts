import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { listen } from '../../src/bootstrap';
import { loadAppConfig } from '../../src/config/config.module';
import { ApiKeysService } from '../../src/security/api-keys.service';
import { systemCaller } from '../../src/security/caller';
import type { Role } from '../../src/security/roles';
import { asIssued, IssuedKey, uniqueKeyName } from './keys';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
}

export interface TestService {
  app: INestApplication;
  url: string;
  /** The admin key every helper below uses unless told otherwise. */
  adminKey: IssuedKey;
  /** A GraphQL request authenticated with `key` (default: the admin key), as any client sends it. */
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, key?: IssuedKey | null): Promise<GraphqlResponse<T>>;
  /** fetch() against the service with the admin key (or `key`; null sends no credentials). */
  fetch(path: string, init?: RequestInit, key?: IssuedKey | null): Promise<Response>;
  /** A new API key with this role (created in-process, as `keys create` would). */
  issueKey(role: Role, options?: { name?: string; expiresAt?: Date | null }): Promise<IssuedKey>;
  close(): Promise<void>;
}

/**
 * Starts the real service (same module and HTTP wiring as main.ts) on a random port against
 * `databaseUrl`, with authentication on as in production: an admin key is created for the
 * helpers. `customize` may replace a provider, e.g. to inject a failure.
 */
export async function startTestService(
  databaseUrl: string,
  overrides: Record<string, string> = {},
  customize: (builder: TestingModuleBuilder) => TestingModuleBuilder = (builder) => builder,
): Promise<TestService> {
  const env = { NODE_ENV: 'test', LOG_LEVEL: 'error', PORT: '0', HOST: '127.0.0.1', DATABASE_URL: databaseUrl, ...overrides };
  const moduleRef = await customize(Test.createTestingModule({ imports: [AppModule.forRoot(env)] })).compile();
  const nestApp = moduleRef.createNestApplication({ bodyParser: false });
  const { app, url } = await listen(nestApp, loadAppConfig(env));
  const keys = app.get(ApiKeysService);
  const issueKey = async (role: Role, options: { name?: string; expiresAt?: Date | null } = {}): Promise<IssuedKey> => {
    const created = await keys.create(systemCaller('test-setup'), {
      name: options.name ?? uniqueKeyName(role),
      role,
      expiresAt: options.expiresAt ?? null,
    });
    return asIssued(created.row, created.key);
  };
  const adminKey = await issueKey('admin', { name: uniqueKeyName('test-admin') });
  // The first use of a key pays for its scrypt check; pay it here, so a test's first request
  // (or a subscription racing an event) is as quick as every later one.
  await postGraphql(url, '{ me { name } }', undefined, adminKey);
  return {
    app,
    url,
    adminKey,
    gql: (query, variables, key) => postGraphql(url, query, variables, key === undefined ? adminKey : key),
    fetch: (path, init = {}, key) => authorizedFetch(`${url}${path}`, init, key === undefined ? adminKey : key),
    issueKey,
    close: () => app.close(),
  };
}

export function authorizedFetch(url: string, init: RequestInit, key: IssuedKey | null): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('authorization', key.headers.authorization);
  return fetch(url, { ...init, headers });
}

export async function postGraphql<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  key?: IssuedKey | null,
): Promise<GraphqlResponse<T>> {
  const response = await authorizedFetch(
    `${url}/graphql`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) },
    key ?? null,
  );
  const body = (await response.json()) as Omit<GraphqlResponse<T>, 'status'>;
  return { status: response.status, ...body };
}
