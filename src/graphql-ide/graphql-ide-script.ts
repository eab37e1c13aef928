/**
 * The IDE page's own script (served as a file under the page's `script-src 'self'`, never inline).
 * It mounts GraphiQL from the globals of the UMD bundles loaded before it (React, ReactDOM,
 * GraphiQL, graphqlWs) with one fetcher for both transports:
 *
 * - queries and mutations: POST /graphql on this origin, with the headers from GraphiQL's headers
 *   editor (where users paste `{"Authorization": "Bearer cmk_…"}`);
 * - subscriptions: graphql-ws (graphql-transport-ws) at this origin's /graphql, with the
 *   Authorization header sent as the `connection_init` payload `{ authorization }`, which is how
 *   the service authenticates sockets (src/security/graphql-ws-security.ts). A socket is
 *   authenticated once, so the client is re-created whenever that header changes: the old socket
 *   (and a subscription still running on it under the old credential) is closed as soon as the
 *   edited headers carry a different one.
 *
 * The page reads GraphiQL's usual URL parameters (`?query=`, `?variables=`, `?operationName=`),
 * never headers: a credential does not belong in a URL. GraphiQL keeps tabs and history in
 * localStorage; headers are not persisted (shouldPersistHeaders: false), and the history entries,
 * which GraphiQL stores with their headers, are written without them, so no API key is left in
 * the browser's storage.
 */
