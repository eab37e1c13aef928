import { buildSchema, GraphQLObjectType } from 'graphql';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ROLE_MATRIX } from '../../src/security/role-matrix';
import { Role, ROLES } from '../../src/security/roles';
import { applications, ingestMutation } from '../support/applications';
import { IssuedKey } from '../support/keys';
import { useServiceFixture } from '../support/service-fixture';
import { ALERT_CHANGED, connectWs } from '../support/ws-client';
import { MODEL, reportDrift } from '../unit/alerts/drift-report.fixture';

jest.setTimeout(180_000);

/**
 * One call per GraphQL operation: the smallest document that reaches the resolver. What an
 * allowed role then gets (data, NOT_FOUND, BAD_USER_INPUT) does not matter here; only whether
 * the guard let it through.
 */
const CALLS: Record<string, () => { query: string; variables?: Record<string, unknown> }> = {
  'Mutation.ingestBatch': () => ({
    query: ingestMutation('batchId'),
    variables: { input: { batchId: `perm-${randomUUID()}`, records: applications(3) } },
  }),
  'Mutation.submitOutcomes': () => ({
    query: `mutation($input: SubmitOutcomesInput!) { submitOutcomes(input: $input) { received } }`,
    variables: { input: { outcomes: [{ customerId: 'perm-nobody', actualDefault: true, observedAt: new Date().toISOString() }] } },
  }),
  'Mutation.updateAlertStatus': () => ({
    query: `mutation($input: UpdateAlertStatusInput!) { updateAlertStatus(input: $input) { id } }`,
    variables: { input: { id: randomUUID(), status: 'ACKNOWLEDGED' } },
  }),
  'Mutation.retryAlertNotifications': () => ({
    query: `mutation { retryAlertNotifications(input: { alertId: "${randomUUID()}" }) { requeued } }`,
  }),
  'Mutation.runDriftCheck': () => ({ query: `mutation { runDriftCheck(input: { window: "HOURLY" }) { acquired } }` }),
  'Mutation.triggerRetraining': () => ({ query: `mutation { triggerRetraining(input: { reason: "permission test" }) { id } }` }),
  'Mutation.reinitializeBaseline': () => ({
    query: `mutation { reinitializeBaseline(input: { source: CSV, path: "no-such-file.csv" }) { version } }`,
  }),
  'Mutation.activateBaseline': () => ({ query: `mutation { activateBaseline(input: { version: 9999 }) { version } }` }),
  'Mutation.retrainModel': () => ({
    query: `mutation { retrainModel(input: { fromDate: "2000-01-01T00:00:00Z", toDate: "2000-01-02T00:00:00Z" }) { version } }`,
  }),
  'Mutation.promoteModelVersion': () => ({ query: `mutation { promoteModelVersion(input: { version: "no-such-version" }) { version } }` }),
  'Mutation.eraseCustomerData': () => ({
    query: `mutation { eraseCustomerData(input: { customerId: "perm-nobody" }) { erasureId predictionLogs } }`,
  }),
  'Mutation.createApiKey': () => ({
    query: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`,
    variables: { input: { name: `perm-${randomUUID().slice(0, 8)}`, role: 'viewer' } },
  }),
  'Mutation.revokeApiKey': () => ({
    query: `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id } }`,
    variables: { input: { id: randomUUID() } },
  }),
  'Query.apiKeys': () => ({ query: `{ apiKeys(first: 1) { totalCount } }` }),
  'Query.auditLog': () => ({ query: `{ auditLog(first: 1) { totalCount } }` }),
  'Query.activeBaseline': () => ({ query: `{ activeBaseline { version } }` }),
  'Query.alert': () => ({ query: `query($id: ID!) { alert(id: $id) { id } }`, variables: { id: randomUUID() } }),
  'Query.alertNotifications': () => ({ query: `{ alertNotifications(first: 1) { totalCount } }` }),
  'Query.alertSummary': () => ({ query: `{ alertSummary { total } }` }),
  'Query.alertCountHistory': () => ({
    query: `{ alertCountHistory(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { opened } }`,
  }),
  'Query.alerts': () => ({ query: `{ alerts(first: 1) { totalCount } }` }),
  'Query.baselines': () => ({ query: `{ baselines { version } }` }),
  'Query.batch': () => ({ query: `{ batch(batchId: "perm-none") { size } }` }),
  'Query.batches': () => ({ query: `{ batches(first: 1) { totalCount } }` }),
  'Query.driftReport': () => ({ query: `query($id: ID!) { driftReport(id: $id) { id } }`, variables: { id: randomUUID() } }),
  'Query.driftReports': () => ({ query: `{ driftReports(first: 1) { totalCount } }` }),
  'Query.driftSettings': () => ({ query: `{ driftSettings { minSampleSize } }` }),
  'Query.metricsHistory': () => ({ query: `{ metricsHistory(feature: "age") { drifted } }` }),
  'Query.modelVersion': () => ({ query: `{ modelVersion(version: "no-such-version") { version } }` }),
  'Query.modelVersions': () => ({ query: `{ modelVersions(first: 1) { totalCount } }` }),
  'Query.performanceHistory': () => ({
    query: `{ performanceHistory(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { modelVersion } }`,
  }),
  'Query.predictions': () => ({ query: `{ predictions(batchId: "perm-none", first: 1) { totalCount } }` }),
  'Query.validationReport': () => ({
    query: `{ validationReport(modelVersion: "no-such-version", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { rows } }`,
  }),
  'Query.retrainingEvents': () => ({ query: `{ retrainingEvents(first: 1) { totalCount } }` }),
  'Query.me': () => ({ query: `{ me { name role } }` }),
};

/** Tables a refused call must leave untouched (audit_log is expected to grow: refusals are audited). */
const GUARDED_TABLES = [
  'api_keys',
  'batches',
  'batch_profiles',
  'prediction_logs',
  'drift_reports',
  'feature_drift_metrics',
  'performance_metrics',
  'alerts',
  'alert_events',
  'alert_notifications',
  'baselines',
  'model_versions',
  'retraining_events',
];

type Credential = { label: string; key: IssuedKey | null; role: Role | null };

describe('permissions generated from the role matrix (every operation x every credential)', () => {
  // Over a hundred refused calls in a few seconds from one address: a generous anonymous bucket
  // keeps this test about permissions (rate limits have a test of their own).
  const fixture = useServiceFixture({
    RATE_LIMITS: JSON.stringify({
      anonymous: { capacity: 10_000, refillPerSecond: 1_000 },
      viewer: { capacity: 10_000, refillPerSecond: 1_000 },
    }),
  });
  const credentials: Credential[] = [];
  let reportId: string;

  beforeAll(async () => {
    const service = fixture.service;
    credentials.push({ label: 'no credentials', key: null, role: null });
    const revoked = await service.issueKey('viewer');
    await service.gql(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { id } }`, { input: { id: revoked.id } });
    credentials.push({ label: 'a revoked key', key: revoked, role: null });
    const expired = await service.issueKey('admin', { expiresAt: new Date(Date.now() + 60_000) });
    // Time passes: the key's expiry is now behind us.
    await fixture.sql.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [expired.id]);
    credentials.push({ label: 'an expired key', key: expired, role: null });
    const forged = {
      ...revoked,
      key: `cmk_${'0'.repeat(16)}_${'A'.repeat(43)}`,
      headers: { authorization: `Bearer cmk_${'0'.repeat(16)}_${'A'.repeat(43)}` },
    };
    credentials.push({ label: 'an unknown key', key: forged, role: null });
    for (const role of ROLES) credentials.push({ label: `role ${role}`, key: await service.issueKey(role), role });
    await reportDrift(service.app, { modelVersion: `${MODEL}-perm`, drifted: { age: 0.3 } });
    const ingested = await service.gql<{ ingestBatch: { drift: { id: string } } }>(ingestMutation('drift { id }'), {
      input: { batchId: 'perm-report', records: applications(40) },
    });
    reportId = ingested.data!.ingestBatch.drift.id;
  });

  it('covers every root field of the committed schema and nothing else', () => {
    const schema = buildSchema(readFileSync('schema.gql', 'utf8'));
    const rootFields = (['Query', 'Mutation', 'Subscription'] as const).flatMap((type) =>
      Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).map((field) => `${type}.${field}`),
    );
    const graphqlEntries = Object.keys(ROLE_MATRIX).filter((operation) => /^(Query|Mutation|Subscription)\./.test(operation));
    expect(graphqlEntries.sort()).toEqual(rootFields.sort());
    expect([...Object.keys(CALLS), 'Subscription.alertChanged'].sort()).toEqual(graphqlEntries.sort());
  });

  async function counts(): Promise<Record<string, number>> {
    const result: Record<string, number> = {};
    for (const table of GUARDED_TABLES) result[table] = Number((await fixture.sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
    return result;
  }

  async function auditRows(): Promise<number> {
    return Number((await fixture.sql.query(`SELECT count(*) AS n FROM audit_log`)).rows[0].n);
  }

  const expectedCode = (credential: Credential, allowed: readonly Role[]): string | null =>
    credential.role === null ? 'UNAUTHENTICATED' : allowed.includes(credential.role) ? null : 'FORBIDDEN';

  it('refused GraphQL calls get exactly UNAUTHENTICATED or FORBIDDEN, write nothing, and are audited', async () => {
    const before = await counts();
    const auditBefore = await auditRows();
    let refusals = 0;
    const mismatches: string[] = [];
    for (const [operation, allowed] of Object.entries(ROLE_MATRIX)) {
      const call = CALLS[operation];
      if (!call) continue;
      for (const credential of credentials) {
        const expected = expectedCode(credential, allowed);
        if (expected === null) continue;
        const { query, variables } = call();
        const response = await fixture.service.gql(query, variables, credential.key);
        const code = response.errors?.[0]?.extensions?.code ?? 'OK';
        if (code !== expected) mismatches.push(`${operation} with ${credential.label}: ${code}, expected ${expected}`);
        if (response.data && Object.values(response.data).some((value) => value !== null))
          mismatches.push(`${operation} with ${credential.label} returned data`);
        refusals++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(await counts()).toEqual(before);
    expect((await auditRows()) - auditBefore).toBe(refusals);
    const refusedPromotions = (
      await fixture.sql.query(
        `SELECT principal, role FROM audit_log WHERE action = 'Mutation.promoteModelVersion' AND outcome = 'FORBIDDEN' ORDER BY role`,
      )
    ).rows;
    expect(refusedPromotions).toEqual(
      ['ingest', 'operator', 'viewer'].map((role) => ({ role, principal: credentials.find((c) => c.role === role)!.key!.name })),
    );
  });

  it('allowed GraphQL calls pass the guard for exactly the roles the matrix names', async () => {
    const mismatches: string[] = [];
    for (const [operation, allowed] of Object.entries(ROLE_MATRIX)) {
      const call = CALLS[operation];
      if (!call) continue;
      for (const credential of credentials) {
        if (expectedCode(credential, allowed) !== null) continue;
        const { query, variables } = call();
        const response = await fixture.service.gql(query, variables, credential.key);
        const code = response.errors?.[0]?.extensions?.code;
        if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'INTERNAL_SERVER_ERROR') {
          mismatches.push(`${operation} with ${credential.label}: ${code} ${response.errors?.[0]?.message}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('alertChanged over graphql-ws: bad credentials close the socket (4401), roles outside the matrix get FORBIDDEN, allowed roles receive events', async () => {
    const allowed = ROLE_MATRIX['Subscription.alertChanged'];
    for (const credential of credentials) {
      const ws = connectWs(fixture.service.url, credential.key);
      try {
        const recording = ws.subscribe(ALERT_CHANGED, { afterEventId: '0' });
        const expected = expectedCode(credential, allowed);
        if (expected === 'UNAUTHENTICATED') {
          expect({ credential: credential.label, code: await ws.closed }).toEqual({ credential: credential.label, code: 4401 });
          expect(recording.received).toEqual([]);
        } else if (expected === 'FORBIDDEN') {
          const error = (await recording.waitForError()) as Array<{ extensions?: { code?: string } }>;
          expect({ credential: credential.label, code: error[0].extensions?.code }).toEqual({
            credential: credential.label,
            code: 'FORBIDDEN',
          });
          expect(recording.received).toEqual([]);
        } else {
          // afterEventId 0 replays the alert events the fixture's drift report created.
          await recording.waitFor(1);
        }
      } finally {
        await ws.dispose();
      }
    }
  });

  it('GET /reports/:id: 401 without valid credentials, 403 for roles outside the matrix, the report otherwise', async () => {
    const allowed = ROLE_MATRIX['GET /reports/:id'];
    for (const credential of credentials) {
      const response = await fixture.service.fetch(`/reports/${reportId}`, {}, credential.key);
      const expected = expectedCode(credential, allowed);
      const want = expected === 'UNAUTHENTICATED' ? 401 : expected === 'FORBIDDEN' ? 403 : 200;
      expect({ credential: credential.label, status: response.status }).toEqual({ credential: credential.label, status: want });
      expect(response.headers.get('content-type')).toMatch(want === 200 ? /text\/html/ : /application\/json/);
    }
  });

  it('GET /reports/validation: 401 without valid credentials, 403 for roles outside the matrix, reaches the service otherwise', async () => {
    const allowed = ROLE_MATRIX['GET /reports/validation'];
    const path = '/reports/validation?modelVersion=no-such-version&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
    for (const credential of credentials) {
      const response = await fixture.service.fetch(path, {}, credential.key);
      const expected = expectedCode(credential, allowed);
      // Allowed roles reach the service, which answers 404 for the unknown model version (not the drift report's route).
      const want = expected === 'UNAUTHENTICATED' ? 401 : expected === 'FORBIDDEN' ? 403 : 404;
      expect({ credential: credential.label, status: response.status }).toEqual({ credential: credential.label, status: want });
      expect(response.headers.get('content-type')).toMatch(/application\/json/);
      if (want === 404) expect(JSON.stringify(await response.json())).toContain('no-such-version');
    }
  });
});
