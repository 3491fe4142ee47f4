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
  ValidateIf,
} from 'class-validator';
import { HANDLE_PATTERN } from '@app/config';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

const HANDLE_RULE = 'must be 3 to 30 letters, digits or underscores';

@InputType({
  description:
    'A new account. Invalid fields are BAD_USER_INPUT naming the field; a taken handle or email is CONFLICT.',
})
export class SignUpInput {
  @Field({ description: '3 to 30 letters, digits or underscores, unique in any case; trimmed.' })
  @Transform(trim)
  @Matches(HANDLE_PATTERN, { message: HANDLE_RULE })
  handle!: string;

  @Field({
    description:
      'A valid email address, at most 254 characters, unique in any case; trimmed. Never shown to others.',
  })
  @Transform(trim)
  @MaxLength(254, { message: 'must be at most 254 characters' })
  @IsEmail({}, { message: 'must be a valid email address' })
  email!: string;

  @Field({ description: '8 to 256 characters.' })
  @MinLength(8, { message: 'must be at least 8 characters' })
  @MaxLength(256, { message: 'must be at most 256 characters' })
  password!: string;

  @Field(() => String, {
    description: '1 to 50 characters after trimming; the handle when left out.',
    nullable: true,
  })
  @IsOptional()
  @Transform(trim)
  @Length(1, 50, { message: 'must be 1 to 50 characters' })
  displayName?: string;
}

@InputType({ description: 'Credentials for signIn.' })
export class SignInInput {
  @Field({ description: 'A handle or an email address.' })
  @Transform(trim)
  @Length(1, 254, { message: 'must be 1 to 254 characters' })
  login!: string;

  @Field({ description: '1 to 256 characters.' })
  @Length(1, 256, { message: 'must be 1 to 256 characters' })
  password!: string;
}

@InputType({ description: 'The profile fields to change; fields left out stay as they are.' })
export class UpdateProfileInput {
  @Field(() => String, {
    nullable: true,
    description: 'Left out, it stays as it is; it cannot be cleared, so null is refused.',
  })
  @ValidateIf((_input: UpdateProfileInput, value: unknown) => value !== undefined)
  @Transform(trim)
  @Length(1, 50, { message: 'must be 1 to 50 characters' })
  displayName?: string;

  @Field(() => String, { nullable: true, description: 'An empty string clears it.' })
  @IsOptional()
  @Transform(trim)
  @MaxLength(160, { message: 'must be at most 160 characters' })
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
