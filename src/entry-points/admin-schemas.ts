// The shapes of the admin API, in and out. Routes parse their input with these; /admin/openapi.json
// is generated from them; tests check answers against them. Times are epoch milliseconds unless a
// field says otherwise.
import { z } from 'zod';
import { CASE_STATUSES } from '../domain/reports/case';
import { ALERT_STATUSES, ladderProblem } from '../domain/sos/alert';

const BANGKOK_OFFSET_MS = 7 * 60 * 60_000;

/**
 * A moment from a query: `YYYY-MM-DD` is that day in Bangkok (its start; with `endOfDay`, the start of
 * the next day, so `to=2026-11-30` includes the 30th), anything else an ISO 8601 time with an offset.
 */
export function parseMoment(text: string, endOfDay = false): number | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3])) - BANGKOK_OFFSET_MS;
    return endOfDay ? start + 24 * 60 * 60_000 : start;
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

const momentParam = (endOfDay: boolean) =>
  z
    .string()
    .meta({ description: 'YYYY-MM-DD (a day in Bangkok) or an ISO 8601 time with offset' })
    .transform((text, ctx) => {
      const t = parseMoment(text, endOfDay);
      if (t === undefined) {
        ctx.addIssue({ code: 'custom', message: 'a date (YYYY-MM-DD, Bangkok) or an ISO 8601 time with offset' });
        return z.NEVER;
      }
      return t;
    });
export const fromParam = momentParam(false);
export const toParam = momentParam(true);

/** A comma-separated list of allowed words (`status=new,acknowledged`). */
export function listParam<T extends string>(values: readonly [T, ...T[]]) {
  return z
    .string()
    .meta({ description: `comma-separated: ${values.join(', ')}` })
    .transform((text) => text.split(',').map((s) => s.trim()))
    .pipe(z.array(z.enum(values)).min(1));
}

/** A comma-separated list of free words (`category=theft,noise`). */
export const wordsParam = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().max(64)).min(1));

export const limitParam = z.coerce.number().int().min(1).max(500).default(100);
export const beforeParam = z.coerce
  .number()
  .int()
  .min(0)
  .meta({ description: 'paging: the `next` of the previous page (createdAt of its last item)' });

export const stationCode = z.string().regex(/^[A-Z0-9]{2,8}$/, '2-8 capital letters or digits');
const lineUserId = z.string().regex(/^U[0-9a-f]{32}$/, 'a LINE user id (U + 32 hex)');
export const userIdParams = z.object({ userId: lineUserId });
export const stationParams = z.object({ code: stationCode });
/** `?station=HYI`: one station (a station admin's own is the default and the only one allowed). */
export const stationQuery = z.object({ station: stationCode.optional() });
export const idParams = z.object({ id: z.string().min(1).max(64) });

const epochMs = z.number().int().meta({ description: 'epoch milliseconds' });
const localizedName = z.object({ th: z.string().min(1), en: z.string().min(1), ms: z.string().min(1) });
const latLng = z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) });

// ---- stations

export const stationInput = z.object({
  name: localizedName,
  phone: z.string().min(1).max(40),
  location: latLng,
  escalationGroupId: z
    .string()
    .regex(/^C[0-9a-f]{32}$/, 'a LINE group id (C + 32 hex)')
    .optional(),
  // Minutes after the alert; people are told the first rung in words, so it must be one they can use.
  sosLadderMinutes: z
    .array(z.number())
    .superRefine((minutes, ctx) => {
      const problem = ladderProblem(minutes);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .optional(),
});

export const stationSchema = stationInput
  .extend({ _id: stationCode, createdAt: epochMs, updatedAt: epochMs })
  .meta({ id: 'Station' });

// ---- zones (GeoJSON)

const position = z.array(z.number()).min(2).max(3);
const geometry = z
  .object({
    type: z.enum(['Polygon', 'MultiPolygon']),
    coordinates: z.union([z.array(z.array(position)), z.array(z.array(z.array(position)))]),
  })
  .meta({ id: 'ZoneGeometry' });

export const zoneFeatureSchema = z
  .object({
    type: z.literal('Feature'),
    id: z.string(),
    geometry,
    properties: z.object({
      id: z.string(),
      stationCode,
      name_th: z.string(),
      name_en: z.string(),
      name_ms: z.string(),
      illustrative: z.boolean().optional(),
      createdAt: epochMs,
      updatedAt: epochMs,
    }),
  })
  .meta({ id: 'ZoneFeature' });

export const zoneCollectionSchema = z
  .object({ type: z.literal('FeatureCollection'), features: z.array(zoneFeatureSchema) })
  .meta({ id: 'ZoneCollection' });

/** What an import accepts; the importer checks each feature in depth (geometry, names, station). */
export const zoneImportInput = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z
      .array(
        z.looseObject({
          type: z.literal('Feature'),
          properties: z.looseObject({ stationCode: z.string().optional() }).nullable(),
        }),
      )
      .min(1)
      .max(5000),
  })
  .meta({
    description: 'Features with properties id, stationCode, name_th, name_en, name_ms, and a Polygon or MultiPolygon',
  });

