import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  ConflictError,
  defineLoader,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  Role,
  runInTransaction,
  Viewer,
  defineRowLoader,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { SocketRegistry } from '@app/realtime';
import { AccountEvents } from './account.events';
import { UpdateProfileInput } from './dto/account.inputs';
import { UserEntity } from './user.entity';
import { ProfileChanges, UsersRepository, ViewerCondition } from './users.repository';

const MAX_SUSPENSION_REASON = 500;

/**
 * Accounts as stored: lookups, profile changes, roles, suspension and deletion. Authentication
 * is AuthService's.
 */
@Injectable()
export class AccountsService implements OnModuleInit, OnApplicationBootstrap {
  /** Active (not suspended) accounts by database id; undefined when missing or suspended. */
  readonly byId = defineLoader<string, UserEntity | undefined>(
    'usersById',
    async (ids) => {
      const found = await this.findManyActive([...ids]);
      return ids.map((id) => found.get(id));
    },
    { viewerIndependent: true },
  );

  /** Accounts by id in any state: admins review suspended accounts too. */
  readonly anyStateById = defineRowLoader<UserEntity>(
    'usersByIdAnyState',
    (ids) => this.users.findAnyState(ids),
    (row) => row.id,
  );

  private readonly log = new Logger(AccountsService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly events: AccountEvents,
    private readonly sockets: SocketRegistry,
  ) {}

  /** Suspensions and deletions whose revocation the bus lost still close their sockets. */
  onModuleInit(): void {
    this.sockets.recheckOnRecover(async (ids) => {
      const active = await this.findManyActive(ids);
      return ids.filter((id) => !active.has(id));
    });
  }

  /**
   * BOOTSTRAP_ADMIN: when the service starts, the account with that handle becomes ADMIN, once per
   * handle. Never at sign-up, and never again for that handle, so whoever signs up with the
   * handle of a deleted admin gets nothing, and a demotion is not undone by a restart.
   */
  async onApplicationBootstrap(): Promise<void> {
    const handle = this.config.bootstrapAdmin;
    if (!handle) return;
    const outcome = await this.users.grantBootstrapAdmin(handle);
    if (outcome.granted) this.log.log(`BOOTSTRAP_ADMIN: @${handle} is now ADMIN.`);
    else if (!outcome.exists) {
      this.log.warn(
        `BOOTSTRAP_ADMIN: no active account @${handle} yet; it becomes ADMIN at the first start after it exists.`,
      );
    }
  }

  /** Active accounts among `ids`, by id. */
  async findManyActive(ids: string[]): Promise<Map<string, UserEntity>> {
    if (ids.length === 0) return new Map();
    const rows = await this.users.findActive(ids);
    return new Map(rows.map((row) => [row.id, row]));
  }

  async findActive(id: string): Promise<UserEntity | undefined> {
    const [user] = await this.users.findActive([id]);
    return user;
  }

  /** An active account, or NOT_FOUND. */
  async getActive(id: string): Promise<UserEntity> {
    const user = await this.findActive(id);
    if (!user) throw new NotFoundError('The user');
    return user;
  }

  async findByHandle(handle: string): Promise<UserEntity | undefined> {
    return this.users.findActiveByHandle(handle);
  }

  async updateProfile(viewer: Viewer, input: UpdateProfileInput): Promise<UserEntity> {
    const changes: ProfileChanges = {};
    if (input.displayName !== undefined) changes.displayName = input.displayName;
    if (input.bio !== undefined) changes.bio = input.bio === '' ? null : input.bio;
    if (input.avatarUrl !== undefined)
      changes.avatarUrl = input.avatarUrl === '' ? null : input.avatarUrl;
    await this.users.updateProfile(viewer.id, changes);
    return this.getActive(viewer.id);
  }

  /**
   * Handles and display names starting with `query`, case-insensitively, exact handle first.
   * Served by the prefix indexes on lower(handle) and lower(display_name). `visible` is the
   * caller's rule of who `viewerId` may see listed.
   */
  async search(
    query: string,
    limit: number,
    viewerId: string | undefined,
    visible: ViewerCondition,
  ): Promise<UserEntity[]> {
    const prefix = query.trim().toLowerCase().replace(/^@/, '');
    if (prefix.length === 0) return [];
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return this.users.search(pattern, prefix, limit, viewerId ?? null, visible);
  }

  async setRole(actor: Viewer, userId: string, role: Role): Promise<UserEntity> {
    if (actor.id === userId) throw new ForbiddenError('You cannot change your own role.');
    const user = await this.getActive(userId);
    if (user.role !== role) await this.users.setRole(userId, role);
    return { ...user, role };
  }

  /**
   * Suspends another account: it can no longer sign in, its tokens stop working and its content
   * disappears, since every read skips suspended accounts. Suspending again only updates the
   * reason.
   */
  async suspend(actor: Viewer, userId: string, reason: string | undefined): Promise<UserEntity> {
    if (actor.id === userId) throw new ForbiddenError('You cannot suspend your own account.');
    const trimmed = reason?.trim() || null;
    // Code points, as PostgreSQL counts the varchar's length.
    if (trimmed !== null && [...trimmed].length > MAX_SUSPENSION_REASON) {
      throw InvalidInputError.field(
        'reason',
        `must be at most ${MAX_SUSPENSION_REASON} characters`,
      );
    }
    const user = await this.users.suspend(userId, trimmed);
    if (!user) throw new NotFoundError('The user');
    await this.sockets.revoke(userId);
    return user;
  }

  /** Lifts a suspension; an active account is returned unchanged. */
  async unsuspend(userId: string): Promise<UserEntity> {
    const user = await this.users.unsuspend(userId);
    if (!user) throw new NotFoundError('The user');
    return user;
  }

  /**
   * Deletes the account and everything it made, in one transaction. The foreign keys cascade to
   * the rows that reference it; the listeners of `deleting` fix what cascades cannot (the other
   * accounts' and posts' counters, the timelines, which have no foreign keys).
   */
  async delete(userId: string): Promise<void> {
    await runInTransaction(this.db, async (manager) => {
      // Follows, likes and posts that would reference the account now wait for this
      // transaction, so the counters the listeners fix stay exact.
      if (!(await this.users.lockForDeletion(userId, manager))) {
        throw new NotFoundError('The account');
      }
      await this.events.emit(manager, 'deleting', { userId });
      await this.users.delete(userId, manager);
    });
    await this.sockets.revoke(userId);
  }

  /** For the CLI: sets a role by handle, whatever it was. */
  async setRoleByHandle(handle: string, role: Role): Promise<UserEntity> {
    const user = await this.findByHandle(handle);
    if (!user) throw new NotFoundError(`The user @${handle}`);
    await this.users.setRole(user.id, role);
    return { ...user, role };
  }

  async assertHandleFree(handle: string, email: string): Promise<void> {
    const taken = await this.users.taken(handle, email);
    if (taken.handle) throw new ConflictError('That handle is already taken.');
    if (taken.email) {
      throw new ConflictError('An account with that email already exists.');
    }
  }
}
