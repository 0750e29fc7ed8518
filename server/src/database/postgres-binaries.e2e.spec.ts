import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded-postgres';
import { packagedNativeDir, trustedBinaries } from './postgres-binaries';
import { isRoot, postgresIdentity, postmasterOf } from './postgres-os';

const settings = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' };
const quiet = () => undefined;

(isRoot() ? describe : describe.skip)('the PostgreSQL binaries and processes, as root', () => {
  let root: string;
  let binariesRoot: string;
  let options: EmbeddedPostgresOptions;
  beforeAll(() => {
    root = mkdtempSync('/var/tmp/acos-pgbin-');
    chmodSync(root, 0o755);
    binariesRoot = join(root, 'pgbin');
    options = { dataDir: join(root, 'data', 'pg'), binariesRoot, forceBinariesCopy: true, settings, log: quiet };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const onlyCopy = () => {
    const names = readdirSync(binariesRoot);
    expect(names).toHaveLength(1);
    return join(binariesRoot, names[0]);
  };

  it('runs PostgreSQL from a root-owned copy, without the application\'s secrets in its environment', async () => {
    const secret = `env-hygiene-${process.pid}-secret-value`;
    const saved = { JWT_SECRET: process.env.JWT_SECRET, ADMIN_PASSWORD: process.env.ADMIN_PASSWORD };
    process.env.JWT_SECRET = secret;
    process.env.ADMIN_PASSWORD = secret;
    try {
      const pg = await startEmbeddedPostgres(options);
      try {
        const pid = postmasterOf(options.dataDir)!.pid;
        const copy = onlyCopy();
        expect(readlinkSync(`/proc/${pid}/exe`)).toBe(join(copy, 'bin', 'postgres'));
        expect(statSync(copy)).toMatchObject({ uid: 0, mode: expect.any(Number) });
        expect(statSync(copy).mode & 0o777).toBe(0o755);
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
        expect(environ.some((e) => e.startsWith('PATH='))).toBe(true);
        expect(environ.filter((e) => /^(JWT_SECRET|ADMIN_PASSWORD|DATABASE_URL)=/.test(e) || e.includes(secret))).toEqual([]);
      } finally {
        await pg.stop();
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('refuses a copy with a planted, added or loosened file, and never runs what was planted', async () => {
    const copy = onlyCopy();
    const marker = join(root, 'planted-binary-ran');
    const postgres = join(copy, 'bin', 'postgres');
    renameSync(postgres, `${postgres}.real`);
    writeFileSync(postgres, `#!/bin/sh\ntouch ${marker}\n`, { mode: 0o755 });
    await expect(startEmbeddedPostgres(options)).rejects.toThrow(
      new RegExp(`refusing to run PostgreSQL from ${copy}, which does not match the packaged binaries \\(.*changed bin/postgres.*extra bin/postgres\\.real`),
    );
    expect(existsSync(marker)).toBe(false);
    renameSync(`${postgres}.real`, postgres);

    writeFileSync(join(copy, 'lib', 'libplanted.so'), 'not ours');
    await expect(startEmbeddedPostgres(options)).rejects.toThrow(/extra lib\/libplanted\.so/);
    rmSync(join(copy, 'lib', 'libplanted.so'));

    chmodSync(join(copy, 'bin', 'initdb'), 0o777);
    await expect(startEmbeddedPostgres(options)).rejects.toThrow(/bin\/initdb is writable by group or others/);
    chmodSync(join(copy, 'bin', 'initdb'), 0o755);

    chownSync(join(copy, 'share'), 65534, 65534);
    await expect(startEmbeddedPostgres(options)).rejects.toThrow(/share is not owned by root/);
    chownSync(join(copy, 'share'), 0, 0);

    // Put back as it was, the copy passes again: the check is about the content, not a one-way latch.
    const pg = await startEmbeddedPostgres(options);
    await pg.stop();
    expect(existsSync(marker)).toBe(false);
  });

  it('copies packaged binaries the postgres user cannot reach, or that someone other than root could change', async () => {
    const nativeDir = await packagedNativeDir();
    const who = postgresIdentity(quiet);
    for (const [mode, owner] of [[0o700, 0], [0o755, 65534]]) {
      const place = mkdtempSync('/var/tmp/acos-native-');
      try {
        chmodSync(place, mode);
        chownSync(place, owner, owner);
        expect(spawnSync('cp', ['-a', join(nativeDir, '..'), join(place, 'package')]).status).toBe(0);
        const bins = trustedBinaries({ nativeDir: join(place, 'package', 'native'), who, binariesRoot, log: quiet });
        // The same content as the package the first test copied: the same, verified folder.
        expect(bins.postgres).toBe(join(onlyCopy(), 'bin', 'postgres'));
      } finally {
        rmSync(place, { recursive: true, force: true });
      }
    }
  });
});