// ---- officers and bind codes

export const officerSchema = z
  .object({
    userId: z.string(),
    stationCode,
    /** What residents and groups read: the public name, else the LINE name. */
    name: z.string(),
    publicName: z.string().optional(),
    displayName: z.string().optional(),
    onDuty: z.boolean(),
    updatedAt: epochMs,
  })
  .meta({ id: 'Officer' });

export const dutyInput = z.object({ onDuty: z.boolean() });

export const bindCodeInput = z.object({
  kind: z.enum(['station', 'community', 'officer']),
  stationCode: z.string().min(1),
  zoneId: z.string().min(1).optional(),
  ttlMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .optional(),
});

export const bindCodeSchema = z
  .object({
    code: z.string(),
    kind: z.enum(['station', 'community', 'officer']),
    stationCode: z.string(),
    zoneId: z.string().optional(),
    expiresAt: z.string().meta({ description: 'ISO 8601' }),
  })
  .meta({ id: 'BindCode' });

// ---- cases and alerts

const due = z
  .object({
    acknowledgeBy: epochMs,
    resolveBy: epochMs.optional(),
    overdue: z.enum(['acknowledge', 'resolve']).optional(),
  })
  .meta({ id: 'Due', description: 'the station’s targets for this item, and which one an open item has missed' });

const caseAudit = z.object({
  at: epochMs,
  by: z.string().meta({ description: 'an officer’s LINE user id, or admin:<token id> / admin:super' }),
  byName: z.string().optional(),
  from: z.enum(CASE_STATUSES),
  to: z.enum(CASE_STATUSES),
  reason: z.enum(['duplicate', 'false_report']).optional(),
  via: z.literal('web').optional(),
});

export const caseSchema = z
  .looseObject({
    _id: z.string().meta({ description: 'the case number, HYI-69-000042' }),
    kind: z.literal('report'),
    stationCode: z.string(),
    zoneId: z.string().optional(),
    inZone: z.boolean(),
    groupId: z.string().optional().meta({ description: 'missing while the case waits for a group' }),
    category: z.string(),
    description: z.string(),
    photos: z.array(z.object({ token: z.string(), contentType: z.string() }).loose()),
    location: z.looseObject({ lat: z.number(), lng: z.number(), address: z.string().optional() }),
    reporterId: z.string(),
    reporterName: z.string().optional(),
    anonymous: z.boolean(),
    reporterLanguage: z.enum(['th', 'en', 'ms']),
    status: z.enum(CASE_STATUSES),
    ownerId: z.string().optional(),
    ownerName: z.string().optional(),
    audit: z.array(caseAudit),
    createdAt: epochMs,
    updatedAt: epochMs,
    acknowledgedAt: epochMs.optional(),
    closedAt: epochMs.optional(),
    erasedAt: epochMs.optional(),
    due,
  })
  .meta({ id: 'Case' });

export const casePageSchema = z
  .object({ items: z.array(caseSchema), next: z.number().optional() })
  .meta({ id: 'CasePage', description: '`next`: pass as `before` for the next (older) page' });

export const caseDetailSchema = caseSchema
  .extend({
    photoUrls: z.array(z.string()).meta({ description: 'paths of the photos under /media, in order' }),
    adminAudit: z.array(z.lazy(() => auditEntrySchema)),
  })
  .meta({ id: 'CaseDetail' });

