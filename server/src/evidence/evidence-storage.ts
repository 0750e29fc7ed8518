import type { Request } from 'express';
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { StorageEngine } from 'multer';

export interface StoredFile extends Express.Multer.File {
  storageKey: string;
  sha256: string;
}

/**
 * A multer storage engine that streams the upload straight to disk under a
 * server-chosen name, hashing it on the way: the file is never held whole in
 * memory and the client's path never reaches the file system.
 */
export class HashingDiskStorage implements StorageEngine {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  pathOf(storageKey: string): string {
    return join(this.dir, storageKey);
  }

  _handleFile(_req: Request, file: Express.Multer.File, callback: (error?: unknown, info?: Partial<StoredFile>) => void): void {
    const storageKey = randomUUID();
    const path = this.pathOf(storageKey);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    pipeline(file.stream, tap, createWriteStream(path, { mode: 0o600 }))
      .then(() => callback(null, { storageKey, path, size, sha256: hash.digest('hex') }))
      .catch(async (error) => {
        await unlink(path).catch(() => undefined);
        callback(error);
      });
  }

  _removeFile(_req: Request, file: Express.Multer.File & Partial<StoredFile>, callback: (error: Error | null) => void): void {
    if (!file.storageKey) return callback(null);
    unlink(this.pathOf(file.storageKey)).then(() => callback(null), () => callback(null));
  }
}

/** The client's file name without any path, control characters or excessive length. */
export function safeFilename(original: string | undefined): string {
  const base = (original ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f\u007f]/g, '').replace(/^\.+/, '').trim().slice(0, 255);
  return cleaned || 'upload.bin';
}
