import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Subject } from 'rxjs';
import { reloadingList } from './reloading-list';

describe('reloadingList', () => {
  it('fetches again when a signal it reads changes, cancelling the request in flight', () => {
    const id = signal('a');
    const requests = new Map<string, Subject<string[]>>();
    const list = TestBed.runInInjectionContext(() => reloadingList(() => {
      const subject = new Subject<string[]>();
      requests.set(id(), subject);
      return subject;
    }, (items) => [...items].sort()));
    TestBed.tick();
    expect(list.loading()).toBe(true);

    id.set('b');
    TestBed.tick();
    requests.get('a')!.next(['stale']); // cancelled: must not land
    expect(list.items()).toEqual([]);
    requests.get('b')!.next(['y', 'x']);
    expect(list.items()).toEqual(['x', 'y']);
    expect(list.loading()).toBe(false);
  });

  it('stops loading on an error and keeps what it had', () => {
    const key = signal(0);
    let current = new Subject<number[]>();
    const list = TestBed.runInInjectionContext(() => reloadingList(() => {
      key();
      current = new Subject<number[]>();
      return current;
    }));
    TestBed.tick();
    current.next([1, 2]);
    key.set(1);
    TestBed.tick();
    expect(list.loading()).toBe(true);
    current.error(new Error('offline'));
    expect(list.loading()).toBe(false);
    expect(list.items()).toEqual([1, 2]);
  });
});
