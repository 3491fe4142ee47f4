import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playbackName } from '@app/broadcasts';
import { TestApp, TestUser } from '@app/testing';

/** Who makes a call, as the authorization matrix sees it. */
export const ACTORS = [
  'anonymous',
  'stranger',
  'owner',
  'follower',
  'blocked',
  'suspended',
  'deleted',
  'admin',
] as const;
export type Actor = (typeof ACTORS)[number];

/** The accounts around one owner: a follower, an account the owner blocks, and a stranger. */
export interface Cast {
  owner: TestUser;
  stranger: TestUser;
  follower: TestUser;
  blocked: TestUser;
  admin: TestUser;
}

export const PASSWORD = 'correct horse battery';

/** The media settings a World's app runs with, so it can play the media server's replay hook. */
export function worldEnv(): Record<string, string> {
  return {
    MEDIA_HOOK_SECRET: 'world-media-hook-secret',
    MEDIA_REPLAY_DIR: mkdtempSync(join(tmpdir(), 'seeit-world-replays-')),
  };
}

/**
 * Accounts and the owner's things, made through the API as a client would: posts, live and
 * scheduled broadcasts, shows, comments, paired screens, watch-later entries, reports and
 * notifications. Each call makes a new one, so a cell that deletes or ends it spoils nothing.
 */
export class World {
  /** The cast the current row acts with (a fresh one for rows that change relations). */
  cast!: Cast;
  shared!: Cast;
  admin!: TestUser;
  /** Someone outside every relation: comments, reports and mentions that need a third party. */
  bystander!: TestUser;
  suspended!: TestUser;
  deleted!: TestUser;
  private sequence = 0;
  /** The owner's LIVE broadcast, ended before the next one starts (one LIVE per account). */
  private readonly live = new Map<string, string>();

  private constructor(
    readonly app: TestApp,
    private readonly env: Record<string, string>,
  ) {}

  /** `env`: what the app was started with, worldEnv() among it. */
  static async create(app: TestApp, env: Record<string, string>): Promise<World> {
    const world = new World(app, env);
    world.admin = await world.account();
    await app.sql(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [world.rowId(world.admin)]);
    world.bystander = await world.account();
    world.suspended = await world.account();
    world.deleted = await world.account();
    await app.ok(
      `mutation($id: ID!) { suspendUser(userId: $id, reason: "matrix") { id } }`,
      {
        id: world.suspended.id,
      },
      world.admin.token,
    );
    await app.ok(
      `mutation($p: String!) { deleteAccount(password: $p) }`,
      { p: PASSWORD },
      world.deleted.token,
    );
    world.shared = await world.newCast();
    world.cast = world.shared;
    return world;
  }

  /** A new owner (a PARTNER, so it can make shows), follower, blocked account and stranger. */
  async newCast(withOwnAdmin = false): Promise<Cast> {
    const [owner, stranger, follower, blocked] = await Promise.all([
      this.account(),
      this.account(),
      this.account(),
      this.account(),
    ]);
    let admin = this.admin;
    if (withOwnAdmin) {
      admin = await this.account();
      await this.app.sql(`UPDATE users SET role = 'ADMIN' WHERE id = $1`, [this.rowId(admin)]);
    }
    await this.app.ok(
      `mutation($id: ID!) { setRole(userId: $id, role: PARTNER) { id } }`,
      {
        id: owner.id,
      },
      this.admin.token,
    );
    await this.app.follow(follower, owner);
    await this.app.ok(
      `mutation($id: ID!) { block(userId: $id) { id } }`,
      { id: blocked.id },
      owner.token,
    );
    return { owner, stranger, follower, blocked, admin };
  }

  /** The bearer token an actor presents; undefined for anonymous. */
  token(actor: Actor): string | undefined {
    switch (actor) {
      case 'anonymous':
        return undefined;
      case 'suspended':
        return this.suspended.token;
      case 'deleted':
        return this.deleted.token;
      default:
        return this.cast[actor].token;
    }
  }

  /** The account behind an actor, when it has one that still works. */
  user(actor: Actor): TestUser | undefined {
    if (actor === 'anonymous' || actor === 'suspended' || actor === 'deleted') return undefined;
    return this.cast[actor];
  }

  get owner(): TestUser {
    return this.cast.owner;
  }

  unique(prefix: string): string {
    this.sequence += 1;
    return `${prefix}${this.sequence}x${randomBytes(3).toString('hex')}`;
  }

  account(): Promise<TestUser> {
    return this.app.signUp(this.unique('u'), PASSWORD);
  }

  rowId(user: TestUser): string {
    return Buffer.from(user.id, 'base64url').toString('utf8').split(':')[1];
  }

  post(author: TestUser = this.owner, text = 'a post'): Promise<string> {
    return this.app.post(author, text);
  }

  /** A LIVE broadcast of the owner (their previous one ended first). */
  async liveBroadcast(options: { visibility?: string; chatMode?: string } = {}): Promise<string> {
    const owner = this.owner;
    const previous = this.live.get(owner.id);
    if (previous) {
      // It may already be over (a cell ended it); either way it is not LIVE afterwards.
      await this.app.gql(
        `mutation($id: ID!) { endBroadcast(id: $id) { id } }`,
        { id: previous },
        owner.token,
      );
    }
    const data = await this.app.ok(
      `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id status } }`,
      { input: { title: this.unique('live '), ...options } },
      owner.token,
    );
    this.live.set(owner.id, data.startBroadcast.id);
    return data.startBroadcast.id;
  }

