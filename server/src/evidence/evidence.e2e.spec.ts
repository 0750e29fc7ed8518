import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request as httpRequest } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { bearer, startTestApp, type TestApp, type TestUser } from '../../test/harness';

interface Part { name: string; filename?: string; contentType?: string; data: Buffer | string }

/** A multipart/form-data body built by hand, so file names reach the server exactly as written here. */
function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const boundary = `----acos${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.filename !== undefined) head += `; filename="${p.filename}"`;
    head += '\r\n';
    if (p.contentType) head += `Content-Type: ${p.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.from(p.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** A supertest parser that keeps the body as raw bytes. */
function binary(res: unknown, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** The file name a browser would save: the RFC 5987 `filename*` when present, else `filename`. */
function savedName(disposition: string): string {
  const star = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition);
  if (star) return decodeURIComponent(star[1]);
  return /filename="([^"]*)"/.exec(disposition)![1];
}

describe('evidence API', () => {
  let t: TestApp;
  let admin: TestUser;
  let investigator: TestUser;
  let viewer: TestUser;
  let finOnly: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await t.makeUser({ role: 'ADMIN' });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    viewer = await t.makeUser({ role: 'VIEWER' });
    finOnly = await t.makeUser({ role: 'INVESTIGATOR', scopeCodes: ['FIN'] });
    caseId = (await t.makeCase(admin, { scopeCode: 'FIN' })).id;
  });
  afterAll(() => t.close());

  const evidenceDir = () => join(t.dataDir, 'evidence');
  const storedFiles = () => (existsSync(evidenceDir()) ? readdirSync(evidenceDir()).sort() : []);
  const rowCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM evidence'))[0].n);
  const upload = (user: TestUser, id: string, parts: Part[]) => {
    const { body, contentType } = multipart(parts);
    return t.http().post(`/api/v1/cases/${id}/evidence`).set(...bearer(user)).set('Content-Type', contentType).send(body);
  };
  const download = (user: TestUser, evidenceId: string) =>
    t.http().get(`/api/v1/evidence/${evidenceId}/download`).set(...bearer(user)).buffer(true).parse(binary);

  /** Runs `work` and asserts that it left no row and no file behind. */
  async function leavesNothing(work: () => Promise<unknown>): Promise<void> {
    const files = storedFiles();
    const rows = await rowCount();
    await work();
    // Clean-up of a refused upload may finish just after the response.
    await new Promise((r) => setTimeout(r, 50));
    expect(storedFiles()).toEqual(files);
    expect(await rowCount()).toBe(rows);
  }

  it('stores an upload (201) with its exact size and SHA-256, lists it, and downloads the exact bytes (2 MB, binary)', async () => {
    const bytes = randomBytes(2 * 1024 * 1024 + 7);
    const res = await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator))
      .attach('file', bytes, { filename: 'ledger.bin', contentType: 'application/octet-stream' })
      .field('description', 'General ledger export')
      .expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/), caseId, filename: 'ledger.bin', mimeType: 'application/octet-stream',
      sizeBytes: bytes.length, sha256: sha256(bytes), uploadedBy: investigator.id, description: 'General ledger export',
      createdAt: expect.any(String),
    });

    const list = await t.http().get(`/api/v1/cases/${caseId}/evidence`).set(...bearer(viewer)).expect(200);
    expect(list.body.total).toBeGreaterThanOrEqual(1);
    expect(list.body.items[0]).toEqual(res.body);

    const dl = await download(viewer, res.body.id).expect(200);
    expect(Buffer.isBuffer(dl.body)).toBe(true);
    expect((dl.body as Buffer).length).toBe(bytes.length);
    expect(sha256(dl.body)).toBe(sha256(bytes));
    expect(dl.headers['content-type']).toBe('application/octet-stream');
    expect(dl.headers['content-length']).toBe(String(bytes.length));
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    expect(savedName(dl.headers['content-disposition'])).toBe('ledger.bin');

    // Stored under a server-chosen name inside DATA_DIR/evidence.
    const [row] = await t.sql<{ storage_key: string }>('SELECT storage_key FROM evidence WHERE id = $1', [res.body.id]);
    expect(row.storage_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(storedFiles()).toContain(row.storage_key);
  });

  it('records an evidence.uploaded event and an EVIDENCE timeline entry', async () => {
    const c = await t.makeCase(admin, { scopeCode: 'FIN' });
    const res = await upload(investigator, c.id, [{ name: 'file', filename: 'invoice-17.pdf', contentType: 'application/pdf', data: '%PDF-1.7\n%fake\n' }]).expect(201);
    const events = await t.sql<{ name: string; actor_id: string; payload: { evidence: { id: string; filename: string; sizeBytes: number } } }>(
      'SELECT name, actor_id, payload FROM domain_events WHERE case_id = $1 ORDER BY seq', [c.id]);
    expect(events.map((e) => e.name)).toEqual(['case.created', 'evidence.uploaded']);
    expect(events[1].actor_id).toBe(investigator.id);
    expect(events[1].payload.evidence).toMatchObject({ id: res.body.id, filename: 'invoice-17.pdf', sizeBytes: 15 });
    const timeline = await t.http().get(`/api/v1/cases/${c.id}/timeline`).set(...bearer(viewer)).expect(200);
    const entry = timeline.body.items.find((e: { kind: string }) => e.kind === 'EVIDENCE');
    expect(entry).toMatchObject({ kind: 'EVIDENCE', actorId: investigator.id });
    expect(entry.message).toContain('invoice-17.pdf');
  });

  it('sanitises hostile file names and never writes outside DATA_DIR/evidence', async () => {
    const names: Array<[string, (stored: string) => void]> = [
      ['../../etc/passwd', (s) => expect(s).toBe('passwd')],
      ['..\\..\\windows\\win.ini', (s) => expect(s).toBe('win.ini')],
      ['/absolute/path/notes.txt', (s) => expect(s).toBe('notes.txt')],
      ['...hidden', (s) => expect(s).toBe('hidden')],
      ['%00%01', (s) => expect(s).toBe('%00%01')],
      ['quote%22and%0D%0AX-Injected: yes.txt', (s) => expect(s).toBe('quote"andX-Injected: yes.txt')],
      ["it's (draft) *final*.txt", (s) => expect(s).toBe("it's (draft) *final*.txt")],
      ['résumé – 证据 📎.txt', (s) => expect(s).toBe('résumé – 证据 📎.txt')],
    ];
    for (const [name, check] of names) {
      const res = await upload(investigator, caseId, [{ name: 'file', filename: name, contentType: 'text/plain', data: 'hello' }]);
      expect({ name, status: res.status }).toEqual({ name, status: 201 });
      check(res.body.filename);
      expect(res.body.filename).not.toMatch(/[/\\\r\n\0]/);

      const dl = await download(investigator, res.body.id).expect(200);
      const disposition: string = dl.headers['content-disposition'];
      expect(disposition).not.toMatch(/[\r\n]/);
      // The plain `filename` parameter is one quoted ASCII string with no quote inside it.
      expect(disposition).toMatch(/^attachment; filename="[\x20\x21\x23-\x5b\x5d-\x7e]*"; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
      expect(savedName(disposition)).toBe(res.body.filename);
      expect((dl.body as Buffer).toString()).toBe('hello');
    }
    // Only server-named files, all inside DATA_DIR/evidence; nothing else appeared in DATA_DIR.
    expect(storedFiles().every((f) => /^[0-9a-f-]{36}$/.test(f))).toBe(true);
    expect(readdirSync(t.dataDir).filter((f) => f !== 'evidence' && f !== 'jwt-secret')).toEqual([]);
    expect(existsSync(join(t.dataDir, 'etc'))).toBe(false);
  });

  it('stores the type the bytes show, not the one claimed', async () => {
    const cases: Array<[Part, string]> = [
      [{ name: 'file', filename: 'report.pdf', contentType: 'application/pdf', data: '<html><script>alert(1)</script></html>' }, 'application/octet-stream'],
      [{ name: 'file', filename: 'image.png', contentType: 'image/png', data: '<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>' }, 'application/octet-stream'],
      [{ name: 'file', filename: 'page.html', contentType: 'text/html', data: '<!doctype html><p>x</p>' }, 'application/octet-stream'],
      [{ name: 'file', filename: 'notes.txt', contentType: 'text/plain', data: 'plain words' }, 'text/plain'],
      [{ name: 'file', filename: 'real.pdf', contentType: 'application/octet-stream', data: '%PDF-1.4\n...' }, 'application/pdf'],
      [{ name: 'file', filename: 'pixel.png', contentType: 'application/pdf', data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') }, 'image/png'],
    ];
    for (const [part, expected] of cases) {
      const res = await upload(investigator, caseId, [part]).expect(201);
      expect({ file: part.filename, mimeType: res.body.mimeType }).toEqual({ file: part.filename, mimeType: expected });
      const dl = await download(investigator, res.body.id).expect(200);
      expect(dl.headers['content-type']).toBe(expected);
      expect(dl.headers['content-disposition']).toMatch(/^attachment;/);
    }
  });

  it('415 for a body that is not multipart, 400 for a missing file, an unknown field or a bad description; nothing stored', async () => {
    await leavesNothing(async () => {
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).send({ file: 'abc' }).expect(415);
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).set('Content-Type', 'text/plain').send('abc').expect(415);
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).set('Content-Type', 'application/octet-stream').send(Buffer.from('abc')).expect(415);
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).expect(415);

      const missing = await upload(investigator, caseId, [{ name: 'description', data: 'no file here' }]).expect(400);
      expect(missing.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect([missing.body.message].flat().join()).toMatch(/file/);

      const unknown = await upload(investigator, caseId, [
        { name: 'file', filename: 'a.txt', contentType: 'text/plain', data: 'abc' }, { name: 'caseId', data: UNKNOWN_ID },
      ]).expect(400);
      expect([unknown.body.message].flat().join()).toMatch(/caseId/);
      await upload(investigator, caseId, [
        { name: 'caseId', data: UNKNOWN_ID }, { name: 'file', filename: 'a.txt', contentType: 'text/plain', data: 'abc' },
      ]).expect(400);
      await upload(investigator, caseId, [{ name: 'document', filename: 'a.txt', contentType: 'text/plain', data: 'abc' }]).expect(400);
      await upload(investigator, caseId, [
        { name: 'file', filename: 'a.txt', data: 'abc' }, { name: 'file', filename: 'b.txt', data: 'def' },
      ]).expect(400);
      await upload(investigator, caseId, [
        { name: 'file', filename: 'a.txt', contentType: 'text/plain', data: 'abc' }, { name: 'description', data: 'x'.repeat(2001) },
      ]).expect(400);
      await upload(investigator, caseId, [
        { name: 'file', filename: 'a.txt', contentType: 'text/plain', data: 'abc' }, { name: 'description[a]', data: 'x' },
      ]).expect(400);
      const truncated = multipart([{ name: 'file', filename: 'a.txt', data: 'abc' }]);
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).set('Content-Type', truncated.contentType)
        .send(truncated.body.subarray(0, truncated.body.length - 20)).expect(400);
    });
  });

  it('VIEWER may list and download but not upload (403); anonymous gets 401', async () => {
    await leavesNothing(async () => {
      await upload(viewer, caseId, [{ name: 'file', filename: 'a.txt', data: 'abc' }]).expect(403);
      await t.http().post(`/api/v1/cases/${caseId}/evidence`).attach('file', Buffer.from('abc'), 'a.txt').expect(401);
    });
    await t.http().get(`/api/v1/cases/${caseId}/evidence`).set(...bearer(viewer)).expect(200);
    await t.http().get(`/api/v1/cases/${caseId}/evidence`).expect(401);
  });

  it('a case outside the user\'s scopes answers 404 to upload, list and download; so does an unknown one', async () => {
    const hr = await t.makeCase(admin, { scopeCode: 'HR' });
    const stored = await upload(admin, hr.id, [{ name: 'file', filename: 'hr.txt', contentType: 'text/plain', data: 'secret' }]).expect(201);
    await leavesNothing(async () => {
      const res = await upload(finOnly, hr.id, [{ name: 'file', filename: 'x.txt', data: 'abc' }]).expect(404);
      expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
      await upload(admin, UNKNOWN_ID, [{ name: 'file', filename: 'x.txt', data: 'abc' }]).expect(404);
    });
    await t.http().get(`/api/v1/cases/${hr.id}/evidence`).set(...bearer(finOnly)).expect(404);
    const dl = await t.http().get(`/api/v1/evidence/${stored.body.id}/download`).set(...bearer(finOnly)).expect(404);
    expect(dl.text).not.toContain('secret');
    await t.http().get(`/api/v1/evidence/${UNKNOWN_ID}/download`).set(...bearer(admin)).expect(404);
    await t.http().get('/api/v1/evidence/nope/download').set(...bearer(admin)).expect(400);
    await t.http().get(`/api/v1/cases/${UNKNOWN_ID}/evidence`).set(...bearer(admin)).expect(404);
    // The same user sees evidence of their own scope.
    await download(finOnly, (await upload(finOnly, caseId, [{ name: 'file', filename: 'f.txt', data: 'ok' }]).expect(201)).body.id).expect(200);
  });

  it('an upload to a case the user cannot see is refused before its body is read: 404 while the body is still being sent, nothing stored', async () => {
    const hr = await t.makeCase(admin, { scopeCode: 'HR' });
    const files = storedFiles();
    const boundary = 'early-refusal-boundary';
    const started = Date.now();
    // 20 MB announced, one small chunk sent, and the rest never: only a server that answers before reading the body answers at all.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${t.url}/api/v1/cases/${hr.id}/evidence`);
      const req = httpRequest({
        host: url.hostname, port: url.port, path: url.pathname, method: 'POST',
        headers: {
          Authorization: `Bearer ${finOnly.token}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Content-Length': String(20 * 1024 * 1024),
        },
      }, (res) => {
        let body = '';
        res.on('data', (d) => { body += d; });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      req.write(Buffer.alloc(64 * 1024, 7));
    });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 404, error: 'Not Found' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(storedFiles()).toEqual(files);
  });

  it('a stored file that went missing or was altered answers a clean 500, not a cut-off download', async () => {
    const res = await upload(investigator, caseId, [{ name: 'file', filename: 'fragile.txt', data: 'fragile bytes' }]).expect(201);
    const [row] = await t.sql<{ storage_key: string }>('SELECT storage_key FROM evidence WHERE id = $1', [res.body.id]);
    const path = join(evidenceDir(), row.storage_key);
    writeFileSync(path, 'short');
    const altered = await download(investigator, res.body.id);
    expect({ status: altered.status, type: altered.headers['content-type'] }).toEqual({ status: 500, type: expect.stringMatching(/^application\/json/) });
    unlinkSync(path);
    const gone = await t.http().get(`/api/v1/evidence/${res.body.id}/download`).set(...bearer(investigator));
    expect({ status: gone.status, body: gone.body }).toEqual({ status: 500, body: { statusCode: 500, error: 'Internal Server Error', message: expect.any(String) } });
  });

  it('paginates the list, newest first', async () => {
    const c = await t.makeCase(admin, { scopeCode: 'FIN' });
    for (let i = 0; i < 3; i++) await upload(investigator, c.id, [{ name: 'file', filename: `p${i}.txt`, data: `${i}` }]).expect(201);
    const page = await t.http().get(`/api/v1/cases/${c.id}/evidence?limit=2`).set(...bearer(viewer)).expect(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items.map((e: { filename: string }) => e.filename)).toEqual(['p2.txt', 'p1.txt']);
    await t.http().get(`/api/v1/cases/${c.id}/evidence?limit=999`).set(...bearer(viewer)).expect(400);
  });
});

describe('evidence size limit', () => {
  let t: TestApp;
  let investigator: TestUser;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { EVIDENCE_MAX_BYTES: '1024' } });
    investigator = await t.makeUser({ role: 'INVESTIGATOR' });
    caseId = (await t.makeCase(investigator)).id;
  });
  afterAll(() => t.close());

  const files = () => (existsSync(join(t.dataDir, 'evidence')) ? readdirSync(join(t.dataDir, 'evidence')) : []);

  it('accepts exactly EVIDENCE_MAX_BYTES', async () => {
    const bytes = randomBytes(1024);
    const res = await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).attach('file', bytes, 'max.bin').expect(201);
    expect(res.body).toMatchObject({ sizeBytes: 1024, sha256: sha256(bytes) });
  });

  it('answers 413 above it and keeps nothing: no row, no event, no file', async () => {
    const before = { files: files(), rows: await t.sql('SELECT id FROM evidence ORDER BY id'), events: await t.sql('SELECT id FROM domain_events ORDER BY id') };
    for (const size of [1025, 200 * 1024]) {
      const res: Response = await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator))
        .attach('file', randomBytes(size), 'big.bin').field('description', 'too big');
      expect({ size, status: res.status }).toEqual({ size, status: 413 });
      expect(res.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(files()).toEqual(before.files);
    expect(await t.sql('SELECT id FROM evidence ORDER BY id')).toEqual(before.rows);
    expect(await t.sql('SELECT id FROM domain_events ORDER BY id')).toEqual(before.events);
    // And the server is fine afterwards.
    await t.http().post(`/api/v1/cases/${caseId}/evidence`).set(...bearer(investigator)).attach('file', Buffer.from('small'), 's.txt').expect(201);
  });
});
