import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { UsersModule } from '../users/users.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SeedService } from './seed.service';

@Module({ imports: [UsersModule, CasesModule, WorkflowsModule], providers: [SeedService] })
export class DemoModule {}
