/**
 * Imports an order file, streamed: rows are parsed one by one, valid ones written in batches, each
 * batch in one transaction with its order events. Keyed by (source, external_ref), so sending the
 * same file again creates nothing; bad rows are reported and never hold back the good ones. A row in one of the
 * depot's calendar windows takes its capacity; one in a full window is rejected unless the import overrides capacity.
 */
import type { Principal } from '../auth/principal';
import { AppError, invalidInput } from '../errors';
import { parseOrderRows, type ImportFormat } from '../import/parse';
import type { ImportOrdersResult } from '../protocol/import';
import { PlacementError, placeOrder, type Geocoding } from '../geocoding/place-order';
import { toOrderDraft, type OrderPlacement } from '../protocol/orders';
import { inTransaction, reads, type CommandContext } from './context';
import { enqueueNotifications } from './order-timeline';
import { editableStatuses, type OrderDraft } from '../domain/model/order';
import { nowEpochSeconds } from '../domain/clock';
import { claimWindows, fullMessage } from './window-capacity';

export interface ImportOrdersRequest {
  source: string;
  format: ImportFormat;
  /** Text encoding of the body (Content-Type charset); UTF-8 when absent. */
  charset?: string;
  body: AsyncIterable<Buffer | string>;
  /** Depot of new orders; the only depot when absent and there is exactly one. */
  depotId?: number;
  /** Rows without a location are geocoded from their address, before their batch's transaction. */
  geocoding?: Geocoding;
  /** Rows in a full calendar window are imported anyway instead of rejected (window-capacity.ts). */
  overrideCapacity?: boolean;
}

/** Large enough to amortize a transaction, small enough that a batch's rows and statements stay modest. */
export const IMPORT_BATCH_ROWS = 500;

export async function importOrders(context: CommandContext, request: ImportOrdersRequest, by: Principal, batchRows = IMPORT_BATCH_ROWS): Promise<ImportOrdersResult> {
  const depots = reads(context).depots;
  const depotId = request.depotId ?? (await depots.soleDepotId());
  const depot = depotId === null ? null : await depots.findById(depotId);
  if (request.depotId !== undefined && !depot) {
    throw invalidInput('Unknown depot', [{ path: 'query.depotId', message: `depot ${request.depotId} does not exist` }]);
  }
  // Spreadsheet times without an offset ("2026-11-24 09:00") are the depot's local time.
  const parseOptions = { charset: request.charset, timeZone: depot?.timeZone };

  const result: ImportOrdersResult = { created: 0, updated: 0, unchanged: 0, rejected: [] };
  // The reference as the file names it, for rejections that concern the order as a whole.
  const refField = request.format === 'json' ? 'externalRef' : 'external_ref';
  const firstRowByRef = new Map<string, number>();
  let batch: { row: number; draft: OrderDraft; windowsField: string }[] = [];

  const writeBatch = async () => {
    const entries = batch;
    batch = [];
    let drafts = entries.map((entry) => entry.draft);
    let rows = entries.map((entry) => entry.row);
    const outcomes = await inTransaction(context, async (repos) => {
      if (depotId !== null && !request.overrideCapacity) {
        // A row in a full calendar window is not written at all; the rows before it in the file go first.
        const current = await repos.orders.windowsBySourceRefs(request.source, drafts.map((draft) => draft.externalRef));
        const claims = drafts.map((draft) => {
          const existing = current.get(draft.externalRef);
          // An order past editing is not changed by the import (reported as such), so it claims nothing.
          return existing && !editableStatuses.includes(existing.status) ? { timeWindows: [] } : { timeWindows: draft.timeWindows, previous: existing?.timeWindows };
        });
        const full = await claimWindows(repos, depotId, claims, nowEpochSeconds(context.clock));
        full.forEach((window, index) => {
          if (window) result.rejected.push({ row: entries[index]!.row, field: entries[index]!.windowsField, message: `${fullMessage(window)}; the row was not imported (overrideCapacity=true imports it anyway)` });
        });
        rows = rows.filter((_, index) => !full[index]);
        drafts = drafts.filter((_, index) => !full[index]);
      }
      const written = await repos.orders.upsertMany(drafts, { actor: by.actor, depotId });
      // The repository wrote the timeline; new orders are confirmed to their customers like created ones.
      // Their links exist only now (only the secrets' hashes are stored): the confirmations carry them.
      const links = new Map(written.flatMap((result) => (result.trackingLink ? [[result.id, result.trackingLink] as const] : [])));
      await enqueueNotifications(repos, await repos.orderEvents.createdOf([...links.keys()]), links);
      return written;
    });
    outcomes.forEach((outcome, index) => {
      if (outcome.outcome === 'locked') {
        result.rejected.push({ row: rows[index]!, field: refField, message: 'order is already planned or further along; the import did not change it' });
      } else {
        result[outcome.outcome]++;
      }
    });
  };

  try {
    for await (const parsed of parseOrderRows(request.body, request.format, parseOptions)) {
      if (!parsed.ok) {
        for (const error of parsed.errors) result.rejected.push({ row: parsed.row, ...error });
        continue;
      }
      const externalRef = parsed.input.externalRef;
      const firstRow = firstRowByRef.get(externalRef);
      if (firstRow !== undefined) {
        result.rejected.push({ row: parsed.row, field: refField, message: `repeats "${externalRef}" of row ${firstRow}; only the first is imported` });
        continue;
      }
      firstRowByRef.set(externalRef, parsed.row);
      let placement: OrderPlacement;
      try {
        placement = await placeOrder(parsed.input, request.geocoding ?? {}, depot?.serviceArea ?? null);
      } catch (error) {
        if (!(error instanceof PlacementError)) throw error;
        // Not written at all: a row is never stored somewhere it might not be.
        result.rejected.push({ row: parsed.row, field: parsed.fieldFor(error.path), message: error.message });
        continue;
      }
      batch.push({ row: parsed.row, draft: toOrderDraft(request.source, parsed.input, placement), windowsField: parsed.fieldFor(['timeWindows']) });
      if (batch.length >= batchRows) await writeBatch();
    }
  } catch (error) {
    // A broken file stops the import; say what already landed, since importing again is safe.
    const written = result.created + result.updated + result.unchanged;
    if (error instanceof AppError && written > 0) {
      throw new AppError(error.status, error.code, error.message, [
        ...error.details,
        { path: 'import', message: `${written} orders before the error were imported; sending the corrected file again is safe`, ...result, rejected: result.rejected.length },
      ]);
    }
    throw error;
  }
  if (batch.length > 0) await writeBatch();
  // Locked orders are only known once their batch is written; list every rejection in file order.
  result.rejected.sort((a, b) => a.row - b.row);
  return result;
}
