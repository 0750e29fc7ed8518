import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The health check's round trip: whether the request pool can reach PostgreSQL at all. */
@Injectable()
export class DatabaseHealthRepository {
  constructor(private readonly dataSource: DataSource) {}

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
