import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { RuleRequest, WorkflowRule } from './workflow.models';
import { RuleAtRevision, WorkflowsApi, historyParams } from './workflows-api';

describe('historyParams', () => {
  const page = { limit: 25, offset: 50 };

  it('maps the outcome filter onto success / skipped', () => {
    expect(historyParams({ outcome: 'success' }, page).toString()).toBe('limit=25&offset=50&success=true&skipped=false');
    expect(historyParams({ outcome: 'failed' }, page).toString()).toBe('limit=25&offset=50&success=false&skipped=false');
    expect(historyParams({ outcome: 'skipped' }, page).toString()).toBe('limit=25&offset=50&skipped=true');
  });

  it('sends only the filters that are set', () => {
    expect(
      historyParams({ ruleId: 'r', caseId: ' c ', outcome: '', from: '2025-01-01T00:00:00.000Z', to: '' }, page).toString(),
    ).toBe('limit=25&offset=50&ruleId=r&caseId=c&from=2025-01-01T00:00:00.000Z');
  });
});

describe('WorkflowsApi rule saves', () => {
  const rule = { id: 'r1', name: 'Review' } as WorkflowRule;
  const body = { name: 'Review', actions: [] } as unknown as RuleRequest;
  let api: WorkflowsApi;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(), provideHttpClientTesting()] });
    api = TestBed.inject(WorkflowsApi);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('saves an edit with ONE PUT carrying the ETag it was read at, and keeps the new ETag', () => {
    let saved: RuleAtRevision | undefined;
    api.replaceRule('r1', body, '"4"').subscribe((result) => (saved = result));
    const req = http.expectOne('/api/v1/workflows/rules/r1');
    expect(req.request.method).toBe('PUT');
    expect(req.request.headers.get('If-Match')).toBe('"4"');
    expect(req.request.body).toBe(body);
    req.flush(rule, { headers: { ETag: '"5"' } });
    expect(saved).toEqual({ rule, etag: '"5"' });
  });

  it('sends no If-Match when the ETag is unknown (last write wins)', () => {
    api.replaceRule('r1', body, null).subscribe();
    const req = http.expectOne('/api/v1/workflows/rules/r1');
    expect(req.request.headers.has('If-Match')).toBe(false);
    req.flush(rule);
  });

  it('reads a rule together with its ETag', () => {
    let loaded: RuleAtRevision | undefined;
    api.rule('r1').subscribe((result) => (loaded = result));
    http.expectOne('/api/v1/workflows/rules/r1').flush(rule, { headers: { ETag: '"2"' } });
    expect(loaded).toEqual({ rule, etag: '"2"' });
  });
});
