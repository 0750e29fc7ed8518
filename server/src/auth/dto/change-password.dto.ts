import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString() @Length(1, 1000)
  currentPassword: string;

  @ApiProperty({ minLength: 12, maxLength: 128, description: '12–128 characters, not the e-mail, not a commonly used password' })
  @IsString() @Length(1, 1000)
  newPassword: string;
}
