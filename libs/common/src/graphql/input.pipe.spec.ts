import { ValidationPipe } from '@nestjs/common';
import { InvalidInputError } from '../errors/domain-errors';
import { validationExceptionFactory } from '../errors/validation-exception-factory';
import { ConnectionArgs } from '../pagination/connection';
import { InputPipe } from './input.pipe';

class SomeInput {
  text!: string;
}

async function problems(value: unknown, data?: string, metatype: unknown = SomeInput) {
  try {
    await new InputPipe().transform(value, { type: 'body', data, metatype } as never);
    return [];
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    return error.fields;
  }
}

describe('InputPipe', () => {
  it('names every string with a NUL or an unpaired surrogate, however deep', async () => {
    expect(
      await problems({ text: 'a\u0000', nested: { list: ['ok', '\uDC00'] }, fine: '🚀' }, 'input'),
    ).toEqual([
      { field: 'text', message: 'must not contain the NUL character' },
      { field: 'nested.list[1]', message: 'must be valid Unicode text (no unpaired surrogates)' },
    ]);
  });

  it('names a scalar argument by its name, even when its type is a union', async () => {
    expect(await problems('x\uD800', 'reason', Object)).toEqual([
      { field: 'reason', message: 'must be valid Unicode text (no unpaired surrogates)' },
    ]);
    expect(await problems(['a', 'b\u0000'], 'ids', Array)).toEqual([
      { field: 'ids[1]', message: 'must not contain the NUL character' },
    ]);
  });

  it('lets valid text, dates and nulls through', async () => {
    const at = new Date();
    expect(await problems({ text: 'é 🚀 \uFFFD', at, none: null }, 'input')).toEqual([]);
  });

  it('leaves an untyped HTTP body to its controller', async () => {
    expect(await problems({ name: 'a\u0000' }, undefined, Object)).toEqual([]);
  });

  it('checks paging arguments as class-validator would, without it', async () => {
    const validator = new ValidationPipe({
      transform: true,
      forbidUnknownValues: false,
      exceptionFactory: validationExceptionFactory,
    });
    const outcome = async (pipe: ValidationPipe, value: object) => {
      try {
        const args = (await pipe.transform(value, {
          type: 'body',
          metatype: ConnectionArgs,
        })) as ConnectionArgs;
        return { args: { ...args }, instance: args instanceof ConnectionArgs };
      } catch (error) {
        return { error: (error as InvalidInputError).fields };
      }
    };
    for (const first of [undefined, null, -5, 0, 1, 20, 100, 101, 1000]) {
      for (const after of [undefined, null, 'WyJ4Il0']) {
        const value = { first, after };
        expect(await outcome(new InputPipe(), value)).toEqual(await outcome(validator, value));
      }
    }
  });
});
