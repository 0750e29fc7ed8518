import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { API_BASE } from '../core/api-models';
import type {
  MarkAllReadResult, MutedRule, NotificationPage, NotificationPreferences, NotificationView, UnreadCount,
} from '../../../../contracts/api';

const BASE = `${API_BASE}/notifications`;

@Injectable({ providedIn: 'root' })
export class NotificationsApi {
  private readonly http = inject(HttpClient);

  list(options: { limit?: number; cursor?: string | null; unreadOnly?: boolean } = {}): Observable<NotificationPage> {
    let params = new HttpParams().set('limit', options.limit ?? 20);
    if (options.cursor) params = params.set('cursor', options.cursor);
    if (options.unreadOnly) params = params.set('unreadOnly', 'true');
    return this.http.get<NotificationPage>(BASE, { params });
  }

  unreadCount(): Observable<UnreadCount> {
    return this.http.get<UnreadCount>(`${BASE}/unread-count`);
  }

  markRead(id: string): Observable<NotificationView> {
    return this.http.patch<NotificationView>(`${BASE}/${encodeURIComponent(id)}/read`, {});
  }

  markAllRead(): Observable<MarkAllReadResult> {
    return this.http.post<MarkAllReadResult>(`${BASE}/mark-all-read`, {});
  }

  preferences(): Observable<NotificationPreferences> {
    return this.http.get<NotificationPreferences>(`${BASE}/preferences`);
  }

  savePreferences(preferences: NotificationPreferences): Observable<NotificationPreferences> {
    return this.http.put<NotificationPreferences>(`${BASE}/preferences`, preferences);
  }

  /** The caller's muted rules with the names their notifications carried (investigators cannot list rules). */
  mutedRules(): Observable<{ items: MutedRule[] }> {
    return this.http.get<{ items: MutedRule[] }>(`${BASE}/muted-rules`);
  }
}
