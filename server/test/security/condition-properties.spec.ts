import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CASE_STATUSES, CASE_TYPES, SEVERITIES } from '../../src/common/enums';
import type { CaseSnapshot } from '../../src/events/event-map';
import { conditionsMatch } from '../../src/workflows/conditions/condition-evaluator';
import { FIELD_SPECS, type Condition, type ConditionField } from '../../src/workflows/conditions/condition-schema';
import { compileConditions } from '../../src/workflows/conditions/condition-sql';
import { normaliseConditions, validateConditions } from '../../src/workflows/conditions/condition-validator';
import { createTestDatabase, dropTestDatabase } from '../test-database';

/**
 * The TIME_BASED scheduler selects cases with compileConditions (SQL); CONDITION
 * triggers, EVENT/STATUS_CHANGE conditions and dry runs use evaluateCondition
 * (in memory). A rule must mean the same thing to both. Random cases go into a
 * real `cases` table, random conditions that the server's own validator accepts
 * (stored form, normalised) are compiled and run, and the ids SQL returns must
 * be exactly the ids the in-memory filter keeps, for ALL and for ANY.
 *
 * Text is ASCII: the embedded cluster is initialised with --locale=C, where
 * lower() folds only A–Z while JavaScript's toLowerCase() folds all of Unicode.
 * Timestamps have millisecond precision (JavaScript's), and sit on or one
 * millisecond beside the hour boundaries the time ops compare against.
 * Both this process and the cluster run in UTC, so strings without an offset
 * read the same on both sides.
 */
const RUNS = Number(process.env.CONDITION_PROPERTY_RUNS ?? 500);

/**
 * Known disagreements (reported; the fix belongs in condition-validator.ts). While false, the
 * generators leave those inputs out and the "known bug" tests below are expected to fail; once
 * fixed, set it to true: the generators then produce those inputs too and the tests must pass.
 */
const KNOWN_BUGS_FIXED = true;

const HOUR = 3_600_000;
const SCOPES = ['FIN', 'HR', 'OPS', 'IT9'] as const;
const TAGS = ['fraud', 'vip', 'q3', 'late', 'x'] as const;
const TITLE_CHARS = ['a', 'A', 'b', 'B', 'x', ' ', '-', '%', '_', '\\'];

interface Row {
  id: string; caseNumber: string; title: string; status: string; caseType: string; scopeCode: string; severity: string;
  assigneeId: string | null; tags: string[]; dueDate: string | null; evidenceCount: number; createdAt: string; updatedAt: string;
}

