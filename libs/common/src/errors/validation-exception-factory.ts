import { ValidationError } from 'class-validator';
import { FieldProblem, InvalidInputError } from './domain-errors';

function collect(errors: ValidationError[], prefix: string, into: FieldProblem[]): void {
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) into.push({ field, message });
    collect(error.children ?? [], field, into);
  }
}

/** ValidationPipe's exceptionFactory: every offending input field, named, as BAD_USER_INPUT. */
export function validationExceptionFactory(errors: ValidationError[]): InvalidInputError {
  const problems: FieldProblem[] = [];
  collect(errors, '', problems);
  return new InvalidInputError(problems);
}
