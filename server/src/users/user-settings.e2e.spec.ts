import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

describe('GET/PUT /users/me/settings', () => {
  let t: TestApp;
  let investigator: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    t = await startTestApp();
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    viewer = await t.makeUser({ role: 'VIEWER' });
  });
  afterAll(() => t.close());

  const get = (u: TestUser) => t.http().get('/api/v1/users/me/settings').set(...bearer(u));
  const put = (u: TestUser, body: object) => t.http().put('/api/v1/users/me/settings').set(...bearer(u)).send(body);

  it('a user who never saved settings gets the defaults: the system theme, 24 h, the browser\'s zone', async () => {
    expect((await get(viewer).expect(200)).body).toEqual({ theme: 'system', timeFormat: '24h', timeZone: null });
  });

  it('saves per user; fields left out keep their value; null brings back the browser\'s zone', async () => {
    expect((await put(investigator, { theme: 'dark', timeFormat: '12h', timeZone: 'America/New_York' }).expect(200)).body)
      .toEqual({ theme: 'dark', timeFormat: '12h', timeZone: 'America/New_York' });
    expect((await get(investigator).expect(200)).body).toEqual({ theme: 'dark', timeFormat: '12h', timeZone: 'America/New_York' });
    expect((await put(investigator, { theme: 'light' }).expect(200)).body).toEqual({ theme: 'light', timeFormat: '12h', timeZone: 'America/New_York' });
    expect((await put(investigator, { timeZone: null }).expect(200)).body).toEqual({ theme: 'light', timeFormat: '12h', timeZone: null });
    // Another user's settings are untouched.
    expect((await get(viewer).expect(200)).body).toEqual({ theme: 'system', timeFormat: '24h', timeZone: null });
  });

  it('refuses an unknown zone, theme or format with 400 and changes nothing', async () => {
    await put(viewer, { theme: 'dark', timeFormat: '12h', timeZone: 'Asia/Tokyo' }).expect(200);
    const zone = await put(viewer, { timeZone: 'Mars/Olympus_Mons' }).expect(400);
    expect(zone.body.message).toEqual([expect.stringMatching(/^timeZone: unknown time zone "Mars\/Olympus_Mons"/)]);
    await put(viewer, { theme: 'sepia' }).expect(400);
    await put(viewer, { timeFormat: '36h' }).expect(400);
    await put(viewer, { timeZone: 42 }).expect(400);
    await put(viewer, { theme: null }).expect(400);
    await put(viewer, { colour: 'red' }).expect(400);
    expect((await get(viewer).expect(200)).body).toEqual({ theme: 'dark', timeFormat: '12h', timeZone: 'Asia/Tokyo' });
  });

  it('needs a signed-in user', async () => {
    await t.http().get('/api/v1/users/me/settings').expect(401);
    await t.http().put('/api/v1/users/me/settings').send({ theme: 'dark' }).expect(401);
  });
});