export const GRAPHQL_IDE_SCRIPT = String.raw`
(() => {
  'use strict';
  const ENDPOINT = '/graphql';
  const socketUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + ENDPOINT;

  /** The Authorization value of a headers object, whatever the case of its name. */
  function authorizationOf(headers) {
    if (!headers || typeof headers !== 'object') return undefined;
    const name = Object.keys(headers).find((key) => key.toLowerCase() === 'authorization');
    const value = name === undefined ? undefined : headers[name];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  }

  // ---- subscriptions over graphql-ws, one client per credential ----
  let socket = null; // { authorization, client }
  function dropSocket() {
    if (!socket) return;
    socket.client.dispose();
    socket = null;
  }
  function socketClient(authorization) {
    if (socket && socket.authorization === authorization) return socket.client;
    dropSocket();
    const client = graphqlWs.createClient({
      url: socketUrl,
      // The payload the service's onConnect reads; without a credential it closes with 4401.
      connectionParams: authorization ? { authorization } : {},
      lazy: true, // connect with the first subscription, close after the last one ends
      retryAttempts: 3,
    });
    socket = { authorization, client };
    return client;
  }
  /** A close event is no Error: say what the server's close code means. */
  function socketError(error) {
    if (error && typeof error.code === 'number' && 'reason' in error) {
      const meaning = { 4401: 'credential refused', 4403: 'forbidden', 4429: 'too many connections', 1009: 'message too big' }[error.code];
      return new Error('WebSocket closed by the server: ' + error.code + (meaning ? ' ' + meaning : '') + (error.reason ? ' (' + error.reason + ')' : ''));
    }
    if (error instanceof Event) return new Error('WebSocket connection to ' + socketUrl + ' failed');
    return error;
  }
  function subscribe(params, authorization) {
    const client = socketClient(authorization);
    // An observable GraphiQL understands: it calls subscribe(), and unsubscribe() on Stop.
    return {
      subscribe(observer) {
        const dispose = client.subscribe(params, {
          next: (value) => observer.next && observer.next(value),
          error: (error) => observer.error && observer.error(socketError(error)),
          complete: () => observer.complete && observer.complete(),
        });
        return { unsubscribe: dispose };
      },
    };
  }

  // ---- queries and mutations over HTTP ----
  async function post(params, headers) {
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      credentials: 'omit',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
      body: JSON.stringify(params),
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new Error('HTTP ' + response.status + ' from ' + ENDPOINT + ': ' + text.slice(0, 300));
    }
  }

  /**
   * The operations of a document, [{ type, name }], read from its top-level tokens. GraphiQL
   * passes a parsed document too, but that lags a fresh edit (the editor parses after a pause),
   * so a subscription pasted and run at once would go to HTTP; the text is always current.
   */
  function operationsOf(query) {
    const text = String(query).replace(/"""[\s\S]*?"""|"(?:[^"\\\n\r]|\\.)*"|#[^\n\r]*/g, ' ');
    const tokens = /[{}()]|[_A-Za-z][_0-9A-Za-z]*/g;
    const operations = [];
    let depth = 0;
    let parens = 0;
    let atDefinitionStart = true;
    let naming = null; // the operation whose name may come next
    for (let match = tokens.exec(text); match; match = tokens.exec(text)) {
      const token = match[0];
      if (token === '(' || token === ')' || parens > 0) {
        // Variable definitions and directive arguments: nothing in them starts a definition.
        parens += token === '(' ? 1 : token === ')' ? -1 : 0;
        naming = null;
      } else if (token === '{') {
        if (depth === 0 && atDefinitionStart) operations.push({ type: 'query', name: null });
        depth++;
        atDefinitionStart = false;
        naming = null;
      } else if (token === '}') {
        depth--;
        if (depth === 0) atDefinitionStart = true;
      } else if (depth === 0 && naming) {
        naming.name = token;
        naming = null;
      } else if (depth === 0 && atDefinitionStart) {
        if (token === 'query' || token === 'mutation' || token === 'subscription') {
          naming = { type: token, name: null };
          operations.push(naming);
        }
        atDefinitionStart = false; // an operation or a fragment (or a typo the server will name)
      }
    }
    return operations;
  }

  function isSubscription(params) {
    const operations = operationsOf(params.query);
    const chosen = params.operationName ? operations.find((o) => o.name === params.operationName) : operations[0];
    return Boolean(chosen) && chosen.type === 'subscription';
  }

  function fetcher(params, options) {
    const headers = (options && options.headers) || {};
    if (isSubscription(params)) return subscribe(params, authorizationOf(headers));
    return post(params, headers);
  }

  /** Closes the socket of the old credential as soon as the headers name another one. */
  function onEditHeaders(text) {
    if (!socket) return;
    let headers;
    try {
      headers = text.trim() ? JSON.parse(text) : {};
    } catch {
      return; // still being typed
    }
    if (authorizationOf(headers) !== socket.authorization) dropSocket();
  }

  // ---- storage: GraphiQL's, without credentials ----
  const withoutHeaders = (value) => {
    try {
      const parsed = JSON.parse(value);
      if (!parsed || typeof parsed !== 'object') return value;
      return JSON.stringify(parsed, (key, v) => (key === 'headers' ? undefined : v));
    } catch {
      return value;
    }
  };
  let storage;
  try {
    const local = window.localStorage;
    storage = {
      getItem: (key) => local.getItem(key),
      setItem: (key, value) => local.setItem(key, withoutHeaders(value)),
      removeItem: (key) => local.removeItem(key),
      clear: () => Object.keys(local).filter((key) => key.startsWith('graphiql:')).forEach((key) => local.removeItem(key)),
      get length() {
        return Object.keys(local).filter((key) => key.startsWith('graphiql:')).length;
      },
    };
  } catch {
    storage = undefined; // storage disabled: GraphiQL keeps everything in memory
  }

  const DEFAULT_QUERY = [
    '# Credit model monitor: GraphQL IDE, served by this service (works offline).',
    '#',
    '# 1. Open "Headers" below and paste your API key:',
    '#      {"Authorization": "Bearer cmk_…"}',
    '#    (keys: npm run cli -- keys create --name NAME --role viewer)',
    '# 2. Run with Ctrl-Enter. Queries and mutations go over HTTP POST /graphql,',
    '#    subscriptions (e.g. alertChanged) over graphql-ws, both with that header.',
    '',
    '{',
    '  me {',
    '    name',
    '    role',
    '  }',
    '}',
    '',
  ].join('\n');

  const search = new URLSearchParams(location.search);
  const fromUrl = (name) => (search.has(name) ? search.get(name) : undefined);
  const props = {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    defaultEditorToolsVisibility: 'headers',
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: false,
    onEditHeaders,
    storage,
  };
  for (const name of ['query', 'variables', 'operationName']) {
    const value = fromUrl(name);
    if (value !== undefined) props[name] = value;
  }

  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, props));
  window.addEventListener('pagehide', dropSocket);
})();
`;
