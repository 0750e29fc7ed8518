import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Observable } from 'rxjs';
import type { ListResult } from '../../../../contracts/api';
import type { EmailDeliveryStatus, EmailDeliverySummary, EmailDeliveryView } from '../../../../contracts/email';
import { API_BASE } from '../core/api-models';

/** The e-mail delivery log (ADMIN). */
@Injectable({ providedIn: 'root' })
export class EmailApi {
  private readonly http = inject(HttpClient);

  deliveries(filter: { status?: EmailDeliveryStatus | ''; limit: number; offset: number }): Observable<ListResult<EmailDeliveryView>> {
    const params: Record<string, string | number> = { limit: filter.limit, offset: filter.offset };
    if (filter.status) params['status'] = filter.status;
    return this.http.get<ListResult<EmailDeliveryView>>(`${API_BASE}/email-deliveries`, { params });
  }

  resend(id: string): Observable<void> {
    return this.http.post<void>(`${API_BASE}/email-deliveries/${id}/resend`, {});
  }

  summary(): Observable<EmailDeliverySummary> {
    return this.http.get<EmailDeliverySummary>(`${API_BASE}/email-deliveries/summary`);
  }
}
