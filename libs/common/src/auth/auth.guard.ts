import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { ForbiddenError, UnauthenticatedError } from '../errors/domain-errors';
import { RequestContext, Role, Viewer } from './viewer';

const ROLES = Symbol('roles');

export function requireViewer(context: RequestContext): Viewer {
  if (!context.viewer) throw new UnauthenticatedError(context.authProblem);
  return context.viewer;
}

/** Operation-level guard: a signed-in viewer, and one of the roles when @Authenticated lists some. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(execution: ExecutionContext): boolean {
    const context = GqlExecutionContext.create(execution).getContext<RequestContext>();
    const viewer = requireViewer(context);
    const roles = this.reflector.get<Role[] | undefined>(ROLES, execution.getHandler());
    if (roles && roles.length > 0 && !roles.includes(viewer.role)) {
      throw new ForbiddenError(`Only ${roles.join(' or ')} accounts may do this.`);
    }
    return true;
  }
}

/** Put on a query, mutation or subscription (never on a field resolver). */
export const Authenticated = (...roles: Role[]) =>
  applyDecorators(SetMetadata(ROLES, roles), UseGuards(AuthGuard));

/** The signed-in viewer of an @Authenticated operation. */
export const CurrentViewer = createParamDecorator(
  (_data: unknown, execution: ExecutionContext): Viewer =>
    requireViewer(GqlExecutionContext.create(execution).getContext<RequestContext>()),
);
