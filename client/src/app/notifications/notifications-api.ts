import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { API_BASE } from '../core/api-models';
import { AppNotification, NotificationPage, NotificationPreferences } from './notification.models';

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

  unreadCount(): Observable<{ count: number }> {
    return this.http.get<{ count: number }>(`${BASE}/unread-count`);
  }

  markRead(id: string): Observable<AppNotification> {
    return this.http.patch<AppNotification>(`${BASE}/${encodeURIComponent(id)}/read`, {});
  }

  markAllRead(): Observable<{ updated: number }> {
    return this.http.post<{ updated: number }>(`${BASE}/mark-all-read`, {});
  }

  preferences(): Observable<NotificationPreferences> {
    return this.http.get<NotificationPreferences>(`${BASE}/preferences`);
  }

  savePreferences(preferences: NotificationPreferences): Observable<NotificationPreferences> {
    return this.http.put<NotificationPreferences>(`${BASE}/preferences`, preferences);
  }
}
