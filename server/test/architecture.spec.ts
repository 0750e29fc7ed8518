import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Structure rules the compiler cannot check: SQL lives in repositories, and a repository reaches only its
 * own module's files (plus the shared layers), never another module's repository.
 */

const SRC = resolve('server/src');

/** Infrastructure that talks to PostgreSQL below any one table family. */
const SQL_ALLOWED: Record<string, string> = {
  'database/unit-of-work.ts': 'savepoints (SAVEPOINT / RELEASE / ROLLBACK TO) of the unit of work',
  'database/migrate.ts': 'the migration lock around TypeORM running the migrations',
  'database/embedded-postgres.ts': 'creating the database and probing the cluster it starts',
  'database/advisory-lock.ts': 'session advisory locks (seeding, pruning): one process at a time',
};

/**
 * Known offenders while the workflows module moves its SQL into its repositories (rules, revisions, history,
 * ticks). Empty this list when that work is merged; nothing may be added to it.
 */
const PENDING_MIGRATION: string[] = [];

/** Folders every module may build on. */
const SHARED = ['common', 'database'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [relative(SRC, path)] : [];
  });
}

const files = sourceFiles(SRC);
const moduleOf = (file: string) => file.split('/')[0];
/** Statements sent as code (not in a comment): raw `.query(`, or TypeORM's query builders, repositories and runners. */
const SQL_CALL = /\.query\s*\(|\bcreateQueryBuilder\s*\(|\bgetRepository\s*\(|@InjectRepository\s*\(|\bcreateQueryRunner\s*\(/;
const runsSql = (text: string) => text.split('\n').some((line) => !/^\s*(\*|\/\*|\/\/)/.test(line) && SQL_CALL.test(line.replace(/\/\/.*$/, '')));

/** docs/architecture.md's "Which file writes which table": table → the repository (under server/src) with its SQL. */
function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const line of readFileSync('docs/architecture.md', 'utf8').split('\n')) {
    const row = line.match(/^\| (.+?) \| `server\/src\/([^`]+)` \|/);
    if (row) for (const [, table] of row[1].matchAll(/`([a-z_]+)`/g)) owners.set(table, row[2]);
  }
  return owners;
}

/** The documented exceptions (docs/architecture.md): repository → the other module's table it names, and why. */
const CROSS_MODULE_SQL: Record<string, string> = {
  'scheduler/tick.repository.ts → cases': 'clears the marks of cases that stopped matching, in one statement',
  'auth/oidc/oidc-identity.repository.ts → users': "single sign-on's identity columns and the claims it applies at sign-in",
};

describe('architecture', () => {
  it('finds the source tree', () => {
    expect(files).toContain('cases/case.repository.ts');
    expect(files.length).toBeGreaterThan(50);
  });

  it('sends SQL (.query, query builders, TypeORM repositories) only from *.repository.ts files and the listed database infrastructure', () => {
    const offenders = files
      .filter((f) => !f.endsWith('.repository.ts') && !(f in SQL_ALLOWED) && !PENDING_MIGRATION.includes(f))
      .filter((f) => runsSql(readFileSync(join(SRC, f), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('lists only files that exist and still need to be listed', () => {
    for (const f of Object.keys(SQL_ALLOWED)) expect({ f, exists: files.includes(f) }).toEqual({ f, exists: true });
    // A pending file that no longer runs SQL must leave the list, so the list only ever shrinks.
    const done = PENDING_MIGRATION.filter((f) => !files.includes(f) || !runsSql(readFileSync(join(SRC, f), 'utf8')));
    expect(done).toEqual([]);
  });

  it('a repository imports only from its own module, the shared layers and contracts/, never another repository of another module', () => {
    const problems: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.repository.ts'))) {
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const [, spec] of text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) {
        if (!spec.startsWith('.')) continue; // packages
        const target = relative(SRC, resolve(SRC, dirname(file), spec));
        if (target.startsWith('..')) {
          if (!relative(resolve('.'), resolve(SRC, dirname(file), spec)).startsWith('contracts/')) problems.push(`${file} → ${spec}`);
          continue;
        }
        const ownOrShared = moduleOf(target) === moduleOf(file) || SHARED.includes(moduleOf(target));
        if (!ownOrShared) problems.push(`${file} → ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every table of the migrations is in the table map of docs/architecture.md', () => {
    const owners = tableOwners();
    const created = new Set<string>();
    for (const file of readdirSync('migrations').filter((f) => f.endsWith('.ts'))) {
      for (const [, table] of readFileSync(join('migrations', file), 'utf8').matchAll(/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/g)) created.add(table);
    }
    // Rows without a repository say who writes the table instead (the socket adapter, TypeORM's migration runner).
    const documented = new Set(readFileSync('docs/architecture.md', 'utf8').split('\n')
      .filter((line) => /^\| `[a-z_]+`.*\| [a-z]+ \|$/.test(line))
      .flatMap((line) => [...line.split('|')[1].matchAll(/`([a-z_]+)`/g)].map((m) => m[1])));
    expect([...created].filter((t) => !owners.has(t) && !documented.has(t))).toEqual([]);
    for (const file of new Set(owners.values())) expect({ file, exists: files.includes(file) }).toEqual({ file, exists: true });
  });

  it("a repository's SQL names no table of another module, but for the documented exceptions", () => {
    const owners = tableOwners();
    const found: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.repository.ts'))) {
      const text = readFileSync(join(SRC, file), 'utf8');
      for (const [table, owner] of owners) {
        if (moduleOf(owner) === moduleOf(file)) continue;
        if (new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+${table}\\b`, 'i').test(text)) found.push(`${file} → ${table}`);
      }
    }
    expect(found.sort()).toEqual(Object.keys(CROSS_MODULE_SQL).sort());
  });
});
