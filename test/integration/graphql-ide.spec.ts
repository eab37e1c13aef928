import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GRAPHQL_IDE_SCRIPT } from '../../src/graphql-ide/graphql-ide-script';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(120_000);

/** What Chromium sends when the address bar opens a page. */
const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8';
/** Apollo answers a GET only with one of these (CSRF prevention); a browser navigation sends neither. */
const PREFLIGHT = { 'apollo-require-preflight': 'true' };

/** The npm files the IDE must serve, byte for byte, with the content type each must carry. */
const PACKAGE_FILES = [
  { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' },
  { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' },
  { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' },
  { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', type: 'text/javascript; charset=utf-8' },
];

function packageFile(pkg: string, file: string): { version: string; bytes: Buffer } {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  return { version, bytes: readFileSync(join(dirname(manifest), file)) };
}

/** The src/href of every <script> and <link> in the page. */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
}

describe('GraphQL IDE served by the service (GRAPHQL_IDE=auto outside production)', () => {
  const fixture = useServiceFixture();

  it('answers a browser GET /graphql with the IDE page under a strict same-origin policy', async () => {
    const response = await fixture.service.fetch('/graphql', { headers: { accept: BROWSER_ACCEPT } }, null);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    // 'self' alone: CSP level 3 lets it match the same-origin ws: socket (the browser test subscribes through it).
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('font-src')).toEqual(['data:']);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    // No directive names another host: nothing outside this origin may be loaded.
    expect(csp).not.toMatch(/https?:|\*|unsafe-eval/);

    const html = await response.text();
    expect(html).toContain('<div id="graphiql"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const urls = assetUrls(html);
    expect(urls.filter((url) => url.startsWith('/graphql-ide/assets/'))).toHaveLength(6);
    expect(urls.every((url) => url.startsWith('/graphql-ide/assets/') || url === 'data:,')).toBe(true);
    expect(html).not.toMatch(/unpkg|jsdelivr|cdn\./i);
  });

  it('serves each bundle from the installed npm package with its content type, gzip and a year-long immutable cache', async () => {
    const html = await (await fixture.service.fetch('/graphql', { headers: { accept: BROWSER_ACCEPT } }, null)).text();
    const urls = assetUrls(html);
    for (const { pkg, file, type } of PACKAGE_FILES) {
      const { version, bytes } = packageFile(pkg, file);
      const url = urls.find((u) => u.includes(`/${pkg}@${version}.`) && u.endsWith(file.slice(file.lastIndexOf('.'))));
      expect(url).toBeDefined();
      // fetch asks for gzip and unpacks it: the bytes must be the package's file exactly.
      const response = await fixture.service.fetch(url!, {}, null);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(type);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);

      const identity = await fixture.service.fetch(url!, { headers: { 'accept-encoding': 'identity' } }, null);
      expect(identity.headers.get('content-encoding')).toBeNull();
      expect(Number(identity.headers.get('content-length'))).toBe(bytes.length);
      await identity.arrayBuffer();

      const revalidated = await fixture.service.fetch(url!, { headers: { 'if-none-match': response.headers.get('etag')! } }, null);
      expect(revalidated.status).toBe(304);
    }

    const script = urls.find((u) => /\/graphql-ide\.[0-9a-f]{16}\.js$/.test(u));
    const page = await fixture.service.fetch(script!, {}, null);
    expect(page.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await page.text()).toBe(GRAPHQL_IDE_SCRIPT);
    // The page script talks to this origin only.
    expect(GRAPHQL_IDE_SCRIPT).not.toMatch(/https?:\/\//);

    const unknown = await fixture.service.fetch('/graphql-ide/assets/graphiql@0.0.0.min.js', {}, null);
    expect(unknown.status).toBe(404);
  });

  it('passes every non-HTML GET /graphql on to Apollo, unchanged', async () => {
    const query = encodeURIComponent('{ __typename }');
    for (const accept of ['application/json', 'application/graphql-response+json', '*/*']) {
      const response = await fixture.service.fetch(`/graphql?query=${query}`, { headers: { accept, ...PREFLIGHT } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
      expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
    }
    // A GET query reaches the role guard like a POST: without a key, `me` is refused.
    const me = await fixture.service.fetch(
      `/graphql?query=${encodeURIComponent('{ me { name } }')}`,
      { headers: { accept: 'application/json', ...PREFLIGHT } },
      null,
    );
    const body = (await me.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Apollo's own answer to a GET without a query (its landing page is off): a 400, not a page.
    const bare = await fixture.service.fetch('/graphql', { headers: { accept: 'application/json' } }, null);
    expect(bare.status).toBe(400);
    expect(bare.headers.get('content-type')).not.toMatch(/html/);
    await bare.text();

    // POST is untouched.
    const posted = await fixture.service.gql<{ me: { role: string } }>('{ me { role } }');
    expect(posted.data?.me.role).toBe('admin');
  });

  it('opens the IDE for a browser that follows a ?query= link (GraphiQL prefills it)', async () => {
    const response = await fixture.service.fetch(
      `/graphql?query=${encodeURIComponent('{ me { name } }')}`,
      { headers: { accept: BROWSER_ACCEPT } },
      null,
    );
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('<div id="graphiql"');
  });
});

describe('GraphQL IDE switched off (GRAPHQL_IDE=false)', () => {
  const fixture = useServiceFixture({ GRAPHQL_IDE: 'false' });

  it('lets a browser GET /graphql reach Apollo as a normal request, with no IDE and no assets', async () => {
    const response = await fixture.service.fetch('/graphql', { headers: { accept: BROWSER_ACCEPT } }, null);
    expect(response.headers.get('content-type') ?? '').not.toMatch(/html/);
    expect(response.headers.get('content-security-policy')).toBeNull();
    const text = await response.text();
    expect(text).not.toMatch(/graphiql/i);
    // Apollo's CSRF prevention refuses a plain browser GET: the request was Apollo's to answer.
    expect(response.status).toBe(400);

    const withPreflight = await fixture.service.fetch(`/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: BROWSER_ACCEPT, ...PREFLIGHT },
    });
    expect(withPreflight.status).toBe(200);
    expect(await withPreflight.json()).toEqual({ data: { __typename: 'Query' } });

    const { version } = packageFile('graphiql', 'graphiql.min.js');
    const asset = await fixture.service.fetch(`/graphql-ide/assets/graphiql@${version}.min.js`, {}, null);
    expect(asset.status).toBe(404);
  });
});
