import { CaseEntity } from '../cases/case.entity';
import { EvidenceEntity } from '../evidence/evidence.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [UserEntity, CaseEntity, EvidenceEntity];
