import { DataSource, type QueryRunner } from 'typeorm';
import { startTestApp, type TestApp } from '../../test/harness';

describe('automatic prepared statements', () => {
  let t: TestApp;
  let runner: QueryRunner;
  const prepared = async () =>
    (await runner.query('SELECT statement FROM pg_prepared_statements')) as Array<{ statement: string }>;

  beforeAll(async () => {
    t = await startTestApp();
    runner = t.get(DataSource).createQueryRunner();
    await runner.connect();
  });
  afterAll(async () => {
    await runner.release();
    await t.close();
  });

  it('prepares a parameterised statement on its third use and keeps answering correctly', async () => {
    const text = 'SELECT $1::int + 40 AS answer /* prepared-statements spec */';
    const answers: number[] = [];
    for (let i = 0; i < 2; i++) answers.push((await runner.query(text, [2 + i]))[0].answer);
    expect((await prepared()).some((p) => p.statement === text)).toBe(false);
    for (let i = 2; i < 5; i++) answers.push((await runner.query(text, [2 + i]))[0].answer);
    expect(answers).toEqual([42, 43, 44, 45, 46]);
    expect((await prepared()).filter((p) => p.statement === text)).toHaveLength(1);
  });

  it('never prepares statements without parameters', async () => {
    const text = 'SELECT 7 AS seven /* unparameterised */';
    for (let i = 0; i < 4; i++) expect((await runner.query(text))[0].seven).toBe(7);
    expect((await prepared()).some((p) => p.statement === text)).toBe(false);
  });

  it('a prepared statement that fails once still works afterwards, also after a rolled-back transaction', async () => {
    const text = 'SELECT 100 / $1::int AS quotient /* failing spec */';
    for (let i = 0; i < 3; i++) await runner.query(text, [10]);
    await expect(runner.query(text, [0])).rejects.toThrow(/division by zero/);
    await runner.startTransaction();
    await expect(runner.query(text, [0])).rejects.toThrow(/division by zero/);
    await runner.rollbackTransaction();
    expect((await runner.query(text, [4]))[0].quotient).toBe(25);
  });
});
