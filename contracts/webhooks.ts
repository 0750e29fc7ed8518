import type { CaseView } from './api';

/** The contract's `webhook` (§11); the signing secret is never part of it. */
export interface WebhookView {
  id: string;
  name: string;
  url: string;
  isEnabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The 201 of `POST /webhooks`: the only answer besides rotate-secret that carries the secret. */
export interface CreatedWebhook extends WebhookView {
  secret: string;
}

export interface WebhookSecret {
  secret: string;
}

export interface CreateWebhookRequest {
  name: string;
  url: string;
  isEnabled?: boolean;
}

export type UpdateWebhookRequest = Partial<CreateWebhookRequest>;

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/** One delivery in a webhook's log; `id` is the delivery id the receiver sees. */
export interface WebhookDeliveryView {
  id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  durationMs: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

/** The JSON body of a delivery (`POST <url>`). */
export interface WebhookPayload {
  deliveryId: string;
  event: { id: string; name: string; occurredAt: string };
  rule: { id: string; name: string };
  case: CaseView;
}
