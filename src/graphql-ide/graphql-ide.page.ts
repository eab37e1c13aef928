import { IdeAssets } from './graphql-ide.assets';

/**
 * The policy of the IDE page. Scripts only from this origin (the bundles and the page script are
 * files under /graphql-ide/assets; nothing inline, no eval). Styles from this origin plus inline
 * ones: GraphiQL's popovers and dialogs (react-remove-scroll) add <style> elements at run time,
 * and its bundle offers no way to give them a nonce; a style cannot run code. Fonts are data:
 * URLs inside graphiql.min.css. Requests only to this origin: in CSP level 3 'self' also matches
 * ws:/wss: on the same host and port (the subscription socket), while `ws: wss:` would allow a
 * socket to any host.
 */
export const GRAPHQL_IDE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  'font-src data:',
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The HTML shell; GraphiQL draws everything into #graphiql. It holds no credential. */
export function renderGraphqlIdePage(assets: IdeAssets): string {
  const script = (asset: keyof IdeAssets & ('react' | 'reactDom' | 'graphiqlJs' | 'graphqlWs' | 'pageScript')): string =>
    `<script src="${assets.url(assets[asset])}"></script>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>GraphQL IDE · Credit model monitor</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="${assets.url(assets.graphiqlCss)}">
</head><body style="margin:0">
<div id="graphiql" style="height:100vh"><noscript>The GraphQL IDE needs JavaScript.</noscript></div>
${script('react')}
${script('reactDom')}
${script('graphiqlJs')}
${script('graphqlWs')}
${script('pageScript')}
</body></html>`;
}
