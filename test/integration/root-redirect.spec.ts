import { useServiceFixture } from '../support/service-fixture';

describe('GET /', () => {
  const fixture = useServiceFixture();

  it('redirects (302) to the dashboard without credentials, and the dashboard answers', async () => {
    const response = await fixture.service.fetch('/', { redirect: 'manual' }, null);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/dashboard');

    const followed = await fixture.service.fetch('/', {}, null);
    expect(followed.status).toBe(200);
    expect(followed.url).toBe(`${fixture.service.url}/dashboard`);
    expect(followed.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('only / itself redirects: an unknown path is still a 404', async () => {
    const response = await fixture.service.fetch('/no-such-page', { redirect: 'manual' }, null);
    expect(response.status).toBe(404);
  });
});
