/**
 * The Slots tab: the depot's slot calendar (windows per weekday with their capacity, the cut-off), saved with
 * PATCH /depots/{id}, and how full each window of the coming week is: promised orders plus held reservations of
 * its capacity (GET /depots/{id}/slots).
 */
import type { Api } from '../../common/api';
import { $, el } from '../../common/dom';
import type { DepotResponse, SlotCalendarWire } from '../../../src/protocol/depots';
import type { SlotLoadsResponse } from '../../../src/protocol/slots';
import { weekdays } from '../../../src/domain/model/slot-calendar';
import type { ConsoleState } from '../state';
import { clearErrors, showErrors } from './form-errors';

/** "08:00-12:00 60, 12:00-16:00 60" ↔ the weekday's windows. */
const windowsText = (windows: SlotCalendarWire['windows'][keyof SlotCalendarWire['windows']]) => (windows ?? []).map((window) => `${window.start}-${window.end} ${window.capacity}`).join(', ');

function parseWindows(text: string): { start: string; end: string; capacity: number }[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const match = /^(\d\d:\d\d)\s*-\s*(\d\d:\d\d)\s+(\d+)$/.exec(part);
      if (!match) throw new Error(`"${part}": write a window as 08:00-12:00 60 (start-end capacity)`);
      return { start: match[1]!, end: match[2]!, capacity: Number(match[3]) };
    });
}

export function mountSlots(api: Api, state: ConsoleState): { refresh(): Promise<void> } {
  const form = $('#slot-calendar') as HTMLFormElement;
  const refresh = async () => {
    const depotId = state.depotId;
    if (depotId === null) return;
    const depot = await api.request<DepotResponse>('GET', `/depots/${depotId}`);
    const calendar = depot.slotCalendar;
    $('#slot-weekdays').replaceChildren(
      ...weekdays.map((day) =>
        el('label', {}, `${day} `, el('input', { name: day, 'data-field': 'slotCalendar', value: windowsText(calendar.windows[day]), 'aria-label': `Windows on ${day}`, size: '40' })),
      ),
    );
    ($('#slot-cutoff-days') as HTMLInputElement).value = String(calendar.cutoff.daysBefore);
    ($('#slot-cutoff-time') as HTMLInputElement).value = calendar.cutoff.time;
    const loads = await api.request<SlotLoadsResponse>('GET', `/depots/${depotId}/slots?days=7`);
    $('#slot-loads').replaceChildren(
      ...loads.dates.flatMap((day) =>
        day.windows.map((window) =>
          el(
            'tr',
            { 'data-slot': `${day.date} ${window.start}` },
            el('td', {}, day.date),
            el('td', {}, `${window.start}–${window.end}`),
            el('td', {}, `${window.promised} + ${window.held} / ${window.capacity}`),
            el('td', {}, el('meter', { min: '0', max: String(Math.max(window.capacity, 1)), value: String(window.promised + window.held) })),
          ),
        ),
      ),
    );
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    try {
      const windows = Object.fromEntries(weekdays.map((day) => [day, parseWindows((form.elements.namedItem(day) as HTMLInputElement).value)]).filter(([, list]) => list.length > 0));
      const cutoff = { daysBefore: Number(($('#slot-cutoff-days') as HTMLInputElement).value), time: ($('#slot-cutoff-time') as HTMLInputElement).value };
      await api.request('PATCH', `/depots/${state.depotId}`, { slotCalendar: { windows, cutoff } });
      $('#slot-calendar .form-error').textContent = 'Saved.';
      await refresh();
    } catch (error) {
      showErrors(form, error);
    }
  });
  state.subscribe('selection', () => void refresh());
  $('#tab-slots-button').addEventListener('click', () => void refresh());
  return { refresh };
}
