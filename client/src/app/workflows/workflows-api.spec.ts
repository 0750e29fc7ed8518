import { historyParams } from './workflows-api';

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
