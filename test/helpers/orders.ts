/** Factories for order drafts and API inputs; vary by index so rows differ. */
import type { OrderInput } from '../../src/protocol/orders';
import type { OrderDraft } from '../../src/domain/model/order';

const day = Date.parse('2026-11-24T00:00:00+01:00') / 1000;

export function orderDraft(index: number, overrides: Partial<OrderDraft> = {}): OrderDraft {
  return {
    source: 'test',
    externalRef: `ref-${index}`,
    customerName: `Customer ${index}`,
    customerPhone: null,
    customerEmail: null,
    addressText: `Hauptstraße ${index}, Heidelberg`,
    location: [8.69 + index / 10_000, 49.41],
    timeWindows: [{ startEpochSeconds: day + 9 * 3600, endEpochSeconds: day + 12 * 3600 }],
    serviceSeconds: 300,
    demand: { weightKg: 2, volumeL: 10, items: 1 },
    priority: 0,
    requiredSkills: [],
    notes: null,
    ...overrides,
  };
}

export function orderInput(index: number, overrides: Partial<OrderInput> = {}): OrderInput {
  return {
    externalRef: `ref-${index}`,
    customerName: `Customer ${index}`,
    addressText: `Hauptstraße ${index}, Heidelberg`,
    location: [8.69 + index / 10_000, 49.41],
    timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }],
    ...overrides,
  };
}

/** The token the page, its API and sockets take, from a link path `/t/{code}.{secret}` as the API issues it. */
export function linkToken(trackingLink: string): string {
  return trackingLink.slice('/t/'.length);
}
