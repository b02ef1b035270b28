/**
 * The delivery windows a depot offers its customers: per local weekday a list of windows, each with how many
 * orders it takes, and a cut-off after which a day can no longer be chosen. Times are seconds after local midnight.
 */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export interface SlotWindow {
  startSeconds: number;
  endSeconds: number;
  /** Orders the window takes; 0 offers it as full. */
  capacity: number;
}

export interface SlotCalendar {
  windows: Partial<Record<Weekday, SlotWindow[]>>;
  /** A day closes `daysBefore` days before it at `atSeconds` local time (1, 20:00: the evening before). */
  cutoff: { daysBefore: number; atSeconds: number };
}

const hours = (value: number) => value * 3600;

/** What a new depot offers until it says otherwise: Monday to Saturday 08–12, 12–16, 16–20, closing the evening before. */
export const defaultSlotCalendar: SlotCalendar = {
  windows: Object.fromEntries(
    weekdays
      .filter((day) => day !== 'sun')
      .map((day) => [
        day,
        [
          { startSeconds: hours(8), endSeconds: hours(12), capacity: 60 },
          { startSeconds: hours(12), endSeconds: hours(16), capacity: 60 },
          { startSeconds: hours(16), endSeconds: hours(20), capacity: 60 },
        ],
      ]),
  ),
  cutoff: { daysBefore: 1, atSeconds: hours(20) },
};

/** Why a window cannot be promised to an order. */
export const unavailableReasons = ['cut_off_passed', 'full', 'no_vehicle_with_skill', 'no_vehicle_with_capacity', 'no_room'] as const;
export type UnavailableReason = (typeof unavailableReasons)[number];

/** What a promised window costs the day, as a checkout shows it. */
export const priceClasses = ['green', 'standard', 'new_van'] as const;
export type PriceClass = (typeof priceClasses)[number];
