import { GraphqlResponse } from '../support/service';
import { useServiceFixture } from '../support/service-fixture';

jest.setTimeout(60_000);

const ME = `{ me { name role } }`;

type Me = { me: { name: string; role: string } };

function codeOf(response: GraphqlResponse): string | undefined {
  return response.errors?.[0]?.extensions?.code;
}

function retryAfterOf(response: GraphqlResponse): unknown {
  return response.errors?.[0]?.extensions?.retryAfter;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('per-principal rate limits (RATE_LIMITS)', () => {
  const fixture = useServiceFixture({ RATE_LIMITS: JSON.stringify({ viewer: { capacity: 3, refillPerSecond: 0.5 } }) });

  it('refuses the 4th quick viewer request with RATE_LIMITED and a whole-second retryAfter; admin is unaffected; after retryAfter the viewer gets through', async () => {
    const viewer = await fixture.service.issueKey('viewer');
    const granted: Array<GraphqlResponse<Me>> = [];
    for (let i = 0; i < 3; i++) granted.push(await fixture.service.gql<Me>(ME, undefined, viewer));
    for (const response of granted) {
      expect(response.errors).toBeUndefined();
      expect(response.data!.me).toEqual({ name: viewer.name, role: 'viewer' });
    }

    const limited = await fixture.service.gql<Me>(ME, undefined, viewer);
    expect(codeOf(limited)).toBe('RATE_LIMITED');
    expect(limited.data ?? null).toBeNull();
    const retryAfter = retryAfterOf(limited);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter as number).toBeGreaterThan(0);
    expect(limited.errors![0].message).toContain(`${retryAfter as number}`);

    // Another principal has its own bucket (admin: the default, much larger one).
    for (let i = 0; i < 10; i++) {
      const admin = await fixture.service.gql<Me>(ME);
      expect(admin.errors).toBeUndefined();
      expect(admin.data!.me.role).toBe('admin');
    }
    // A second viewer key is its own principal too.
    const otherViewer = await fixture.service.issueKey('viewer');
    expect((await fixture.service.gql<Me>(ME, undefined, otherViewer)).errors).toBeUndefined();

    // Waiting what the server said is enough (a little slack for timer granularity).
    await sleep((retryAfter as number) * 1000 + 100);
    const again = await fixture.service.gql<Me>(ME, undefined, viewer);
    expect(again.errors).toBeUndefined();
    expect(again.data!.me.name).toBe(viewer.name);
  });

  it('counts one request with several root fields as one request', async () => {
    const viewer = await fixture.service.issueKey('viewer');
    const several = await fixture.service.gql(`{ a: me { name } b: me { name } c: me { name } }`, undefined, viewer);
    expect(several.errors).toBeUndefined();
    // Two tokens are left: two more requests pass, the third is limited.
    expect((await fixture.service.gql(ME, undefined, viewer)).errors).toBeUndefined();
    expect((await fixture.service.gql(ME, undefined, viewer)).errors).toBeUndefined();
    expect(codeOf(await fixture.service.gql(ME, undefined, viewer))).toBe('RATE_LIMITED');
  });
});

describe("unauthenticated calls spend the 'anonymous' bucket of their address", () => {
  const fixture = useServiceFixture({ RATE_LIMITS: JSON.stringify({ anonymous: { capacity: 4, refillPerSecond: 0.2 } }) });

  it('answers UNAUTHENTICATED for the burst, then RATE_LIMITED; a valid key is unaffected; /health stays open', async () => {
    const attempts = [
      null,
      { id: 'x', name: 'x', role: 'viewer' as const, key: 'garbage', headers: { authorization: 'Bearer garbage' } },
      {
        id: 'y',
        name: 'y',
        role: 'viewer' as const,
        key: 'k',
        headers: { authorization: `Bearer cmk_${'0'.repeat(16)}_${'A'.repeat(43)}` },
      },
      null,
    ];
    for (const key of attempts) expect(codeOf(await fixture.service.gql(ME, undefined, key))).toBe('UNAUTHENTICATED');

    // The bucket (4) is spent: the address is now limited, whatever credential it tries.
    for (const key of [null, attempts[2]]) {
      const limited = await fixture.service.gql(ME, undefined, key);
      expect(codeOf(limited)).toBe('RATE_LIMITED');
      const retryAfter = retryAfterOf(limited);
      expect(Number.isInteger(retryAfter)).toBe(true);
      expect(retryAfter as number).toBeGreaterThan(0);
    }

    // Valid credentials are judged by their principal's bucket, not the address's.
    const viewer = await fixture.service.issueKey('viewer');
    const me = await fixture.service.gql<Me>(ME, undefined, viewer);
    expect(me.errors).toBeUndefined();
    expect(me.data!.me.role).toBe('viewer');
    expect((await fixture.service.fetch('/health', {}, null)).status).toBe(200);
  });
});
