import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The hub's Prometheus metrics, on a registry of its own so that several apps can live in one test
 * process. With `instance`, every series carries it as the label `hub_instance` (INSTANCE_ID, else
 * the host name): several instances are scraped one by one and summed, and a series still says
 * which one it came from. Not `instance`, which Prometheus sets itself to the scrape target.
 */
export function createMetrics(options: { defaultMetrics?: boolean; instance?: string } = {}) {
  const registry = new Registry();
  if (options.instance) registry.setDefaultLabels({ hub_instance: options.instance });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhookRequests: new Counter({
      name: 'ssz_webhook_requests_total',
      help: 'Webhook requests by HTTP status answered',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    webhookSeconds: new Histogram({
      name: 'ssz_webhook_seconds',
      help: 'Time from a webhook request reaching the app to its answer being written, by HTTP status (LINE waits for it)',
      labelNames: ['status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    webhookEvents: new Counter({
      name: 'ssz_webhook_events_total',
      help: 'Webhook events accepted, by type and outcome: new, duplicate (redelivered), verify (console check, ignored)',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    eventsHandled: new Counter({
      name: 'ssz_events_handled_total',
      help: 'Inbox events handled, by result',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    eventHandleSeconds: new Histogram({
      name: 'ssz_event_handle_seconds',
      help: 'Time from persisting an event to finishing its handler',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    outboxSends: new Counter({
      name: 'ssz_outbox_sends_total',
      help: 'Outbox send attempts by kind and result (sent, retry, held, failed, reply_fallback, reply_already_used, reply_unknown_pushed)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
    }),
    outboxPending: new Gauge({
      name: 'ssz_outbox_in_flight',
      help: 'Outbox rows queued in this process and not yet sent',
      registers: [registry],
    }),
    quotaExhausted: new Gauge({
      name: 'ssz_line_quota_exhausted',
      help: '1 while LINE answers that the monthly message quota is spent (messages are held)',
      registers: [registry],
    }),
    sosRaised: new Counter({
      name: 'ssz_sos_alerts_total',
      help: 'SOS alerts raised, by station and how the station was chosen (pin, command-centre, fallback)',
      labelNames: ['station', 'routed_by'] as const,
      registers: [registry],
    }),
    sosTimeToAck: new Histogram({
      name: 'ssz_sos_time_to_acknowledge_seconds',
      help: 'Time from an SOS alert to the first officer acknowledgement, per station',
      labelNames: ['station'] as const,
      buckets: [10, 30, 60, 120, 180, 300, 600, 900, 1800],
      registers: [registry],
    }),
    sosEscalations: new Counter({
      name: 'ssz_sos_escalations_total',
      help: 'SOS escalation ladder steps taken (1 = all station officers, 2 = command centre)',
      labelNames: ['step'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
