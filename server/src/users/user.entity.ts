import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { AuthProvider } from '../../../contracts/enums';
import type { Role } from '../common/enums';

@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  email: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'enum', enumName: 'user_role', enum: ['ADMIN', 'INVESTIGATOR', 'VIEWER'] })
  role: Role;

  /** Null for a user of the single sign-on provider (no password sign-in). */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ name: 'is_active', type: 'boolean', default: true })
  isActive: boolean;

  @Column({ name: 'scope_codes', type: 'text', array: true, default: () => "'{}'" })
  scopeCodes: string[];

  @Column({ name: 'must_change_password', type: 'boolean', default: false })
  mustChangePassword: boolean;

  @Column({ name: 'last_login_at', type: 'timestamptz', nullable: true })
  lastLoginAt: Date | null;

  @Column({ name: 'auth_provider', type: 'enum', enumName: 'auth_provider', enum: ['LOCAL', 'OIDC'], default: 'LOCAL' })
  authProvider: AuthProvider;

  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  @Column({ name: 'kept_token_id', type: 'uuid', nullable: true })
  keptTokenId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
