import { Field, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsOptional,
  IsUrl,
  Length,
  Matches,
  MaxLength,
  MinLength,
  NotContains,
  ValidateIf,
} from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * PostgreSQL cannot store U+0000. Refused here, such text never reaches a query: a failed query's
 * parameters (emails, password hashes) would otherwise end up in the error log.
 */
export const NUL = '\u0000';
const noNul = () => NotContains(NUL, { message: 'must not contain the NUL character' });

export const HANDLE_PATTERN = /^[A-Za-z0-9_]{3,30}$/;
const HANDLE_RULE = 'must be 3 to 30 letters, digits or underscores';

@InputType()
export class SignUpInput {
  @Field()
  @Transform(trim)
  @Matches(HANDLE_PATTERN, { message: HANDLE_RULE })
  handle!: string;

  @Field()
  @Transform(trim)
  @MaxLength(254, { message: 'must be at most 254 characters' })
  @IsEmail({}, { message: 'must be a valid email address' })
  email!: string;

  @Field()
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  password!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(trim)
  @Length(1, 50, { message: 'must be 1 to 50 characters' })
  @noNul()
  displayName?: string;
}

@InputType()
export class SignInInput {
  @Field({ description: 'A handle or an email address.' })
  @Transform(trim)
  @Length(1, 254, { message: 'must be 1 to 254 characters' })
  @noNul()
  login!: string;

  @Field()
  @Length(1, 256, { message: 'must be 1 to 256 characters' })
  password!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(trim)
  @Length(1, 50, { message: 'must be 1 to 50 characters' })
  @noNul()
  displayName?: string;

  @Field(() => String, { nullable: true, description: 'An empty string clears it.' })
  @IsOptional()
  @Transform(trim)
  @MaxLength(160, { message: 'must be at most 160 characters' })
  @noNul()
  bio?: string;

  @Field(() => String, {
    nullable: true,
    description: 'An http(s) URL; an empty string clears it.',
  })
  @ValidateIf((input: UpdateProfileInput) => !!input.avatarUrl)
  @Transform(trim)
  @MaxLength(500, { message: 'must be at most 500 characters' })
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'must be an http or https URL' },
  )
  avatarUrl?: string;
}
