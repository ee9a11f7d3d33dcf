export { createSvixVerifier, SVIX_TOLERANCE_SECONDS, type SvixVerifier, type SvixVerification } from './verify-svix-signature.ts';
export { resendEventSchema, deliveryEventTypes, type ResendEvent, type DeliveryEventType } from './resend-event.ts';
export { recordResendEvent, WEBHOOK_SOURCE, type RecordedEvent } from './record-resend-event.ts';
export { deliveryCounts, type DeliveryCounts } from './delivery-counts.ts';
export { ensureWebhookTables } from './webhook-events-table.ts';
