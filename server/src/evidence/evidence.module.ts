import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import { CasesModule } from '../cases/cases.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EvidenceController } from './evidence.controller';
import { EvidenceEntity } from './evidence.entity';
import { EvidenceRepository } from './evidence.repository';
import { CaseVisibleBeforeUpload } from './case-visible-before-upload.interceptor';
import { EvidenceService } from './evidence.service';
import { HashingDiskStorage } from './evidence-storage';

const storageProvider = {
  provide: HashingDiskStorage,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig) => new HashingDiskStorage(join(config.dataDir, 'evidence')),
};

@Module({
  imports: [
    TypeOrmModule.forFeature([EvidenceEntity]),
    CasesModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        storage: storageProvider.useFactory(config),
        // Browsers send file names as raw UTF-8; busboy's default (latin1) would mangle every non-ASCII name.
        defParamCharset: 'utf8',
        limits: { fileSize: config.evidenceMaxBytes, files: 1, fields: 5, fieldSize: 64 * 1024, parts: 8 },
      }),
    }),
  ],
  controllers: [EvidenceController],
  providers: [EvidenceService, EvidenceRepository, storageProvider, CaseVisibleBeforeUpload],
})
export class EvidenceModule {}
