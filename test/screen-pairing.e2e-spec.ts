import { createHash, randomBytes } from 'node:crypto';
import { errorCode, eventually, GraphQLResponse, TestApp, TestUser } from '@app/testing';

/**
 * Pairing a screen by the code it shows, over HTTP and a real websocket: the screen asks for a
 * code (requestScreenCode), an account pairs with it (pairDevice with screenCode), the screen
 * claims its token (claimScreenCode) and plays what See it sends it. Every failure: a wrong,
 * malformed, expired or used code, a wrong secret, a second claim, an unpaired device, and the
 * rate limits (codes per address; guesses count as pairings).
 */

const REQUEST = `mutation { requestScreenCode { code pairingSecret expiresAt } }`;
const PAIR = `mutation($name: String!, $kind: SeeItTarget!, $screenCode: String) {
  pairDevice(name: $name, kind: $kind, screenCode: $screenCode) { device { id name kind } deviceToken } }`;
const CLAIM = `mutation($secret: String!) { claimScreenCode(pairingSecret: $secret) {
  device { id name kind } deviceToken } }`;
const UNPAIR = `mutation($id: ID!) { unpairDevice(id: $id) }`;
const DEVICES = `{ devices { id } }`;
const START = `mutation($title: String!) { startBroadcast(input: { title: $title }) { id } }`;
const TAP = `mutation($input: SeeItInput!) { seeIt(input: $input) { sentToDevice } }`;
const PLAY = `subscription { playCommands { title broadcast { id } } }`;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const rowId = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

interface ScreenCode {
  code: string;
  pairingSecret: string;
  expiresAt: string;
}

function expectBadScreenCode(result: GraphQLResponse): void {
  expect(errorCode(result)).toBe('BAD_USER_INPUT');
  expect(result.errors![0].extensions!.fields).toEqual([
    expect.objectContaining({ field: 'screenCode' }),
  ]);
  expect(result.data ?? null).toBeNull();
}

