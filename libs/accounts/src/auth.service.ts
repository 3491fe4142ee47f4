import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import {
  afterTurnBatcher,
  clientAddress,
  ConflictError,
  InvalidInputError,
  isDatabaseId,
  ProxyTrust,
  proxyTrust,
  RateLimits,
  RequestContext,
  RequestLoaders,
  Role,
  UnauthenticatedError,
  Viewer,
} from '@app/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { translateConstraints } from '@app/database';
import { AccountsService } from './accounts.service';
import { SignInInput, SignUpInput } from './dto/account.inputs';
import { UserEntity } from './user.entity';
import { UsersRepository } from './users.repository';
import { VerifiedTokens } from './verified-tokens';

// Argon2id (the package's const enum value 2), with OWASP's recommended minimum cost.
const ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
const WRONG_LOGIN = 'That login and password do not match an account.';
const TOO_MANY_SIGN_INS = 'Too many sign-in attempts. Wait a few minutes and try again.';

interface TokenClaims {
  sub: string;
}

export interface Session {
  token: string;
  user: UserEntity;
}

/** Sign-up, sign-in and bearer tokens; the same token works over HTTP and websockets. */
@Injectable()
export class AuthService {
  private readonly proxies: ProxyTrust;
  /** Verified against when the login matches nobody, so timing does not tell which half was wrong. */
  private readonly decoyHash: Promise<string>;
  /**
   * The secret as a key object made once: given a string, jsonwebtoken tries it as a public key
   * first on every verify, which costs ~30 times the HMAC itself.
   */
  private readonly tokenKey: KeyObject;
  /**
   * The token's account, looked up with those of the same turn: a reconnect storm's thousands of
   * sockets cost a few statements, and a mutation fired meanwhile does not queue behind them.
   */
  private readonly activeAccounts = afterTurnBatcher<string, UserEntity | undefined>(
    async (ids) => {
      const found = await this.accounts.findManyActive([...new Set(ids)]);
      return ids.map((id) => found.get(id));
    },
  );
  private readonly tokens: VerifiedTokens;

  constructor(
    private readonly users: UsersRepository,
    private readonly accounts: AccountsService,
    private readonly limits: RateLimits,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.proxies = proxyTrust(config.trustProxy);
    this.decoyHash = hash('decoy password for unknown logins', ARGON2);
    this.tokenKey = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'));
    this.tokens = new VerifiedTokens(this.tokenKey);
  }

  async signUp(input: SignUpInput, ip: string): Promise<Session> {
    await this.limits.consume(
      'signUp',
      ip,
      'Too many accounts were created from your address. Try again later.',
    );
    await this.accounts.assertHandleFree(input.handle, input.email);
    const passwordHash = await hash(input.password, ARGON2);
    // Two sign-ups racing for one handle or email: the unique indexes decide.
    const taken = () => new ConflictError('That handle or email is already taken.');
    const user = await translateConstraints(
      () =>
        this.users.insert({
          handle: input.handle,
          email: input.email.toLowerCase(),
          passwordHash,
          displayName: input.displayName ?? input.handle,
          role: Role.MEMBER,
        }),
      { users_handle_lower_key: taken, users_email_lower_key: taken },
    );
    return { token: this.issueToken(user.id), user };
  }

  async signIn(input: SignInInput, ip: string): Promise<Session> {
    const login = input.login.toLowerCase();
    // Per login and address, so a stranger's guesses elsewhere never lock the owner out.
    await this.limits.consume('signIn', `${login}|${ip}`, TOO_MANY_SIGN_INS);
    await this.limits.consume('signInAddress', ip, TOO_MANY_SIGN_INS);
    const found = await this.users.findCredentials(login);
    // Per account (per login when none matches), so its handle and email share one allowance.
    await this.limits.consume(
      'signInLogin',
      found ? `account:${found.user.id}` : `login:${login}`,
      TOO_MANY_SIGN_INS,
    );
    const valid = await verify(found?.passwordHash ?? (await this.decoyHash), input.password);
    if (!found || !valid || found.user.suspendedAt !== null) {
      throw new UnauthenticatedError(WRONG_LOGIN);
    }
    await this.limits.reset('signIn', `${login}|${ip}`);
    return { token: this.issueToken(found.user.id), user: found.user };
  }

  /** Deletes the viewer's account and everything it made, once they confirm their password. */
  async deleteAccount(viewer: Viewer, password: string): Promise<void> {
    // Per account, so a stolen token cannot guess the password.
    await this.limits.consume(
      'confirmPassword',
      viewer.id,
      'Too many wrong passwords. Wait a few minutes and try again.',
    );
    if (!(await this.checkPassword(viewer.id, password))) {
      throw InvalidInputError.field('password', 'is not the password of your account');
    }
    await this.accounts.delete(viewer.id);
  }

  async checkPassword(userId: string, password: string): Promise<boolean> {
    const passwordHash = await this.users.passwordHash(userId);
    return passwordHash ? verify(passwordHash, password) : false;
  }

  issueToken(userId: string): string {
    const claims: TokenClaims = { sub: userId };
    return jwt.sign(claims, this.tokenKey, {
      algorithm: 'HS256',
      expiresIn: this.config.tokenTtlSeconds,
    });
  }

  /**
   * The viewer behind an `Authorization` value ("Bearer …"), checked against the database so a
   * suspended or deleted account's tokens stop working at once, and when the token expires (ms
   * since the epoch).
   */
  async authenticate(
    authorization: unknown,
  ): Promise<{ viewer?: Viewer; expiresAt?: number; problem?: string }> {
    // Absent, null or blank is signed out; any other value must be a bearer token.
    if (authorization === undefined || authorization === null) return {};
    if (typeof authorization === 'string' && authorization.trim() === '') return {};
    const match =
      typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
    if (!match) return { problem: 'The Authorization value must be "Bearer <token>".' };
    const checked = this.tokens.check(match[1]);
    if ('problem' in checked) {
      return {
        problem:
          checked.problem === 'expired'
            ? 'Your session has expired. Sign in again.'
            : 'Your token is not valid. Sign in again.',
      };
    }
    const { claims } = checked;
    if (!isDatabaseId(claims.sub)) return { problem: 'Your token is not valid. Sign in again.' };
    const user = await this.activeAccounts.load(claims.sub);
    if (!user) return { problem: 'This account is no longer active. Sign in again.' };
    return { viewer: { id: user.id, role: user.role }, expiresAt: claims.exp * 1000 };
  }

  /** The client address of an HTTP request or websocket upgrade, as TRUST_PROXY allows. */
  clientAddress(request: IncomingMessage): string {
    return clientAddress(request, this.proxies);
  }

  /** The GraphQL context of one HTTP request: its Authorization header and client address. */
  httpContext(request: IncomingMessage): Promise<RequestContext> {
    return this.createContext(request.headers.authorization, this.clientAddress(request));
  }

  /** The GraphQL context of one HTTP request or websocket connection. */
  async createContext(authorization: unknown, ip: string): Promise<RequestContext> {
    const { viewer, problem } = await this.authenticate(authorization);
    return { viewer, authProblem: problem, loaders: new RequestLoaders(viewer?.id), ip };
  }
}
