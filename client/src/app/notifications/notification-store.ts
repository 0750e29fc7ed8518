import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { Observable, Subject, Subscription, map, tap } from 'rxjs';
import { LiveSocket } from '../core/live-socket';
import { NotificationsApi } from './notifications-api';
import type { NotificationView } from '../../../../contracts/api';
import type { LiveNotification } from '../../../../contracts/socket-events';

/** How many notifications the notification center keeps in memory. */
export const NOTIFICATION_CENTER_SIZE = 30;

/**
 * The signed-in user's notifications: unread count and the newest items.
 * Kept current by the socket (`notification`, `notifications:unread-count`) and by the user's own actions.
 */
@Injectable({ providedIn: 'root' })
export class NotificationStore {
  private readonly api = inject(NotificationsApi);
  private readonly socket = inject(LiveSocket);
  private readonly arrivals = new Subject<LiveNotification>();
  private live: Subscription | null = null;

  readonly unreadCount = signal(0);
  readonly items = signal<NotificationView[]>([]);
  readonly loading = signal(false);
  readonly nextCursor = signal<string | null>(null);
  /** The center lists only unread notifications (the server filters: `unreadOnly=true`). */
  readonly unreadOnly = signal(false);
  readonly hasUnread = computed(() => this.unreadCount() > 0);

  /**
   * Each notification that arrives live, after it has been added to the list, with the server's decision
   * whether it pops up (the toaster listens here).
   */
  readonly arrivals$: Observable<LiveNotification> = this.arrivals.asObservable();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.stop());
  }

  /** Starts listening and loads the first page and the count. Safe to call twice. */
  start(): void {
    if (this.live) return;
    this.live = new Subscription();
    this.live.add(this.socket.on('notification').subscribe((n) => this.receive(n)));
    this.live.add(
      this.socket.on('notifications:unread-count').subscribe((c) => this.setUnreadCount(c.count)),
    );
    // After a reconnect we may have missed events: re-read the truth.
    this.live.add(this.socket.connections$.subscribe(() => this.refresh()));
    this.refresh();
  }

  /** Forgets everything (sign-out). */
  stop(): void {
    this.live?.unsubscribe();
    this.live = null;
    this.items.set([]);
    this.unreadCount.set(0);
    this.nextCursor.set(null);
    this.unreadOnly.set(false);
  }

  /** Switches the list between all and unread only, and reloads it. */
  setUnreadOnly(unreadOnly: boolean): void {
    if (this.unreadOnly() === unreadOnly) return;
    this.unreadOnly.set(unreadOnly);
    this.refresh();
  }

  refresh(): void {
    this.loading.set(true);
    this.api.list({ limit: NOTIFICATION_CENTER_SIZE, unreadOnly: this.unreadOnly() }).subscribe({
      next: (page) => {
        this.items.set(page.items);
        this.nextCursor.set(page.nextCursor);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
    this.refreshUnreadCount();
  }

  loadMore(): void {
    const cursor = this.nextCursor();
    if (!cursor || this.loading()) return;
    this.loading.set(true);
    this.api.list({ limit: NOTIFICATION_CENTER_SIZE, cursor, unreadOnly: this.unreadOnly() }).subscribe({
      next: (page) => {
        const known = new Set(this.items().map((n) => n.id));
        this.items.update((items) => [...items, ...page.items.filter((n) => !known.has(n.id))]);
        this.nextCursor.set(page.nextCursor);
        this.loading.set(false);
      },
      error: () => this.loading.set(false),
    });
  }

  refreshUnreadCount(): void {
    this.api.unreadCount().subscribe({ next: (res) => this.setUnreadCount(res.count), error: () => undefined });
  }

  setUnreadCount(count: number): void {
    this.unreadCount.set(Math.max(0, Math.trunc(Number(count) || 0)));
  }

  /** A notification pushed by the server: newest first, no duplicates. The count comes from its own event. */
  receive(notification: LiveNotification): void {
    const isNew = !this.items().some((n) => n.id === notification.id);
    this.items.update((items) =>
      [notification, ...items.filter((n) => n.id !== notification.id)].slice(0, NOTIFICATION_CENTER_SIZE),
    );
    if (isNew) this.arrivals.next(notification);
  }

  /** Marks one read on the server, then locally; the count is re-read (the socket also sends it). */
  markRead(id: string): Observable<NotificationView> {
    return this.api.markRead(id).pipe(
      tap((updated) => {
        this.items.update((items) =>
          items.map((n) => (n.id === id ? { ...n, ...updated, isRead: true, readAt: updated.readAt ?? n.readAt } : n)),
        );
        this.refreshUnreadCount();
      }),
    );
  }

  markAllRead(): Observable<number> {
    return this.api.markAllRead().pipe(
      tap(() => {
        const now = new Date().toISOString();
        this.items.update((items) => items.map((n) => (n.isRead ? n : { ...n, isRead: true, readAt: now })));
        this.unreadCount.set(0);
      }),
      map((res) => res.updated),
    );
  }
}
