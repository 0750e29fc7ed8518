import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { UnitOfWork } from '../database/unit-of-work';
import { EvidenceEntity } from './evidence.entity';

export type NewEvidence = Pick<EvidenceEntity, 'caseId' | 'filename' | 'mimeType' | 'sizeBytes' | 'sha256' | 'storageKey' | 'uploadedBy' | 'description'>;

/** Every statement on `evidence`. */
@Injectable()
export class EvidenceRepository {
  constructor(@InjectRepository(EvidenceEntity) private readonly evidence: Repository<EvidenceEntity>) {}

  insert(uow: UnitOfWork, row: NewEvidence): Promise<EvidenceEntity> {
    const repo = uow.manager.getRepository(EvidenceEntity);
    return repo.save(repo.create(row));
  }

  /** A case's evidence, newest first. */
  pageOfCase(caseId: string, limit: number, offset: number): Promise<[EvidenceEntity[], number]> {
    return this.evidence.findAndCount({ where: { caseId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  find(id: string): Promise<EvidenceEntity | null> {
    return this.evidence.findOne({ where: { id } });
  }
}
