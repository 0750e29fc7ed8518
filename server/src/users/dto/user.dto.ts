import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { ROLES, SCOPE_CODE_PATTERN, type Role } from '../../common/enums';
import { IsEmailAddress, IsOmittable } from '../../common/validation';
import { PageQuery } from '../../common/list';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateUserDto {
  @ApiProperty({ example: 'dana@example.com' })
  @Transform(trim) @IsEmailAddress() @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'Dana Investigator' })
  @Transform(trim) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role: Role;

  @ApiProperty({ minLength: 12, maxLength: 128, description: '12–128 characters, not the e-mail, not a commonly used password' })
  @IsString() @Length(1, 1000)
  password: string;

  @ApiPropertyOptional({ type: [String], example: ['FIN', 'HR'], description: 'Case scopes this user may see; empty = all' })
  @IsOmittable() @IsArray() @ArrayMaxSize(100) @Matches(SCOPE_CODE_PATTERN, { each: true, message: 'each value in scopeCodes must match ^[A-Z][A-Z0-9]{1,9}$' })
  scopeCodes?: string[];
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOmittable() @Transform(trim) @IsString() @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOmittable() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @IsOmittable() @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ type: [String] })
  @IsOmittable() @IsArray() @ArrayMaxSize(100) @Matches(SCOPE_CODE_PATTERN, { each: true, message: 'each value in scopeCodes must match ^[A-Z][A-Z0-9]{1,9}$' })
  scopeCodes?: string[];
}

export type { UserView } from '../../../../contracts/api';

/** `GET /users`: the filters apply to admins; other roles always get active users only. */
export class UserListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'name or e-mail contains (admins only)' })
  @IsOptional() @IsString() @Length(1, 200)
  q?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional() @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ description: 'true or false (admins only)' })
  @IsOptional() @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)) @IsBoolean()
  isActive?: boolean;
}
