import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseHealthRepository } from './database-health.repository';
import { dataSourceOptions } from './data-source-options';
import { enablePreparedStatements } from './prepared-statements';
import { BackgroundTransactionRunner, TransactionRunner } from './unit-of-work';

/** The connections of the outbox dispatcher and the scheduler: background work never waits behind HTTP requests for one. */
export const BACKGROUND = 'background';

/**
 * The pools and their transaction runners, configured once by the root module. Global like the TypeORM
 * root module it wraps (whose DataSource every repository injects): all data access goes through it.
 */
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number, backgroundPoolSize: number): DynamicModule {
    enablePreparedStatements();
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(url, poolSize), migrationsRun: false }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(url, backgroundPoolSize), name: BACKGROUND, migrationsRun: false }),
      ],
      providers: [
        TransactionRunner,
        DatabaseHealthRepository,
        {
          provide: BackgroundTransactionRunner,
          inject: [getDataSourceToken(BACKGROUND)],
          useFactory: (dataSource: DataSource) => new BackgroundTransactionRunner(dataSource),
        },
      ],
      exports: [TransactionRunner, BackgroundTransactionRunner, DatabaseHealthRepository],
    };
  }
}
