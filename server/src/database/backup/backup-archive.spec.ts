import { describe, expect, it } from '@jest/globals';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { MANIFEST, walSegments } from './backup';
import { restoreDataDir } from './restore';
import { readTar, TarWriter, type TarEntry } from './tar';

/** The archive format and the restore's refusals, without a database (the real round trip is server/test/chaos/backup-restore.spec.ts). */
async function archiveOf(path: string, write: (tar: TarWriter) => Promise<void>): Promise<void> {
  const file = createWriteStream(path);
  const gzip = createGzip();
  gzip.pipe(file);
  const tar = new TarWriter(gzip);
  await write(tar);
  await tar.finish();
  gzip.end();
  await finished(file);
}

describe('backup archive', () => {
  it('reads back folders, files, modes and long non-ASCII names exactly as written', async () => {
    const dir = mkdtempSync('/var/tmp/acos-tar-');
    try {
      const longName = `evidence/${'é'.repeat(80)}/${'x'.repeat(120)}.bin`;
      const big = Buffer.alloc(1_500_000, 7);
      writeFileSync(join(dir, 'big'), big);
      const chunks: Buffer[] = [];
      const writer = new TarWriter(new Writable({ write(c: Buffer, _e, done) { chunks.push(c); done(); } }));
      await writer.dir('evidence', 0o700);
      await writer.bytes(longName, 0o600, Buffer.from('hello'));
      expect(await writer.file('pg/base/1', join(dir, 'big'), 0o640)).toBe(true);
      expect(await writer.file('pg/gone', join(dir, 'missing'), 0o600)).toBe(false);
      await writer.finish();
      const seen: Array<TarEntry & { data: Buffer }> = [];
      await readTar(Readable.from(chunks), (e) => { seen.push({ ...e, data: Buffer.alloc(0) }); }, (c) => {
        const last = seen[seen.length - 1];
        last.data = Buffer.concat([last.data, c]);
      });
      expect(seen.map(({ name, type, mode, size }) => ({ name, type, mode, size }))).toEqual([
        { name: 'evidence', type: 'dir', mode: 0o700, size: 0 },
        { name: longName, type: 'file', mode: 0o600, size: 5 },
        { name: 'pg/base/1', type: 'file', mode: 0o640, size: big.length },
      ]);
      expect(seen[1].data.toString()).toBe('hello');
      expect(seen[2].data.equals(big)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the WAL segments from the start segment through the one holding the last byte before the stop position', () => {
    const mb16 = 16 * 1024 * 1024;
    expect(walSegments('000000010000000000000002', '0/20061F8', mb16)).toEqual(['000000010000000000000002']);
    expect(walSegments('0000000100000000000000FE', '1/01000000', mb16)).toEqual([
      '0000000100000000000000FE', '0000000100000000000000FF', '000000010000000100000000',
    ]);
    expect(walSegments('000000020000000000000003', '0/4000001', mb16)).toEqual(['000000020000000000000003', '000000020000000000000004']);
  });

  it('refuses an archive that would write outside DATA_DIR, or one cut short, and leaves DATA_DIR empty', async () => {
    const dir = mkdtempSync('/var/tmp/acos-restore-unit-');
    try {
      const escaping = join(dir, 'escaping.tar.gz');
      await archiveOf(escaping, async (tar) => {
        await tar.bytes('pg/PG_VERSION', 0o600, Buffer.from('18\n'));
        await tar.bytes('../outside', 0o600, Buffer.from('gotcha'));
      });
      const dataDir = join(dir, 'data');
      await expect(restoreDataDir({ archive: escaping, dataDir, log: () => undefined })).rejects.toThrow(/outside DATA_DIR/);
      expect(existsSync(join(dir, 'outside'))).toBe(false);
      expect(readdirSync(dataDir)).toEqual([]);

      const unfinished = join(dir, 'unfinished.tar.gz');
      await archiveOf(unfinished, async (tar) => {
        await tar.bytes('pg/PG_VERSION', 0o600, Buffer.from('18\n'));
        await tar.bytes('jwt-secret', 0o600, Buffer.from('s'.repeat(48)));
      });
      await expect(restoreDataDir({ archive: unfinished, dataDir, log: () => undefined })).rejects.toThrow(new RegExp(`${MANIFEST} is missing`));
      expect(readdirSync(dataDir)).toEqual([]);

      writeFileSync(join(dataDir, 'keep-me'), 'x');
      await expect(restoreDataDir({ archive: unfinished, dataDir, log: () => undefined })).rejects.toThrow(/is not empty/);
      expect(readFileSync(join(dataDir, 'keep-me'), 'utf8')).toBe('x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
