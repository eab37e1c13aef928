import { userInfo } from 'node:os';
import { DomainError } from '../../common/errors/domain-error';
import { UUID_PATTERN } from '../../common/pagination/connection';
import { onTerminationSignal, signalExitCode, untilAborted } from '../../common/process/termination';
import { ApiKeyRow } from '../../security/api-keys.repository';
import { apiKeyInfo } from '../../security/api-keys.service';
import { systemCaller } from '../../security/caller';
import { ROLES } from '../../security/roles';
import { openSecurityStore, SecurityStore } from '../../security/security-store';
import { CliCommand, CliFailure, CliInterrupted, CliIo, CliUsageError } from '../command';
import { printJson } from '../files';
import { requiredString, stringOption } from '../options';

/** Audit rows of CLI key operations name the operating-system user who ran them. */
function cliCaller() {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // containers without a passwd entry
  }
  return systemCaller(`cli:${user}`.replace(/[^A-Za-z0-9._@:-]/g, '_'));
}

/**
 * Opens the key store, runs `work`, closes the store. A SIGINT/SIGTERM meanwhile (Ctrl-C while
 * the embedded PostgreSQL starts, migrations wait for their lock, or a statement runs) stops
 * waiting, closes the store (an unfinished transaction is rolled back with its connection, and an
 * embedded PostgreSQL this command started is stopped) and ends with CliInterrupted. A second
 * signal exits at once; the embedded PostgreSQL's exit hook still gives it a fast shutdown.
 */
async function withStore<T>(work: (store: SecurityStore) => Promise<T>): Promise<T> {
  const interrupt = new AbortController();
  const stopListening = onTerminationSignal((signal) => {
    if (interrupt.signal.aborted) process.exit(signalExitCode(signal));
    interrupt.abort(new CliInterrupted(signal, signalExitCode(signal)));
  });
  try {
    const store = await openSecurityStore({}, interrupt.signal);
    try {
      return await untilAborted(work(store), interrupt.signal);
    } catch (error) {
      // Validation and not-found errors are the user's to fix: say what, without a stack.
      if (error instanceof DomainError) throw new CliFailure(error.message);
      throw error;
    } finally {
      await store.close();
    }
  } finally {
    stopListening();
  }
}

const DETAILS = `
Uses DATABASE_URL, or the embedded PostgreSQL (the running service's, if it is up). Output is JSON on
stdout; the secret is printed only by "keys create" and is never stored or shown again.`;

const createCommand: CliCommand = {
  name: 'create',
  summary: 'Create an API key and print { id, name, role, key } (the key is shown once)',
  options: [
    { name: 'name', value: '<name>', description: 'Unique among live keys: letters, digits, . _ @ -', required: true },
    { name: 'role', value: '<role>', description: `One of ${ROLES.join(', ')}`, required: true },
    { name: 'expires', value: '<iso-time>', description: 'When the key stops working, e.g. 2027-06-30T00:00:00Z' },
  ],
  details: DETAILS,
  async run(values, io: CliIo) {
    const name = requiredString(values, 'name');
    const role = requiredString(values, 'role');
    const expiresText = stringOption(values, 'expires');
    const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/;
    const expiresAt = expiresText === undefined ? null : new Date(expiresText);
    if (expiresText !== undefined && (!iso.test(expiresText) || Number.isNaN(expiresAt!.getTime()))) {
      throw new CliFailure(`--expires must be an ISO 8601 time such as 2027-06-30T00:00:00Z, got "${expiresText}"`);
    }
    const created = await withStore((store) => store.keys.create(cliCaller(), { name, role, expiresAt }));
    printJson(io.stdout, { id: created.row.id, name: created.row.name, role: created.row.role, key: created.key });
  },
};

/** Every key, newest first, read page by page. */
async function allKeys(store: SecurityStore): Promise<ApiKeyRow[]> {
  const all: ApiKeyRow[] = [];
  let before: { createdAt: string; id: string } | null = null;
  for (;;) {
    const page = await store.repository.list(500, before);
    all.push(...page);
    if (page.length < 500) return all;
    const last = page[page.length - 1];
    before = { createdAt: last.createdAt.toISOString(), id: last.id };
  }
}

const listCommand: CliCommand = {
  name: 'list',
  summary: 'Print every API key as JSON (never the secret)',
  details: DETAILS,
  async run(_values, io: CliIo) {
    const rows = await withStore(allKeys);
    printJson(
      io.stdout,
      rows.map(apiKeyInfo).map(({ id, name, role, createdAt, lastUsedAt, expiresAt, revokedAt }) => ({
        id,
        name,
        role,
        createdAt,
        lastUsedAt,
        expiresAt,
        revokedAt,
      })),
    );
  },
};

const revokeCommand: CliCommand = {
  name: 'revoke',
  summary: 'Revoke an API key by id or by name (its open websockets close within seconds)',
  options: [
    { name: 'id', value: '<uuid>', description: 'The key id (from keys list)' },
    { name: 'name', value: '<name>', description: 'The name of a live (unrevoked) key; names are unique among live keys' },
  ],
  details: `${DETAILS}\nGive exactly one of --id and --name.`,
  async run(values, io: CliIo) {
    const id = stringOption(values, 'id');
    const name = stringOption(values, 'name');
    if ((id === undefined) === (name === undefined)) throw new CliUsageError('give exactly one of --id and --name');
    if (id !== undefined && !UUID_PATTERN.test(id)) throw new CliFailure(`--id must be a key id (UUID), got "${id}"`);
    const row = await withStore(async (store) => {
      let target = id;
      if (name !== undefined) {
        const live = (await allKeys(store)).find((key) => key.name === name && key.revokedAt === null);
        if (!live) throw new CliFailure(`--name: no live key is named "${name}" (see keys list)`);
        target = live.id;
      }
      return store.keys.revoke(cliCaller(), target!);
    });
    printJson(io.stdout, { id: row.id, name: row.name, role: row.role, revokedAt: row.revokedAt });
  },
};

export const keysCommand: CliCommand = {
  name: 'keys',
  summary: 'API keys: create, list, revoke',
  subcommands: [createCommand, listCommand, revokeCommand],
};
