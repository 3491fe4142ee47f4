import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import {
  Authenticated,
  CurrentViewer,
  GlobalIdPipe,
  RequestContext,
  Role,
  UnauthenticatedError,
  Viewer,
} from '@app/common';
import { AccountsService } from './accounts.service';
import { AuthService } from './auth.service';
import { SignInInput, SignUpInput, UpdateProfileInput } from './dto/account.inputs';
import { AuthPayloadModel, UserModel } from './models/user.model';

@Resolver(() => UserModel)
export class AccountsResolver {
  constructor(
    private readonly accounts: AccountsService,
    private readonly auth: AuthService,
  ) {}

  @Mutation(() => AuthPayloadModel, {
    description:
      'Creates an account and signs it in. Invalid fields are BAD_USER_INPUT naming the field; a taken handle or email is CONFLICT; too many sign-ups from one address are RATE_LIMITED.',
  })
  async signUp(
    @Args('input', { description: 'The new account.' }) input: SignUpInput,
    @Context() context: RequestContext,
  ): Promise<AuthPayloadModel> {
    return AuthPayloadModel.from(await this.auth.signUp(input, context.ip));
  }

  @Mutation(() => AuthPayloadModel, {
    description:
      'Signs in with a handle or email and the password. A wrong login or password, or a suspended account, is UNAUTHENTICATED (without saying which); too many attempts are RATE_LIMITED.',
  })
  async signIn(
    @Args('input', { description: 'The credentials.' }) input: SignInInput,
    @Context() context: RequestContext,
  ): Promise<AuthPayloadModel> {
    return AuthPayloadModel.from(await this.auth.signIn(input, context.ip));
  }

  @Query(() => UserModel, {
    nullable: true,
    description: 'The signed-in account; null when signed out.',
  })
  async me(@Context() context: RequestContext): Promise<UserModel | null> {
    // A presented but refused token is an error, so a client notices it is signed out.
    if (context.authProblem) throw new UnauthenticatedError(context.authProblem);
    if (!context.viewer) return null;
    const user = await context.loaders.load(this.accounts.byId, context.viewer.id);
    return user ? UserModel.from(user) : null;
  }

  @Mutation(() => UserModel, {
    description:
      "Changes the signed-in account's profile and returns it. Invalid fields are BAD_USER_INPUT naming the field; UNAUTHENTICATED when signed out.",
  })
  @Authenticated()
  async updateProfile(
    @Args('input', { description: 'The fields to change.' }) input: UpdateProfileInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.updateProfile(viewer, input));
  }

  @Mutation(() => UserModel, {
    description:
      'Admins only: gives an account a role and returns it. FORBIDDEN for anyone else; UNAUTHENTICATED when signed out.',
  })
  @Authenticated(Role.ADMIN)
  async setRole(
    @Args(
      'userId',
      {
        description: 'Global id of the account; your own is FORBIDDEN, an unknown one NOT_FOUND.',
        type: () => ID,
      },
      new GlobalIdPipe('User'),
    )
    userId: string,
    @Args('role', { description: 'The new role.', type: () => Role }) role: Role,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.setRole(viewer, userId, role));
  }

  @Mutation(() => UserModel, {
    description: 'Admins only: the account can no longer sign in; its content disappears.',
  })
  @Authenticated(Role.ADMIN)
  async suspendUser(
    @Args(
      'userId',
      {
        description: 'Global id of the account; your own is FORBIDDEN, an unknown one NOT_FOUND.',
        type: () => ID,
      },
      new GlobalIdPipe('User'),
    )
    userId: string,
    @Args('reason', {
      description: 'Why, for the moderation record; optional.',
      type: () => String,
      nullable: true,
    })
    reason: string | null | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.suspend(viewer, userId, reason ?? undefined));
  }

  @Mutation(() => UserModel, {
    description:
      'Admins only: lets a suspended account sign in again and shows its content again; returns it. FORBIDDEN for anyone else.',
  })
  @Authenticated(Role.ADMIN)
  async unsuspendUser(
    @Args(
      'userId',
      { description: 'Global id of the account; an unknown one is NOT_FOUND.', type: () => ID },
      new GlobalIdPipe('User'),
    )
    userId: string,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.unsuspend(userId));
  }

  @Mutation(() => Boolean, { description: 'Deletes the signed-in account and everything it made.' })
  @Authenticated()
  async deleteAccount(
    @Args('password', {
      description:
        "The account's password, to confirm; a wrong one is BAD_USER_INPUT, too many wrong ones RATE_LIMITED.",
    })
    password: string,
    @CurrentViewer() viewer: Viewer,
  ): Promise<boolean> {
    await this.auth.deleteAccount(viewer, password);
    return true;
  }
}
