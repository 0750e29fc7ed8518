import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { IsEmailAddress } from '../common/validation';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class SetupDto {
  @ApiProperty({ description: 'the token of the setup link in the server log' })
  @IsString() @Length(1, 200)
  token: string;

  @ApiProperty({ example: 'admin@example.com' })
  @Transform(trim) @IsEmailAddress() @Length(3, 254)
  email: string;

  @ApiProperty({ example: 'Dana Admin' })
  @Transform(trim) @IsString() @Length(1, 200)
  name: string;

  @ApiProperty({ minLength: 12, maxLength: 128 })
  @IsString() @Length(1, 1000)
  password: string;
}
