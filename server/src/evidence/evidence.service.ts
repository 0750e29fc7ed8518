import { BadRequestException, Injectable, InternalServerErrorException, NotFoundException } from '@nestjs/common';
import type { ReadStream } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { CasesService } from '../cases/cases.service';
import type { AuthUser } from '../common/auth-user';
import type { ListResult, PageQuery } from '../common/list';
import { TransactionRunner } from '../database/unit-of-work';
import type { EvidenceEntity } from './evidence.entity';
import { EvidenceRepository } from './evidence.repository';
import { HashingDiskStorage, safeFilename, type StoredFile } from './evidence-storage';
import { sniffMimeType } from './mime-sniff';

import type { EvidenceView } from '../../../contracts/api';
export type { EvidenceView };

function toView(e: EvidenceEntity): EvidenceView {
  return {
    id: e.id, caseId: e.caseId, filename: e.filename, mimeType: e.mimeType, sizeBytes: Number(e.sizeBytes),
    sha256: e.sha256.trim(), uploadedBy: e.uploadedBy, description: e.description, createdAt: e.createdAt.toISOString(),
  };
}

@Injectable()
export class EvidenceService {
  constructor(
    private readonly evidence: EvidenceRepository,
    private readonly cases: CasesService,
    private readonly tx: TransactionRunner,
    private readonly storage: HashingDiskStorage,
  ) {}

  async upload(user: AuthUser, caseId: string, file: StoredFile | undefined, fields: Record<string, unknown>): Promise<EvidenceView> {
    if (!file) throw new BadRequestException(['file: a multipart field named "file" is required']);
    try {
      const unknown = Object.keys(fields).filter((k) => k !== 'description');
      if (unknown.length) throw new BadRequestException(unknown.map((k) => `property ${k} should not exist`));
      const description = fields.description;
      if (description !== undefined && (typeof description !== 'string' || description.length > 2000)) {
        throw new BadRequestException(['description: must be a string of at most 2000 characters']);
      }
      const filename = safeFilename(file.originalname);
      const mimeType = await sniffMimeType(this.storage.pathOf(file.storageKey), file.mimetype, filename);
      const saved = await this.tx.run(async (uow) => {
        await this.cases.requireVisible(user, caseId, uow, true);
        const row = await this.evidence.insert(uow, {
          caseId, filename, mimeType, sizeBytes: String(file.size), sha256: file.sha256, storageKey: file.storageKey,
          uploadedBy: user.id, description: (description as string | undefined) ?? null,
        });
        await this.cases.recordEvidence(uow, caseId, { id: row.id, filename, mimeType, sizeBytes: file.size }, { actorId: user.id });
        return row;
      });
      return toView(saved);
    } catch (error) {
      // Nothing was recorded: the bytes must not linger either.
      await unlink(this.storage.pathOf(file.storageKey)).catch(() => undefined);
      throw error;
    }
  }

  async list(user: AuthUser, caseId: string, page: PageQuery): Promise<ListResult<EvidenceView>> {
    await this.cases.requireVisible(user, caseId);
    const [rows, total] = await this.evidence.pageOfCase(caseId, page.limit, page.offset);
    return { items: rows.map(toView), total };
  }

  async open(user: AuthUser, id: string): Promise<{ view: EvidenceView; stream: ReadStream }> {
    const row = await this.evidence.find(id);
    if (!row) throw new NotFoundException('evidence not found');
    try {
      await this.cases.requireVisible(user, row.caseId);
    } catch {
      throw new NotFoundException('evidence not found');
    }
    const view = toView(row);
    // Open before answering: a missing or damaged file is a clean error, not a response cut off half-way.
    let handle: FileHandle;
    try {
      handle = await open(this.storage.pathOf(row.storageKey), 'r');
    } catch (error) {
      throw new InternalServerErrorException(`the stored file of evidence ${id} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const { size } = await handle.stat();
    if (size !== view.sizeBytes) {
      await handle.close();
      throw new InternalServerErrorException(`the stored file of evidence ${id} has ${size} bytes, ${view.sizeBytes} were uploaded`);
    }
    return { view, stream: handle.createReadStream() };
  }
}
