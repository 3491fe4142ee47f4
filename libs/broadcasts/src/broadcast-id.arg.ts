import { Args, ID } from '@nestjs/graphql';
import { GlobalIdPipe } from '@app/common';

/** A broadcast's global id argument, turned into its database id (or BAD_USER_INPUT). */
export function BroadcastIdArg(
  name = 'id',
  description = 'Global id of the broadcast.',
): ParameterDecorator {
  return Args(name, { description, type: () => ID }, new GlobalIdPipe('Broadcast'));
}
