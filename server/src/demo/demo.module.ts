import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { SetupModule } from '../setup/setup.module';
import { UsersModule } from '../users/users.module';
import { WorkflowsModule } from '../workflows/workflows.module';
import { SeedService } from './seed.service';

@Module({ imports: [UsersModule, CasesModule, WorkflowsModule, SetupModule], providers: [SeedService] })
export class DemoModule {}
