import { describe, expect, it } from 'vitest';
import { Subject, of, throwError } from 'rxjs';
import { PagedQuery } from './paged-query';

describe('PagedQuery', () => {
  it('asks for the current window and keeps rows and total', () => {
    const list = new PagedQuery<string>();
    list.moveTo({ pageIndex: 2, pageSize: 10, length: 0 });
    let asked: unknown;
    list.run((page) => { asked = page; return of({ items: ['a', 'b'], total: 42 }); });
    expect(asked).toEqual({ limit: 10, offset: 20 });
    expect(list.items()).toEqual(['a', 'b']);
    expect(list.total()).toBe(42);
    expect(list.loading()).toBe(false);
  });

  it('drops an older request when a newer one starts, and flags a failure', () => {
    const list = new PagedQuery<string>();
    const slow = new Subject<{ items: string[]; total: number }>();
    list.run(() => slow);
    expect(list.loading()).toBe(true);
    list.run(() => of({ items: ['new'], total: 1 }));
    slow.next({ items: ['old'], total: 9 });
    expect(list.items()).toEqual(['new']);
    list.run(() => throwError(() => new Error('down')), true);
    expect(list.loadFailed()).toBe(true);
    expect(list.items()).toEqual(['new']);
  });

  it('remembers when the server stopped counting (more than 10,000 matches)', () => {
    const list = new PagedQuery<string>();
    list.run(() => of({ items: ['a'], total: 10_000, totalIsLowerBound: true }));
    expect(list.totalIsLowerBound()).toBe(true);
    list.run(() => of({ items: ['a'], total: 12 }));
    expect(list.totalIsLowerBound()).toBe(false);
  });
});
