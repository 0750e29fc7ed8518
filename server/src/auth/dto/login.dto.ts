import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@auditcaseos.local' })
  @IsString() @Length(1, 254)
  email: string;

  @ApiProperty({ example: 'Admin123!' })
  @IsString() @Length(1, 200)
  password: string;
}