describe('conditions: SQL compilation and in-memory evaluation agree', () => {
  let db: Client;
  let dbName: string;
  const users: string[] = [];

  beforeAll(async () => {
    dbName = `t_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
    db = new Client({ connectionString: await createTestDatabase(dbName) });
    await db.connect();
    // What this comparison relies on (see the header): byte-wise lower() and UTC on both sides.
    const [{ lc_ctype: ctype, TimeZone: tz }] = (await db.query(
      `SELECT datctype AS lc_ctype, current_setting('TimeZone') AS "TimeZone" FROM pg_database WHERE datname = current_database()`)).rows;
    expect(ctype).toBe('C');
    expect(['UTC', 'Etc/UTC']).toContain(tz);
    expect(new Date(2025, 0, 1).getTimezoneOffset()).toBe(0);
    for (let i = 0; i < 3; i++) {
      const { rows } = await db.query(
        `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, 'INVESTIGATOR', 'x') RETURNING id`, [`u${i}@prop.test`, `U${i}`]);
      users.push(rows[0].id);
    }
  });
  afterAll(async () => {
    await db?.end();
    await dropTestDatabase(dbName);
  });

  // ---- generators -------------------------------------------------------------------------------------------
  /** "now" on a millisecond, anywhere in a few years. */
  const nowArb = fc.integer({ min: Date.parse('2024-01-01T00:00:00Z'), max: Date.parse('2027-12-31T00:00:00Z') });
  /** A moment near `now`: whole half-hours away, sometimes one millisecond off the boundary, sometimes anywhere. */
  const momentArb = (now: number) => fc.oneof(
    { weight: 3, arbitrary: fc.tuple(fc.integer({ min: -12, max: 12 }), fc.constantFrom(-1, 0, 0, 1)).map(([halfHours, ms]) => now + halfHours * HOUR / 2 + ms) },
    { weight: 1, arbitrary: fc.integer({ min: now - 2000 * HOUR, max: now + 2000 * HOUR }) },
  );
  const isoArb = (now: number) => momentArb(now).map((ms) => new Date(ms).toISOString());
  const titleArb = fc.array(fc.constantFrom(...TITLE_CHARS), { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
  const userArb = () => fc.constantFrom(...users);

  const rowArb = (now: number) => fc.record({
    title: titleArb,
    status: fc.constantFrom(...CASE_STATUSES),
    caseType: fc.constantFrom(...CASE_TYPES),
    scopeCode: fc.constantFrom(...SCOPES),
    severity: fc.constantFrom(...SEVERITIES),
    assigneeId: fc.option(userArb(), { nil: null }),
    tags: fc.uniqueArray(fc.constantFrom(...TAGS), { maxLength: 3 }),
    dueDate: fc.option(isoArb(now), { nil: null }),
    evidenceCount: fc.integer({ min: 0, max: 4 }),
    createdAt: isoArb(now),
    updatedAt: isoArb(now),
  }).map((r) => ({ ...r, id: randomUUID(), caseNumber: `P-${randomUUID()}` }) as Row);

  /** A date string the validator accepts: ISO with Z, with an offset, date only, or without seconds. */
  const dateValueArb = (now: number) => fc.oneof(
    isoArb(now),
    fc.tuple(momentArb(now), fc.constantFrom('+02:00', '-05:30', '+00:00')).map(([ms, off]) => {
      const sign = off[0] === '+' ? 1 : -1;
      const [h, m] = off.slice(1).split(':').map(Number);
      const local = new Date(ms + sign * (h * 60 + m) * 60_000).toISOString().slice(0, 23);
      return `${local}${off}`;
    }),
    momentArb(now).map((ms) => new Date(ms).toISOString().slice(0, 10)),
    momentArb(now).map((ms) => new Date(ms).toISOString().slice(0, 16) + 'Z'),
    ...(KNOWN_BUGS_FIXED ? [
      fc.tuple(momentArb(now), fc.integer({ min: 0, max: 999 })).map(([ms, us]) => new Date(ms).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`)),
      fc.tuple(fc.integer({ min: 2024, max: 2027 }), fc.constantFrom('02-29', '02-30', '02-31', '04-31', '06-31', '09-31', '11-31')).map(([y, md]) => `${y}-${md}`),
    ] : []),
  );
  /** Mostly on the same half-hour grid as the moments (boundaries are where SQL and JavaScript could part). */
  const hoursArb = fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 1, max: 12 }).map((halves) => halves / 2) },
    { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(0.25, 0.1, 1 / 3, 8760)) },
  );

  const valueFor = (field: ConditionField, op: Condition['op'], now: number): fc.Arbitrary<unknown> => {
    const spec = FIELD_SPECS[field];
    if (op === 'isEmpty' || op === 'isNotEmpty') return fc.constant(undefined);
    if (op === 'olderThanHours' || op === 'withinHours') return hoursArb;
    let scalar: fc.Arbitrary<unknown>;
    switch (spec.kind) {
      case 'enum': scalar = fc.constantFrom(...spec.values!); break;
      case 'user': scalar = fc.oneof(userArb(), fc.constant('00000000-0000-4000-8000-000000000000'),
        ...(KNOWN_BUGS_FIXED ? [userArb().map((id) => id.toUpperCase())] : [])); break;
      // Condition tags are normalised on save (trimmed, lowercased): give it something to normalise.
      case 'tags': scalar = fc.tuple(fc.constantFrom(...TAGS), fc.boolean(), fc.boolean()).map(([t, up, pad]) => (pad ? ` ${up ? t.toUpperCase() : t} ` : up ? t.toUpperCase() : t)); break;
      case 'number': scalar = fc.integer({ min: 0, max: 5 }); break;
      case 'date': scalar = dateValueArb(now); break;
      case 'text': scalar = field === 'scopeCode' ? fc.constantFrom(...SCOPES, 'NONE') : titleArb; break;
    }
    if (op === 'in' || op === 'notIn') return fc.array(scalar, { minLength: 1, maxLength: 3 });
    return scalar;
  };

  const FIELD_OPS = (Object.keys(FIELD_SPECS) as ConditionField[]).flatMap((field) => FIELD_SPECS[field].ops.map((op) => ({ field, op })));
  const conditionArb = (now: number): fc.Arbitrary<Condition> => fc.constantFrom(...FIELD_OPS).chain(({ field, op }) =>
    valueFor(field, op, now).map((value) => (value === undefined ? { field, op } : { field, op, value }) as Condition));

  const scenarioArb = nowArb.chain((now) => fc.record({
    now: fc.constant(now),
    rows: fc.array(rowArb(now), { minLength: 1, maxLength: 12 }),
    conditions: fc.array(conditionArb(now), { minLength: 1, maxLength: 4 }),
  }));

  // ---- the comparison ---------------------------------------------------------------------------------------
  const snapshot = (r: Row): CaseSnapshot => ({
    id: r.id, caseNumber: r.caseNumber, title: r.title, description: '', status: r.status as CaseSnapshot['status'],
    caseType: r.caseType as CaseSnapshot['caseType'], scopeCode: r.scopeCode, severity: r.severity as CaseSnapshot['severity'],
    assigneeId: r.assigneeId, ownerId: null, tags: r.tags, dueDate: r.dueDate, evidenceCount: r.evidenceCount,
    createdAt: r.createdAt, updatedAt: r.updatedAt, closedAt: null,
  });

  async function compare(rows: Row[], raw: Condition[], nowMs: number): Promise<void> {
    // Only conditions the server would have saved, in the form it saves them.
    expect(validateConditions(raw, 'conditions', { required: true })).toEqual([]);
    const conditions = normaliseConditions(raw);
    const now = new Date(nowMs);
    await db.query('BEGIN');
    try {
      await db.query('DELETE FROM cases');
      await db.query(
        `INSERT INTO cases (id, case_number, title, status, case_type, scope_code, severity, assignee_id, tags, due_date, evidence_count, created_at, updated_at)
         SELECT id, case_number, title, status, case_type, scope_code, severity, assignee_id, tags, due_date, evidence_count, created_at, updated_at
           FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, case_number text, title text, status case_status, case_type case_type, scope_code text,
                severity case_severity, assignee_id uuid, tags text[], due_date timestamptz, evidence_count int, created_at timestamptz, updated_at timestamptz)`,
        [JSON.stringify(rows.map((r) => ({
          id: r.id, case_number: r.caseNumber, title: r.title, status: r.status, case_type: r.caseType, scope_code: r.scopeCode, severity: r.severity,
          assignee_id: r.assigneeId, tags: r.tags, due_date: r.dueDate, evidence_count: r.evidenceCount, created_at: r.createdAt, updated_at: r.updatedAt,
        })))]);
      for (const match of ['ALL', 'ANY'] as const) {
        const compiled = compileConditions(conditions, match, 'c', 1, now);
        const { rows: hits } = await db.query(`SELECT id FROM cases c WHERE ${compiled.sql}`, compiled.params);
        const bySql = hits.map((h) => h.id as string).sort();
        const inMemory = rows.filter((r) => conditionsMatch(snapshot(r), conditions, match, now)).map((r) => r.id).sort();
        expect({ match, ids: bySql }).toEqual({ match, ids: inMemory });
      }
    } finally {
      await db.query('ROLLBACK');
    }
  }

  it(`agree on ${RUNS} random case sets and valid conditions (every field and op of FIELD_SPECS)`, async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(scenarioArb, async ({ now, rows, conditions }) => {
        conditions.forEach((c) => seen.add(`${c.field}.${c.op}`));
        // The widened date generator makes impossible calendar dates (30 February): the server must refuse those, naming them.
        const problems = validateConditions(conditions, 'conditions', { required: true });
        if (problems.length) {
          expect(problems.every((p) => /must be a real ISO-8601 date/.test(p))).toBe(true);
          return;
        }
        await compare(rows, conditions, now);
      }),
      { numRuns: RUNS },
    );
    // The runs covered every (field, op) pair the schema allows.
    expect([...seen].sort()).toEqual(FIELD_OPS.map(({ field, op }) => `${field}.${op}`).sort());
    console.log(JSON.stringify({ property: 'conditions SQL = in-memory', runs: RUNS, fieldOps: seen.size, comparisons: RUNS * 2 }));
  }, 120_000);

  // Each was found by this property with the generators above widened; the engine and the scheduler disagree on them today.
  const knownBug = KNOWN_BUGS_FIXED ? it : it.failing;
  const at = (iso: string): Row => ({
    id: randomUUID(), caseNumber: `P-${randomUUID()}`, title: 'a', status: 'OPEN', caseType: 'AUDIT', scopeCode: 'FIN', severity: 'LOW',
    assigneeId: null, tags: [], dueDate: iso, evidenceCount: 0, createdAt: iso, updatedAt: iso,
  });
  /** Passes when the server refuses the condition, or when it accepts it and both sides agree. */
  async function compareIfValid(rows: Row[], conditions: Condition[], now: number): Promise<void> {
    if (validateConditions(conditions, 'conditions', { required: true }).length) return;
    await compare(rows, conditions, now);
  }
  const NOW = Date.parse('2025-06-01T00:00:00.000Z');

  knownBug('known bug: an upper-case user id matches in SQL (uuid comparison) but not in memory (===)', async () => {
    const row = { ...at('2025-05-01T00:00:00.000Z'), assigneeId: users[0] };
    await compareIfValid([row], [{ field: 'assigneeId', op: 'eq', value: users[0].toUpperCase() }], NOW);
  });

  knownBug('known bug: an impossible calendar date (2025-02-30) passes validation, rolls over in JavaScript and makes the SQL fail', async () => {
    await compareIfValid([at('2025-03-01T12:00:00.000Z')], [{ field: 'dueDate', op: 'gt', value: '2025-02-30' }], NOW);
  });

  knownBug('known bug: sub-millisecond digits are dropped by JavaScript and kept by PostgreSQL', async () => {
    await compareIfValid([at('2025-03-01T12:00:00.000Z')], [{ field: 'dueDate', op: 'lt', value: '2025-03-01T12:00:00.000999Z' }], NOW);
  });
});
