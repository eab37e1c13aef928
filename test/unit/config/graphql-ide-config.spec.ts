import { graphqlOptions, WsAdmission } from '../../../src/common/graphql/graphql-options';
import { AppConfig } from '../../../src/config/app-config';
import { validateEnvironment } from '../../../src/config/env.validation';

/** Production needs a metrics token (or metrics off) to start; unrelated to the IDE. */
const PRODUCTION = { NODE_ENV: 'production', METRICS_TOKEN: 'metrics-token-for-the-config-test' };

const NO_SOCKETS: WsAdmission = { onConnect: async () => false, onDisconnect: () => undefined };

describe('GRAPHQL_IDE', () => {
  const ide = (env: Record<string, string>): boolean => new AppConfig(validateEnvironment(env)).graphqlIde;

  it('is on by default outside production and off in production', () => {
    expect(ide({})).toBe(true);
    expect(ide({ NODE_ENV: 'development' })).toBe(true);
    expect(ide({ NODE_ENV: 'test' })).toBe(true);
    expect(ide(PRODUCTION)).toBe(false);
    expect(ide({ ...PRODUCTION, GRAPHQL_IDE: 'auto' })).toBe(false);
  });

  it('can be forced either way', () => {
    expect(ide({ ...PRODUCTION, GRAPHQL_IDE: 'true' })).toBe(true);
    expect(ide({ NODE_ENV: 'development', GRAPHQL_IDE: 'false' })).toBe(false);
  });

  it("turns introspection on wherever the IDE is (it needs the schema), off in production without it, and never enables Apollo's CDN pages", () => {
    const options = (env: Record<string, string>) => graphqlOptions(new AppConfig(validateEnvironment(env)), NO_SOCKETS);
    expect(options({ ...PRODUCTION, GRAPHQL_IDE: 'true' }).introspection).toBe(true);
    expect(options(PRODUCTION).introspection).toBe(false);
    expect(options({ ...PRODUCTION, GRAPHQL_IDE: 'false' }).introspection).toBe(false);
    expect(options({ NODE_ENV: 'development' }).introspection).toBe(true);
    // Outside production introspection stays on for tools (codegen, schema checks) even without the IDE.
    expect(options({ NODE_ENV: 'development', GRAPHQL_IDE: 'false' }).introspection).toBe(true);
    for (const env of [{ NODE_ENV: 'development' }, PRODUCTION]) {
      const built = options(env);
      expect(built.graphiql).toBe(false);
      expect(built.playground).toBe(false);
      // Apollo's internal marker plugin: without it Apollo adds its default landing page (from its CDN).
      expect(built.plugins?.some((p) => (p as { __internal_plugin_id__?: string }).__internal_plugin_id__ === 'LandingPageDisabled')).toBe(
        true,
      );
    }
  });

  it('rejects other values, naming the variable', () => {
    expect(() => validateEnvironment({ GRAPHQL_IDE: 'yes' })).toThrow(/GRAPHQL_IDE/);
  });
});
