import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { FieldProblem, InvalidInputError } from '../errors/domain-errors';
import { validationExceptionFactory } from '../errors/validation-exception-factory';
import { ConnectionArgs, connectionArgsProblems } from '../pagination/connection';

const NUL = '\u0000';
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function textProblem(text: string): string | undefined {
  if (text.includes(NUL)) return 'must not contain the NUL character';
  if (UNPAIRED_SURROGATE.test(text)) return 'must be valid Unicode text (no unpaired surrogates)';
  return undefined;
}

/** Every string in an argument's value, with the field it sits in (`input.email` is `email`). */
function collectTextProblems(value: unknown, field: string, into: FieldProblem[]): void {
  if (typeof value === 'string') {
    const message = textProblem(value);
    if (message) into.push({ field, message });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => collectTextProblems(item, `${field}[${i}]`, into));
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) {
      collectTextProblems(item, field ? `${field}.${key}` : key, into);
    }
  }
}

/**
 * GraphQL arguments reach pipes as 'body': `@Args('name')` with its name, `@Args()` with its
 * ArgsType class. The HTTP controllers (the media server's form posts) take their whole body
 * untyped, and keep their own checks.
 */
function isGraphQLArgument({ type, data, metatype }: ArgumentMetadata): boolean {
  return type === 'body' && (data !== undefined || (metatype !== undefined && metatype !== Object));
}

/**
 * The one pipe every GraphQL argument goes through. Before any validator or query sees it, text
 * that PostgreSQL cannot store (NUL) or that is not valid Unicode (an unpaired surrogate, which
 * some validators choke on and which would be stored as U+FFFD) is refused in any string of any
 * argument, naming the field. Then the input classes' class-validator rules run.
 */
export class InputPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      forbidUnknownValues: false,
      exceptionFactory: validationExceptionFactory,
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (isGraphQLArgument(metadata)) {
      const problems: FieldProblem[] = [];
      const named = typeof value !== 'object' || value === null || Array.isArray(value);
      collectTextProblems(value, named ? (metadata.data ?? 'input') : '', problems);
      if (problems.length > 0) throw new InvalidInputError(problems);
      // The paging arguments of every list: checked by hand, the same rules and messages.
      if (metadata.metatype === ConnectionArgs) {
        const args = Object.assign(new ConnectionArgs(), value);
        const paging = connectionArgsProblems(args);
        if (paging.length > 0) throw new InvalidInputError(paging);
        return args;
      }
    }
    return super.transform(value, metadata);
  }
}
