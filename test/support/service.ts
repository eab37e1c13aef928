import { INestApplication } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { AppModule } from '../../src/app.module';
import { listen } from '../../src/bootstrap';
import { loadAppConfig } from '../../src/config/config.module';

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> & { code?: string } }>;
}

export interface TestService {
  app: INestApplication;
  url: string;
  gql<T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>>;
  close(): Promise<void>;
}

/**
 * Starts the real service (same module and HTTP wiring as main.ts) on a random port against
 * `databaseUrl`. `customize` may replace a provider, e.g. to inject a failure.
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
  return {
    app,
    url,
    gql: (query, variables) => postGraphql(url, query, variables),
    close: () => app.close(),
  };
}

export async function postGraphql<T>(url: string, query: string, variables?: Record<string, unknown>): Promise<GraphqlResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphqlResponse<T>, 'status'>;
  return { status: response.status, ...body };
}
