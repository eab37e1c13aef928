import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { GRAPHQL_IDE_SCRIPT } from './graphql-ide-script';

const gzipAsync = promisify(gzip);

/** Where the IDE's files are served; outside /graphql, where Apollo's middleware is mounted. */
export const ASSET_PREFIX = '/graphql-ide/assets';

/** One file the IDE page loads, with its name in URLs and the content type it is served with. */
export interface IdeAsset {
  readonly name: string;
  readonly contentType: string;
  /** The file's bytes, uncompressed and gzipped, and a strong ETag; read once, on first use. */
  body(): Promise<AssetBody>;
}

export interface AssetBody {
  readonly raw: Buffer;
  readonly gzipped: Buffer;
  readonly etag: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The npm files the IDE runs on, by package and path inside it. GraphiQL's UMD bundle expects
 * React and ReactDOM as globals (window.React, window.ReactDOM) and brings graphql, CodeMirror and
 * its fonts (inlined as data: URLs in the stylesheet) with it; graphql-ws's UMD build defines
 * window.graphqlWs. None of them loads anything from the network by itself.
 */
const PACKAGE_FILES: ReadonlyArray<{ pkg: string; file: string; suffix: string; contentType: string }> = [
  { pkg: 'react', file: 'umd/react.production.min.js', suffix: 'production.min.js', contentType: JS },
  { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', suffix: 'production.min.js', contentType: JS },
  { pkg: 'graphiql', file: 'graphiql.min.js', suffix: 'min.js', contentType: JS },
  { pkg: 'graphiql', file: 'graphiql.min.css', suffix: 'min.css', contentType: CSS },
  { pkg: 'graphql-ws', file: 'umd/graphql-ws.min.js', suffix: 'min.js', contentType: JS },
];

function lazyBody(load: () => Promise<Buffer>): () => Promise<AssetBody> {
  let pending: Promise<AssetBody> | undefined;
  return () => {
    pending ??= load().then(async (raw) => ({
      raw,
      // gzip on libuv's thread pool, once per file: GraphiQL's bundle is 3.5 MB, about 0.7 MB gzipped.
      gzipped: await gzipAsync(raw, { level: 9 }),
      etag: `"${createHash('sha256').update(raw).digest('base64url').slice(0, 27)}"`,
    }));
    // A failed read is not cached: the next request tries again.
    pending.catch(() => (pending = undefined));
    return pending;
  };
}

/**
 * The versioned asset table. Every URL carries the package version (or, for the page script, a
 * hash of its text), so a URL always names the same bytes and can be cached for a year as
 * immutable; an upgrade changes the URL. Files are found with require.resolve through each
 * package's package.json (graphql-ws's `exports` map does not list its umd/ folder), so a missing
 * package fails at start, not on a user's first visit.
 */
export class IdeAssets {
  readonly react: IdeAsset;
  readonly reactDom: IdeAsset;
  readonly graphiqlJs: IdeAsset;
  readonly graphiqlCss: IdeAsset;
  readonly graphqlWs: IdeAsset;
  readonly pageScript: IdeAsset;
  private readonly byName: Map<string, IdeAsset>;

  constructor(resolve: (request: string) => string = require.resolve) {
    const [react, reactDom, graphiqlJs, graphiqlCss, graphqlWs] = PACKAGE_FILES.map(({ pkg, file, suffix, contentType }) => {
      const manifest = resolve(`${pkg}/package.json`);
      const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
      const path = join(dirname(manifest), file);
      if (!existsSync(path)) throw new Error(`GraphQL IDE: ${pkg}@${version} has no ${file} (reinstall the package)`);
      return { name: `${pkg}@${version}.${suffix}`, contentType, body: lazyBody(() => readFile(path)) };
    });
    const script = Buffer.from(GRAPHQL_IDE_SCRIPT, 'utf8');
    const scriptHash = createHash('sha256').update(script).digest('hex').slice(0, 16);
    this.react = react;
    this.reactDom = reactDom;
    this.graphiqlJs = graphiqlJs;
    this.graphiqlCss = graphiqlCss;
    this.graphqlWs = graphqlWs;
    this.pageScript = { name: `graphql-ide.${scriptHash}.js`, contentType: JS, body: lazyBody(async () => script) };
    this.byName = new Map([react, reactDom, graphiqlJs, graphiqlCss, graphqlWs, this.pageScript].map((a) => [a.name, a]));
  }

  find(name: string): IdeAsset | undefined {
    return this.byName.get(name);
  }

  url(asset: IdeAsset): string {
    return `${ASSET_PREFIX}/${asset.name}`;
  }
}