describe('pairing a screen by its code (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      TRUST_PROXY: '127.0.0.1',
      RATE_LIMIT_SCREEN_CODES: '3/1h',
      RATE_LIMIT_PAIR_DEVICE: '4/1h',
    });
  });
  afterAll(() => t.close());

  /** Each screen from its own address, so only the rate-limit test meets the limit. */
  let addresses = 0;
  async function requestCode(from = `198.51.100.${(addresses += 1)}`): Promise<ScreenCode> {
    const result = await t.gql(REQUEST, {}, undefined, { 'x-forwarded-for': from });
    expect(result.errors).toBeUndefined();
    return result.data.requestScreenCode as ScreenCode;
  }
  const pair = (user: TestUser, screenCode: string | null, name = 'Living room TV') =>
    t.gql(PAIR, { name, kind: 'TV', screenCode }, user.token);
  const claim = (secret: string) => t.gql(CLAIM, { secret });
  const deviceCount = async (owner: TestUser) =>
    ((await t.ok(DEVICES, {}, owner.token)).devices as unknown[]).length;
  const codeRows = (secret: string) =>
    t.sql('SELECT * FROM screen_pairing_codes WHERE secret_hash = $1', [sha256(secret)]);

  it('pairs a screen end to end: code, pairing, claim once, then it plays a See it tap', async () => {
    const screen = await requestCode();
    expect(screen.code).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(screen.pairingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const validFor = Date.parse(screen.expiresAt) - Date.now();
    expect(validFor).toBeGreaterThan(9 * 60_000);
    expect(validFor).toBeLessThanOrEqual(10 * 60_000);
    // Only hashes are stored.
    const [row] = await codeRows(screen.pairingSecret);
    expect(row.code_hash).toBe(sha256(screen.code.replace('-', '')));
    expect(JSON.stringify(row)).not.toContain(screen.pairingSecret);
    expect(JSON.stringify(row)).not.toContain(screen.code.replace('-', ''));

    expect(await claim(screen.pairingSecret)).toEqual({ data: { claimScreenCode: null } });

    const owner = await t.signUp();
    // Typed as a person might: lower case, a space instead of the dash.
    const typed = screen.code.toLowerCase().replace('-', ' ');
    const paired = (await pair(owner, typed)).data.pairDevice;
    expect(paired.device).toMatchObject({ name: 'Living room TV', kind: 'TV' });

    const claimed = (await claim(screen.pairingSecret)).data.claimScreenCode;
    expect(claimed.device).toEqual(paired.device);
    expect(claimed.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(claimed.deviceToken).not.toBe(paired.deviceToken);
    const [device] = await t.sql('SELECT token_hash FROM devices WHERE id = $1', [
      rowId(paired.device.id),
    ]);
    expect(device.token_hash).toBe(sha256(claimed.deviceToken));

    // Claimed once: a second claim (or a replay of the secret) is NOT_FOUND.
    expect(errorCode(await claim(screen.pairingSecret))).toBe('NOT_FOUND');

    // The screen's token receives play commands; the token pairDevice returned no longer works.
    const tv = await t.subscribe(PLAY, {}, undefined, { deviceToken: claimed.deviceToken });
    const stale = await t.subscribe(PLAY, {}, undefined, { deviceToken: paired.deviceToken });
    try {
      await eventually(
        () => Promise.resolve(stale.closeCode),
        (code) => code === 4403,
        5000,
        'the replaced token is refused',
      );
      const broadcaster = await t.signUp();
      const live = (await t.ok(START, { title: 'On the big screen' }, broadcaster.token))
        .startBroadcast.id;
      const tap = await t.ok(
        TAP,
        { input: { broadcastId: live, action: 'TV', deviceId: paired.device.id } },
        owner.token,
      );
      expect(tap.seeIt.sentToDevice).toBe(true);
      expect((await tv.nextData()).playCommands).toEqual({
        title: 'On the big screen',
        broadcast: { id: live },
      });
    } finally {
      await Promise.all([tv.close(), stale.close()]);
    }
  });

  it('pairs without a code exactly as before', async () => {
    const owner = await t.signUp();
    const paired = (await pair(owner, null)).data.pairDevice;
    expect(paired.deviceToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await deviceCount(owner)).toBe(1);
  });

  it('refuses a malformed or wrong code (BAD_USER_INPUT) and adds no device', async () => {
    const owner = await t.signUp();
    const screen = await requestCode();
    expectBadScreenCode(await pair(owner, 'ABC'));
    expectBadScreenCode(await pair(owner, 'OOOO-OOOO'));
    // Well formed, but not a code any screen shows (the screen's own code, one letter off).
    const letters = 'ACDEFGHJKMNPQRTWXY34679';
    const last = screen.code.at(-1)!;
    const wrong = screen.code.slice(0, -1) + letters[(letters.indexOf(last) + 1) % letters.length];
    expectBadScreenCode(await pair(owner, wrong));
    expect(await deviceCount(owner)).toBe(0);
    expect(await claim(screen.pairingSecret)).toEqual({ data: { claimScreenCode: null } });
  });

  it('refuses a code already used (BAD_USER_INPUT): one code pairs one device', async () => {
    const [owner, other] = [await t.signUp(), await t.signUp()];
    const screen = await requestCode();
    await t.ok(PAIR, { name: 'First', kind: 'TV', screenCode: screen.code }, owner.token);
    expectBadScreenCode(await pair(other, screen.code));
    expectBadScreenCode(await pair(owner, screen.code));
    expect(await deviceCount(other)).toBe(0);
    expect(await deviceCount(owner)).toBe(1);
    expect((await claim(screen.pairingSecret)).data.claimScreenCode.device.name).toBe('First');
  });

  it('refuses an expired code to pairDevice (BAD_USER_INPUT) and to the claim (NOT_FOUND)', async () => {
    const owner = await t.signUp();
    const screen = await requestCode();
    await t.sql(
      `UPDATE screen_pairing_codes SET expires_at = now() - interval '1 second'
       WHERE secret_hash = $1`,
      [sha256(screen.pairingSecret)],
    );
    expectBadScreenCode(await pair(owner, screen.code));
    expect(await deviceCount(owner)).toBe(0);
    expect(errorCode(await claim(screen.pairingSecret))).toBe('NOT_FOUND');
  });

  it('gives a screen paired just before expiry a minute to claim; after that, NOT_FOUND', async () => {
    const owner = await t.signUp();
    const screen = await requestCode();
    await t.sql(
      `UPDATE screen_pairing_codes SET expires_at = now() + interval '2 seconds'
       WHERE secret_hash = $1`,
      [sha256(screen.pairingSecret)],
    );
    await t.ok(PAIR, { name: 'Late', kind: 'TV', screenCode: screen.code }, owner.token);
    const [row] = await t.sql(
      `SELECT expires_at > now() + interval '50 seconds' AS extended
       FROM screen_pairing_codes WHERE secret_hash = $1`,
      [sha256(screen.pairingSecret)],
    );
    expect(row.extended).toBe(true);
    await t.sql(
      `UPDATE screen_pairing_codes SET expires_at = now() - interval '1 second'
       WHERE secret_hash = $1`,
      [sha256(screen.pairingSecret)],
    );
    expect(errorCode(await claim(screen.pairingSecret))).toBe('NOT_FOUND');
  });

  it('answers NOT_FOUND to a wrong or malformed secret, and changes nothing', async () => {
    const screen = await requestCode();
    const before = await codeRows(screen.pairingSecret);
    expect(errorCode(await claim(randomBytes(32).toString('base64url')))).toBe('NOT_FOUND');
    expect(errorCode(await claim('not a secret'))).toBe('NOT_FOUND');
    expect(errorCode(await claim(screen.code))).toBe('NOT_FOUND');
    expect(await codeRows(screen.pairingSecret)).toEqual(before);
  });

  it('answers NOT_FOUND to the claim once the device was unpaired before it', async () => {
    const owner = await t.signUp();
    const screen = await requestCode();
    const paired = (await pair(owner, screen.code)).data.pairDevice;
    await t.ok(UNPAIR, { id: paired.device.id }, owner.token);
    expect(errorCode(await claim(screen.pairingSecret))).toBe('NOT_FOUND');
  });

  it('limits codes per client address (RATE_LIMITED), and another address still gets one', async () => {
    const from = '203.0.113.9';
    for (let i = 0; i < 3; i += 1) await requestCode(from);
    const result = await t.gql(REQUEST, {}, undefined, { 'x-forwarded-for': from });
    expect(errorCode(result)).toBe('RATE_LIMITED');
    expect(result.errors![0].extensions!.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(result.data ?? null).toBeNull();
    await requestCode('203.0.113.10');
  });

  it('counts each try with a wrong code as a pairing: guessing runs into RATE_LIMITED', async () => {
    const owner = await t.signUp();
    const screen = await requestCode();
    const letters = 'ACDEFGHJKMNPQRTWXY34679';
    const first = screen.code[0];
    for (let i = 1; i <= 4; i += 1) {
      const guess = letters[(letters.indexOf(first) + i) % letters.length] + screen.code.slice(1);
      expectBadScreenCode(await pair(owner, guess));
    }
    const limited = await pair(owner, screen.code);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(await deviceCount(owner)).toBe(0);
    expect(await claim(screen.pairingSecret)).toEqual({ data: { claimScreenCode: null } });
  });
});
