import { HttpClient } from '@angular/common/http';
import { Injectable, computed, inject, signal } from '@angular/core';
import type { Observable } from 'rxjs';
import type { ListResult } from '../../../../contracts/api';
import type {
  CreatedWebhook, CreateWebhookRequest, UpdateWebhookRequest, WebhookDeliveryView, WebhookSecret, WebhookView,
} from '../../../../contracts/webhooks';
import { API_BASE } from '../core/api-models';

/** The webhook endpoints (ADMIN) and their delivery logs. */
@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly http = inject(HttpClient);

  list(): Observable<ListResult<WebhookView>> {
    return this.http.get<ListResult<WebhookView>>(`${API_BASE}/webhooks`, { params: { limit: 200 } });
  }

  create(request: CreateWebhookRequest): Observable<CreatedWebhook> {
    return this.http.post<CreatedWebhook>(`${API_BASE}/webhooks`, request);
  }

  update(id: string, request: UpdateWebhookRequest): Observable<WebhookView> {
    return this.http.patch<WebhookView>(`${API_BASE}/webhooks/${id}`, request);
  }

  remove(id: string): Observable<void> {
    return this.http.delete<void>(`${API_BASE}/webhooks/${id}`);
  }

  rotateSecret(id: string): Observable<WebhookSecret> {
    return this.http.post<WebhookSecret>(`${API_BASE}/webhooks/${id}/rotate-secret`, {});
  }

  deliveries(id: string, limit = 50, offset = 0): Observable<ListResult<WebhookDeliveryView>> {
    return this.http.get<ListResult<WebhookDeliveryView>>(`${API_BASE}/webhooks/${id}/deliveries`, { params: { limit, offset } });
  }

  redeliver(deliveryId: string): Observable<void> {
    return this.http.post<void>(`${API_BASE}/webhook-deliveries/${deliveryId}/redeliver`, {});
  }
}

/** The webhooks for pickers (the rule editor's CALL_WEBHOOK). Loaded on demand. */
@Injectable({ providedIn: 'root' })
export class WebhookDirectory {
  private readonly api = inject(WebhooksApi);
  private readonly loaded = signal<WebhookView[] | null>(null);
  private requested = false;

  readonly webhooks = computed(() => this.loaded() ?? []);

  ensureLoaded(): void {
    if (this.requested) return;
    this.requested = true;
    this.api.list().subscribe({ next: (res) => this.loaded.set(res.items), error: () => (this.requested = false) });
  }

  nameOf(id: string): string {
    return this.webhooks().find((w) => w.id === id)?.name ?? `${id.slice(0, 8)}…`;
  }
}
