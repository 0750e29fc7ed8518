import { DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { enablePreparedStatements } from './prepared-statements';
import { BackgroundTransactionRunner, TransactionRunner } from './unit-of-work';

/** The connections of the outbox dispatcher and the scheduler: background work never waits behind HTTP requests for one. */
export const BACKGROUND = 'background';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, poolSize: number, backgroundPoolSize: number): DynamicModule {
    enablePreparedStatements();
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(url, poolSize), migrationsRun: false }),
        TypeOrmModule.forRoot({ ...dataSourceOptions(url, backgroundPoolSize), name: BACKGROUND, migrationsRun: false }),
      ],
      providers: [
        TransactionRunner,
        {
          provide: BackgroundTransactionRunner,
          inject: [getDataSourceToken(BACKGROUND)],
          useFactory: (dataSource: DataSource) => new BackgroundTransactionRunner(dataSource),
        },
      ],
      exports: [TransactionRunner, BackgroundTransactionRunner],
    };
  }
}