export const caseQuery = z.object({
  station: stationCode.optional(),
  status: listParam(CASE_STATUSES).optional(),
  category: wordsParam.optional(),
  zone: wordsParam.optional(),
  from: fromParam.optional(),
  to: toParam.optional(),
  routed: z
    .enum(['false'])
    .optional()
    .meta({ description: 'false: only the cases that reached no group yet (oldest first, at most 500)' }),
  before: beforeParam.optional(),
  limit: limitParam,
});

export const caseStatusInput = z.object({
  to: z.enum(CASE_STATUSES),
  reason: z.enum(['duplicate', 'false_report']).optional().meta({ description: 'with to=rejected' }),
});

export const csvQuery = z.object({
  from: fromParam,
  to: toParam,
  station: stationCode.optional(),
});

const alertAudit = z.object({
  at: epochMs,
  by: z.string(),
  byName: z.string().optional(),
  from: z.enum(ALERT_STATUSES),
  to: z.enum(ALERT_STATUSES),
  via: z.literal('web').optional(),
});

export const alertSchema = z
  .looseObject({
    _id: z.string().meta({ description: 'SOS-HYI-69-000001' }),
    userId: z.string(),
    userName: z.string().optional(),
    lang: z.enum(['th', 'en', 'ms']),
    stationCode: z.string().meta({ description: '"CC" while no station has it (no pin yet)' }),
    groupId: z.string().optional(),
    status: z.enum(ALERT_STATUSES),
    position: z.looseObject({ lat: z.number(), lng: z.number(), at: epochMs }).optional(),
    positions: z.array(z.looseObject({ lat: z.number(), lng: z.number(), at: epochMs })),
    messages: z.array(z.looseObject({ at: epochMs, type: z.string(), text: z.string().optional() })).optional(),
    escalationStep: z.number(),
    ownerName: z.string().optional(),
    acknowledgedAt: epochMs.optional(),
    closedAt: epochMs.optional(),
    audit: z.array(alertAudit),
    createdAt: epochMs,
    updatedAt: epochMs,
    due,
  })
  .meta({ id: 'SosAlert' });

export const alertPageSchema = z
  .object({ items: z.array(alertSchema), next: z.number().optional() })
  .meta({ id: 'SosAlertPage' });

export const alertQuery = z.object({
  station: z.string().min(1).max(8).optional(),
  status: listParam(ALERT_STATUSES).optional(),
  from: fromParam.optional(),
  to: toParam.optional(),
  before: beforeParam.optional(),
  limit: limitParam,
});

export const alertStatusInput = z.object({ to: z.enum(ALERT_STATUSES) });

// ---- tokens, audit, sessions

export const tokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    stationCode,
    createdAt: epochMs,
    createdBy: z.string(),
    revokedAt: epochMs.optional(),
    revokedBy: z.string().optional(),
    lastUsedAt: epochMs.optional(),
  })
  .meta({ id: 'AdminToken' });

export const newTokenSchema = tokenSchema
  .extend({ token: z.string().meta({ description: 'shown once: only a hash of it is kept' }) })
  .meta({ id: 'NewAdminToken' });

export const tokenInput = z.object({ name: z.string().trim().min(1).max(80), stationCode });

export const auditEntrySchema = z
  .object({
    _id: z.string(),
    at: epochMs,
    actor: z.object({
      kind: z.enum(['super', 'station']),
      name: z.string(),
      tokenId: z.string().optional(),
      stationCode: z.string().optional(),
    }),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string() }),
    stationCode: z.string().optional(),
    before: z.unknown().optional(),
    after: z.unknown().optional(),
  })
  .meta({ id: 'AuditEntry' });

export const auditQuery = z.object({
  station: stationCode.optional(),
  type: z.string().max(40).optional(),
  target: z.string().max(100).optional(),
  from: fromParam.optional(),
  to: toParam.optional(),
  before: z.string().max(40).optional().meta({ description: 'paging: the `_id` of the last entry of the page' }),
  limit: limitParam,
});

