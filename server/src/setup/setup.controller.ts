import { Body, Controller, Get, Ip, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/decorators';
import { SetupDto } from './setup.dto';
import { SetupService } from './setup.service';

/** Public while no user exists; 404 for good once the first admin is created. */
@ApiTags('setup')
@Controller('setup')
export class SetupController {
  constructor(private readonly setup: SetupService) {}

  @Public()
  @Get()
  status() {
    return this.setup.status();
  }

  @Public()
  @Post()
  complete(@Body() dto: SetupDto, @Ip() ip: string) {
    return this.setup.complete(dto, ip);
  }
}
