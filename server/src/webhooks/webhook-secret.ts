import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Signing secrets at rest. The server must sign with them, so they cannot be hashed; they are encrypted
 * with AES-256-GCM under a key derived (HKDF) from JWT_SECRET, which every process of one installation
 * already shares. A database copy alone does not reveal them; changing JWT_SECRET makes them unreadable
 * (deliveries then fail with a clear error until the secrets are rotated).
 */
export class WebhookSecretBox {
  private readonly key: Buffer;

  constructor(jwtSecret: string) {
    this.key = Buffer.from(hkdfSync('sha256', jwtSecret, 'auditcaseos', 'webhook-signing-secrets', 32));
  }

  /** A new secret: 32 random bytes, hex. */
  static generate(): string {
    return randomBytes(32).toString('hex');
  }

  seal(secret: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]).toString('utf8');
  }
}