export const sessionSchema = z
  .object({
    actor: z.object({
      kind: z.enum(['super', 'station']),
      name: z.string(),
      stationCode: z.string().optional(),
    }),
    via: z.enum(['bearer', 'session']),
    csrfToken: z.string().optional().meta({ description: 'send as X-CSRF-Token with every change' }),
    expiresAt: epochMs.optional(),
  })
  .meta({ id: 'Session' });

// ---- targets and figures

const minutesMap = z.record(
  z.string().min(1).max(64),
  z
    .number()
    .positive()
    .max(365 * 24 * 60),
);

export const targetsInput = z.object({
  acknowledgeMinutes: minutesMap.optional(),
  resolveMinutes: minutesMap.optional(),
  sosAcknowledgeMinutes: z
    .number()
    .positive()
    .max(24 * 60)
    .optional(),
});

export const targetsSchema = z
  .object({
    stationCode,
    acknowledgeMinutes: z.record(z.string(), z.number()),
    resolveMinutes: z.record(z.string(), z.number()),
    sosAcknowledgeMinutes: z.number(),
    /** What the station set itself (the rest are the defaults). */
    own: targetsInput,
  })
  .meta({ id: 'Targets' });

const spread = z
  .object({ count: z.number(), p50: z.number().optional(), p90: z.number().optional() })
  .meta({ id: 'Spread', description: 'seconds; p50 and p90 by nearest rank, missing when count is 0' });

export const figuresSchema = z
  .object({
    from: epochMs,
    to: epochMs,
    weeks: z.array(
      z.object({
        weekStart: z.string().meta({ description: 'Monday, YYYY-MM-DD in Bangkok' }),
        cases: z.array(
          z.object({
            stationCode: z.string(),
            category: z.string(),
            reported: z.number(),
            acknowledge: spread,
            resolve: spread,
          }),
        ),
        sos: z.array(z.object({ stationCode: z.string(), raised: z.number(), acknowledge: spread })),
      }),
    ),
  })
  .meta({ id: 'Figures' });

export const figuresQuery = z.object({
  station: stationCode.optional(),
  from: fromParam.optional().meta({ description: 'default: 8 weeks before `to`' }),
  to: toParam.optional().meta({ description: 'default: now' }),
});

// ---- privacy (PDPA)

export const privacyRequestSchema = z
  .object({
    _id: z.string().meta({ description: 'PDPA-69-000001' }),
    userId: z.string().meta({ description: '"erased" after an erasure' }),
    kind: z.enum(['access', 'erasure']),
    lang: z.enum(['th', 'en', 'ms']),
    stationCode: z.string().optional(),
    via: z.enum(['line', 'admin']),
    status: z.enum(['open', 'closed']),
    createdAt: epochMs,
    closedAt: epochMs.optional(),
    closedBy: z.string().optional(),
    outcome: z.enum(['exported', 'erased', 'refused', 'withdrawn']).optional(),
    note: z.string().optional(),
  })
  .meta({ id: 'PrivacyRequest' });

export const privacyQuery = z.object({
  status: z.enum(['open', 'closed']).optional(),
  station: stationCode.optional(),
  limit: limitParam,
});

export const closeRequestInput = z.object({
  outcome: z.enum(['exported', 'refused', 'withdrawn']),
  note: z
    .string()
    .trim()
    .max(1000)
    .optional()
    .meta({ description: 'for the person, in their language: how to collect the copy, or why refused' }),
});

export const eraseInput = z.object({
  requestId: z.string().max(32).optional().meta({ description: 'closes this request as erased (the person is told)' }),
});

export const erasureSchema = z
  .object({
    erasedAt: epochMs,
    removed: z.record(z.string(), z.number()),
    kept: z.array(z.object({ what: z.string(), why: z.string() })),
  })
  .meta({ id: 'ErasureReport' });

export const exportSchema = z
  .looseObject({
    userId: z.string(),
    exportedAt: epochMs,
    profile: z.unknown(),
    pin: z.unknown(),
    conversation: z.unknown(),
    cases: z.array(z.unknown()),
    sosAlerts: z.array(z.unknown()),
    privacyRequests: z.array(z.unknown()),
    webhookEvents: z.array(z.unknown()),
    messagesSent: z.array(z.unknown()),
    media: z.array(z.object({ token: z.string(), contentType: z.string(), url: z.string() }).loose()),
  })
  .meta({ id: 'PersonalDataExport' });