  /**
   * An ended broadcast of the owner's with its replay, reported ready by the media server's hook
   * as nginx-rtmp's recorder would after writing the files.
   */
  async replay(): Promise<string> {
    const id = await this.liveBroadcast();
    await this.app.ok(
      `mutation($id: ID!) { endBroadcast(id: $id) { id } }`,
      { id },
      this.owner.token,
    );
    const secret = this.env.MEDIA_HOOK_SECRET;
    const name = playbackName(Buffer.from(id, 'base64url').toString().split(':')[1], secret);
    const folder = join(this.env.MEDIA_REPLAY_DIR, name);
    mkdirSync(folder);
    writeFileSync(join(folder, 'index.m3u8'), '#EXTM3U\n');
    const response = await fetch(
      `${this.app.url}/media/hooks/replay-ready?secret=${encodeURIComponent(secret)}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ name, duration_ms: '6000' }),
      },
    );
    if (response.status !== 200) throw new Error(`replay-ready answered ${response.status}`);
    return id;
  }

  async scheduledBroadcast(): Promise<string> {
    const data = await this.app.ok(
      `mutation($input: StartBroadcastInput!) { startBroadcast(input: $input) { id status } }`,
      { input: { title: this.unique('later '), scheduledFor: inDays(3) } },
      this.owner.token,
    );
    return data.startBroadcast.id;
  }

  async show(): Promise<{ id: string; slug: string; hashtag: string }> {
    const name = this.unique('show');
    const data = await this.app.ok(
      `mutation($input: CreateShowInput!) { createShow(input: $input) { id slug hashtag } }`,
      { input: { slug: name, hashtag: name, title: `Show ${name}`, network: 'Net' } },
      this.owner.token,
    );
    return data.createShow;
  }

  async comment(broadcastId: string, author: TestUser = this.bystander): Promise<string> {
    const data = await this.app.ok(
      `mutation($id: ID!, $text: String!) { postComment(broadcastId: $id, text: $text) { id } }`,
      { id: broadcastId, text: 'hello' },
      author.token,
    );
    return data.postComment.id;
  }

  async device(owner: TestUser = this.owner): Promise<{ id: string; token: string }> {
    const data = await this.app.ok(
      `mutation($name: String!) { pairDevice(name: $name, kind: TV) { device { id } deviceToken } }`,
      { name: this.unique('tv') },
      owner.token,
    );
    return { id: data.pairDevice.device.id, token: data.pairDevice.deviceToken };
  }

  /** A code as a screen in screen mode shows it, and the secret that screen keeps. */
  async screenCode(): Promise<{ code: string; pairingSecret: string }> {
    const data = await this.app.ok(`mutation { requestScreenCode { code pairingSecret } }`);
    return data.requestScreenCode;
  }

  /** The secret of a screen the owner has paired with by its code, not claimed yet. */
  async pairedScreenSecret(): Promise<string> {
    const { code, pairingSecret } = await this.screenCode();
    await this.app.ok(
      `mutation($name: String!, $code: String) { pairDevice(name: $name, kind: TV, screenCode: $code) { deviceToken } }`,
      { name: this.unique('tv'), code },
      this.owner.token,
    );
    return pairingSecret;
  }

  /** An entry of the owner's watch-later list. */
  async watchLaterEntry(): Promise<string> {
    const show = await this.show();
    await this.app.ok(
      `mutation($input: SeeItInput!) { seeIt(input: $input) { savedForLater } }`,
      { input: { showId: show.id, action: 'LATER' } },
      this.owner.token,
    );
    const data = await this.app.ok(
      `{ watchLater(first: 100) { edges { node { id seeIt { show { id } } } } } }`,
      {},
      this.owner.token,
    );
    const entry = data.watchLater.edges.find((edge: any) => edge.node.seeIt.show?.id === show.id);
    return entry.node.id;
  }

  /** An OPEN report, by the bystander, of one of the owner's posts. */
  async report(): Promise<string> {
    const postId = await this.post();
    const data = await this.app.ok(
      `mutation($input: ReportInput!) { report(input: $input) { id } }`,
      { input: { postId, reason: 'spam' } },
      this.bystander.token,
    );
    return data.report.id;
  }

  /** A notification of the owner's (the bystander mentions them). */
  async notification(): Promise<string> {
    await this.post(this.bystander, `hi @${this.owner.handle}`);
    const data = await this.app.ok(
      `{ notifications(first: 1) { edges { node { id } } } }`,
      {},
      this.owner.token,
    );
    return data.notifications.edges[0].node.id;
  }

  /** A suspended account, for unsuspendUser. */
  async suspendedAccount(): Promise<TestUser> {
    const user = await this.account();
    await this.app.ok(
      `mutation($id: ID!) { suspendUser(userId: $id) { id } }`,
      { id: user.id },
      this.admin.token,
    );
    return user;
  }
}

export function inDays(days: number): string {
  return new Date(Date.now() + days * 24 * 3600_000).toISOString();
}
