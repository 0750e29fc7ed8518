import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { CaseEntity } from './case.entity';
import { CasesController } from './cases.controller';
import { CasesService } from './cases.service';
import { TimelineEntryEntity } from './timeline-entry.entity';

@Module({
  imports: [TypeOrmModule.forFeature([CaseEntity, TimelineEntryEntity]), UsersModule],
  controllers: [CasesController],
  providers: [CasesService],
  exports: [CasesService],
})
export class CasesModule {}
