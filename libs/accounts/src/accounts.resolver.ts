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

  @Mutation(() => AuthPayloadModel)
  async signUp(
    @Args('input') input: SignUpInput,
    @Context() context: RequestContext,
  ): Promise<AuthPayloadModel> {
    const session = await this.auth.signUp(input, context.ip);
    return { token: session.token, user: UserModel.from(session.user) };
  }

  @Mutation(() => AuthPayloadModel)
  async signIn(
    @Args('input') input: SignInInput,
    @Context() context: RequestContext,
  ): Promise<AuthPayloadModel> {
    const session = await this.auth.signIn(input, context.ip);
    return { token: session.token, user: UserModel.from(session.user) };
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

  @Mutation(() => UserModel)
  @Authenticated()
  async updateProfile(
    @Args('input') input: UpdateProfileInput,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.updateProfile(viewer, input));
  }

  @Mutation(() => UserModel, { description: 'Admins only.' })
  @Authenticated(Role.ADMIN)
  async setRole(
    @Args('userId', { type: () => ID }, new GlobalIdPipe('User')) userId: string,
    @Args('role', { type: () => Role }) role: Role,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.setRole(viewer, userId, role));
  }

  @Mutation(() => UserModel, {
    description: 'Admins only: the account can no longer sign in; its content disappears.',
  })
  @Authenticated(Role.ADMIN)
  async suspendUser(
    @Args('userId', { type: () => ID }, new GlobalIdPipe('User')) userId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null | undefined,
    @CurrentViewer() viewer: Viewer,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.suspend(viewer, userId, reason ?? undefined));
  }

  @Mutation(() => UserModel, { description: 'Admins only.' })
  @Authenticated(Role.ADMIN)
  async unsuspendUser(
    @Args('userId', { type: () => ID }, new GlobalIdPipe('User')) userId: string,
  ): Promise<UserModel> {
    return UserModel.from(await this.accounts.unsuspend(userId));
  }

  @Mutation(() => Boolean, { description: 'Deletes the signed-in account and everything it made.' })
  @Authenticated()
  async deleteAccount(
    @Args('password') password: string,
    @CurrentViewer() viewer: Viewer,
  ): Promise<boolean> {
    await this.auth.deleteAccount(viewer, password);
    return true;
  }
}
