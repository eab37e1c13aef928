import { WS_CLOSE } from '../../src/security/ws-connections';
import { useServiceFixture } from '../support/service-fixture';
import { ALERT_CHANGED, connectWs } from '../support/ws-client';

/**
 * When the key lookup itself fails (the database unreachable, here: its table renamed away for a
 * moment), a good key must not be reported as a bad one: HTTP callers get INTERNAL_SERVER_ERROR
 * with a retry hint, websocket clients a 1011 close, and no anonymous bucket or refusal is charged.
 */
describe('credential checks during a database outage', () => {
  const fixture = useServiceFixture();

  async function duringOutage<T>(work: () => Promise<T>): Promise<T> {
    await fixture.sql.query('ALTER TABLE api_keys RENAME TO api_keys_unreachable');
    try {
      return await work();
    } finally {
      await fixture.sql.query('ALTER TABLE api_keys_unreachable RENAME TO api_keys');
    }
  }

  it('answers INTERNAL_SERVER_ERROR (retry), not UNAUTHENTICATED, and the same key works once the database is back', async () => {
    const viewer = await fixture.service.issueKey('viewer');
    const refusalsBefore = (await fixture.sql.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n as number;

    const during = await duringOutage(() => fixture.service.gql(`{ me { name } }`, {}, viewer));
    expect(during.data).toBeFalsy();
    expect(during.errors).toHaveLength(1);
    expect(during.errors![0].extensions?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(during.errors![0].message).toMatch(/could not be checked right now.*retry later/);
    // Nothing was refused, so nothing was audited as a refusal.
    expect((await fixture.sql.query(`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n).toBe(refusalsBefore);

    const after = await fixture.service.gql<{ me: { name: string } }>(`{ me { name } }`, {}, viewer);
    expect(after.errors).toBeUndefined();
    expect(after.data!.me.name).toBe(viewer.name);
  });

  it('closes a websocket with 1011 (retry), not 4401, while the check cannot run', async () => {
    const viewer = await fixture.service.issueKey('viewer');
    const code = await duringOutage(async () => {
      const client = connectWs(fixture.service.url, viewer);
      client.subscribe(ALERT_CHANGED);
      const closedWith = await client.closed;
      await client.dispose();
      return closedWith;
    });
    expect(code).toBe(WS_CLOSE.internalError);
  });

  it('still answers UNAUTHENTICATED for an unknown key when the database is up', async () => {
    const unknown = `cmk_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    const response = await fixture.service.gql(
      `{ me { name } }`,
      {},
      {
        id: 'never-issued',
        name: 'never-issued',
        role: 'viewer',
        key: unknown,
        headers: { authorization: `Bearer ${unknown}` },
      },
    );
    expect(response.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
