// What the worker knows of kontor's targets, read from the package's registry (`targets()`), so
// that a new target needs no list here.
import { targets, type DeliveryStatus } from "kontor";

/** The targets orders are delivered to, by name. */
export const ORDER_TARGETS: string[] = targets().map((t) => t.name);

/** What a preview takes: each target, and each order document of one (`kivitendo-customer`). */
export const PREVIEW_TARGETS: string[] = [...new Set([...ORDER_TARGETS, ...targets().flatMap((t) => t.documents.map((d) => d.name))])];

/** Every delivery status (the compiler checks the list against the package's `DeliveryStatus`). */
export const STATUSES = Object.keys({
  accepted: 0,
  rejected: 0,
  queued: 0,
  dead: 0,
  auth_failed: 0,
  uncertain: 0,
  cancelled: 0,
} satisfies Record<DeliveryStatus, 0>) as DeliveryStatus[];
