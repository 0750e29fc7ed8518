import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { MatIconTestingModule } from '@angular/material/icon/testing';
import { provideRouter } from '@angular/router';
import type { DeadLetterView } from '../../../../../contracts/workflows';
import { DeadLettersPage } from './dead-letters.page';

const LETTER: DeadLetterView = {
  id: '11111111-1111-4111-8111-111111111111', eventName: 'case.created', caseId: '22222222-2222-4222-8222-222222222222',
  caseNumber: 'FIN-2026-0042', attempts: 8, error: 'downstream refused the case', createdAt: '2026-12-01T10:00:00.000Z',
  deadLetteredAt: '2026-12-01T10:04:15.000Z', payload: { case: { title: 'Poisoned' } },
};

describe('DeadLettersPage', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [MatIconTestingModule],
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
  });

  function render(): HTMLElement {
    const fixture = TestBed.createComponent(DeadLettersPage);
    fixture.detectChanges();
    http.expectOne((r) => r.url.endsWith('/workflows/dead-letters')).flush({ items: [LETTER], total: 1 });
    fixture.detectChanges();
    return fixture.nativeElement as HTMLElement;
  }

  it('shows each dead letter with its error, a link to its case and its payload on demand', () => {
    const el = render();
    const item = el.querySelector('[data-testid="dead-letter"]')!;
    expect(item.querySelector('[data-testid="dead-letter-error"]')!.textContent).toContain('downstream refused the case');
    const link = item.querySelector<HTMLAnchorElement>('[data-testid="dead-letter-case"]')!;
    expect(link.textContent).toContain('FIN-2026-0042');
    expect(link.getAttribute('href')).toBe(`/cases/${LETTER.caseId}`);
    expect(item.querySelector('[data-testid="dead-letter-payload"]')).toBeNull();
    item.querySelector<HTMLButtonElement>('[data-testid="dead-letter-payload-toggle"]')!.click();
    TestBed.tick();
    expect(item.querySelector('[data-testid="dead-letter-payload"]')!.textContent).toContain('Poisoned');
  });

  it('Retry sends the event back and reloads the list', () => {
    const el = render();
    el.querySelector<HTMLButtonElement>('[data-testid="dead-letter-retry"]')!.click();
    http.expectOne((r) => r.method === 'POST' && r.url.endsWith(`/workflows/dead-letters/${LETTER.id}/retry`)).flush(LETTER);
    http.expectOne((r) => r.method === 'GET' && r.url.endsWith('/workflows/dead-letters')).flush({ items: [], total: 0 });
    http.verify();
  });
});
