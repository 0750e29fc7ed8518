import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron } from '@nestjs/schedule';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EmailService } from './email.service';

/**
 * The digest clocks: on the hour (HOURLY) and at 06:00 UTC (DAILY). They only queue the digest mails (one process
 * at a time, see EmailService.enqueueDigests); the delivery worker sends them like any other mail.
 */
@Injectable()
export class EmailDigestJob {
  private readonly logger = new Logger('EmailDigest');

  constructor(private readonly email: EmailService, @Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Cron('0 * * * *', { name: 'email-digest-hourly', timeZone: 'UTC' })
  async hourly(): Promise<void> {
    await this.run('HOURLY');
  }

  @Cron('0 6 * * *', { name: 'email-digest-daily', timeZone: 'UTC' })
  async daily(): Promise<void> {
    await this.run('DAILY');
  }

  private async run(digest: 'HOURLY' | 'DAILY'): Promise<void> {
    if (!this.config.scheduler || !this.email.configured) return;
    await this.email.enqueueDigests(digest).catch((e) => this.logger.warn(`${digest.toLowerCase()} digest failed: ${(e as Error).message}`));
  }
}
