import { TestBed } from '@angular/core/testing';
import { Observable, Subject, filter, map, of, throwError } from 'rxjs';
import { LiveSocket } from '../core/live-socket';
import { NotificationStore, NOTIFICATION_CENTER_SIZE } from './notification-store';
import { NotificationsApi } from './notifications-api';
import type { NotificationPage } from '../../../../contracts/api';
import type { LiveNotification } from '../../../../contracts/socket-events';

class FakeSocket {
  readonly events = new Subject<{ event: string; payload: unknown }>();
  readonly connections$ = new Subject<void>();
  on<T>(event: string): Observable<T> {
    return this.events.pipe(
      filter((e) => e.event === event),
      map((e) => e.payload as T),
    );
  }
  emit(event: string, payload: unknown): void {
    this.events.next({ event, payload });
  }
}

function note(id: string, extra: Partial<LiveNotification> = {}): LiveNotification {
  return {
    id,
    userId: 'me',
    title: `Title ${id}`,
    message: `Message ${id}`,
    priority: 'NORMAL',
    entityType: 'case',
    entityId: 'c1',
    linkUrl: '/cases/c1',
    isRead: false,
    createdAt: '2025-01-01T00:00:00Z',
    readAt: null,
    ruleId: null,
    ruleName: null,
    toast: true,
    ...extra,
  };
}

describe('NotificationStore', () => {
  let socket: FakeSocket;
  let api: {
    list: ReturnType<typeof vi.fn>;
    unreadCount: ReturnType<typeof vi.fn>;
    markRead: ReturnType<typeof vi.fn>;
    markAllRead: ReturnType<typeof vi.fn>;
  };
  let store: NotificationStore;
  let serverCount: number;

  beforeEach(() => {
    socket = new FakeSocket();
    serverCount = 2;
    const firstPage: NotificationPage = { items: [note('n2'), note('n1', { isRead: true })], nextCursor: 'cur-1' };
    api = {
      list: vi.fn(() => of(firstPage)),
      unreadCount: vi.fn(() => of({ count: serverCount })),
      markRead: vi.fn((id: string) => of(note(id, { isRead: true, readAt: '2025-01-02T00:00:00Z' }))),
      markAllRead: vi.fn(() => of({ updated: 1 })),
    };
    TestBed.configureTestingModule({
      providers: [
        { provide: LiveSocket, useValue: socket },
        { provide: NotificationsApi, useValue: api },
      ],
    });
    store = TestBed.inject(NotificationStore);
    store.start();
  });

  it('loads the newest notifications and the unread count on start', () => {
    expect(store.items().map((n) => n.id)).toEqual(['n2', 'n1']);
    expect(store.unreadCount()).toBe(2);
    expect(store.nextCursor()).toBe('cur-1');
  });

  it('takes the unread count from the socket event', () => {
    socket.emit('notifications:unread-count', { count: 7 });
    expect(store.unreadCount()).toBe(7);
    expect(store.hasUnread()).toBe(true);
    socket.emit('notifications:unread-count', { count: 0 });
    expect(store.hasUnread()).toBe(false);
  });

  it('prepends a live notification, announces it once, and ignores a repeat', () => {
    const arrived: string[] = [];
    store.arrivals$.subscribe((n) => arrived.push(n.id));
    socket.emit('notification', note('n3', { priority: 'URGENT' }));
    socket.emit('notification', note('n3', { priority: 'URGENT' }));
    expect(store.items().map((n) => n.id)).toEqual(['n3', 'n2', 'n1']);
    expect(arrived).toEqual(['n3']);
  });

  it('lists every live notification, also those the server decided not to pop up, and passes that decision on', () => {
    const decisions: boolean[] = [];
    store.arrivals$.subscribe((n) => decisions.push(n.toast));
    socket.emit('notification', note('quiet', { toast: false }));
    socket.emit('notification', note('loud', { toast: true }));
    expect(store.items().map((n) => n.id)).toEqual(['loud', 'quiet', 'n2', 'n1']);
    expect(decisions).toEqual([false, true]);
  });

  it('keeps at most NOTIFICATION_CENTER_SIZE items', () => {
    for (let i = 0; i < NOTIFICATION_CENTER_SIZE + 5; i++) socket.emit('notification', note(`x${i}`));
    expect(store.items().length).toBe(NOTIFICATION_CENTER_SIZE);
    expect(store.items()[0].id).toBe(`x${NOTIFICATION_CENTER_SIZE + 4}`);
  });

  it('marks one read on the server and locally, then re-reads the count', () => {
    serverCount = 1;
    store.markRead('n2').subscribe();
    expect(api.markRead).toHaveBeenCalledWith('n2');
    expect(store.items().find((n) => n.id === 'n2')?.isRead).toBe(true);
    expect(store.unreadCount()).toBe(1);
  });

  it('leaves the item unread when the server refuses', () => {
    api.markRead.mockReturnValueOnce(throwError(() => new Error('404')));
    store.markRead('n2').subscribe({ error: () => undefined });
    expect(store.items().find((n) => n.id === 'n2')?.isRead).toBe(false);
  });

  it('mark all read clears every item and the count', () => {
    socket.emit('notification', note('n3'));
    let updated = -1;
    store.markAllRead().subscribe((n) => (updated = n));
    expect(updated).toBe(1);
    expect(store.items().every((n) => n.isRead)).toBe(true);
    expect(store.unreadCount()).toBe(0);
  });

  it('re-reads everything after the socket reconnects', () => {
    api.list.mockReturnValueOnce(of({ items: [note('n9')], nextCursor: null }));
    socket.connections$.next();
    expect(store.items().map((n) => n.id)).toEqual(['n9']);
  });

  it('forgets everything and stops listening on stop()', () => {
    store.stop();
    socket.emit('notification', note('late'));
    socket.emit('notifications:unread-count', { count: 5 });
    expect(store.items()).toEqual([]);
    expect(store.unreadCount()).toBe(0);
  });

  it('"Unread only" asks the server for unread notifications (first page and the next ones), and back', () => {
    api.list.mockReturnValueOnce(of({ items: [note('u1')], nextCursor: 'cur-u' }));
    store.setUnreadOnly(true);
    expect(api.list).toHaveBeenLastCalledWith({ limit: NOTIFICATION_CENTER_SIZE, unreadOnly: true });
    expect(store.items().map((n) => n.id)).toEqual(['u1']);
    api.list.mockReturnValueOnce(of({ items: [note('u0')], nextCursor: null }));
    store.loadMore();
    expect(api.list).toHaveBeenLastCalledWith({ limit: NOTIFICATION_CENTER_SIZE, cursor: 'cur-u', unreadOnly: true });
    expect(store.items().map((n) => n.id)).toEqual(['u1', 'u0']);
    store.setUnreadOnly(false);
    expect(api.list).toHaveBeenLastCalledWith({ limit: NOTIFICATION_CENTER_SIZE, unreadOnly: false });
    expect(store.items().map((n) => n.id)).toEqual(['n2', 'n1']);
  });
});
