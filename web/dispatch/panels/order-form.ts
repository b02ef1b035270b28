/**
 * New orders from the console: the form (the fields of POST /orders; the location by clicking the map or
 * typing coordinates) and the upload of a CSV / GeoJSON / JSON file through POST /orders/import, whose
 * rejected rows are listed in place (row, field, message) while the valid ones are imported.
 */
import { $, el, say } from '../../common/dom';
import { zonedIso } from '../../common/format';
import type { OrderActions } from '../order-actions';
import type { ConsoleState } from '../state';
import { clearErrors, showErrors } from './form-errors';

/** Asks the map for one click; the callback gets its [lon, lat]. */
export type PickOnMap = (picked: (location: [number, number]) => void) => void;

export function mountOrderForm(state: ConsoleState, actions: OrderActions, pickOnMap: PickOnMap): void {
  const form = $('#order-form') as HTMLFormElement;
  const importForm = $('#import-form') as HTMLFormElement;
  const input = (name: string) => form.querySelector<HTMLInputElement>(`[name="${name}"]`)!;

  const build = () => {
    const day = state.date;
    const field = (label: string, name: string, attributes: Record<string, string> = {}, errorField = name, wide = false) =>
      el('div', { class: wide ? 'wide' : '' }, el('label', { for: `new-${name}` }, label), el('input', { id: `new-${name}`, name, 'data-field': errorField, ...attributes }));
    const pick = el('button', { type: 'button', id: 'new-pick' }, 'Pick on map');
    pick.addEventListener('click', () => {
      say('Click the map where the order goes.');
      pickOnMap(([lon, lat]) => {
        input('lon').value = lon.toFixed(6);
        input('lat').value = lat.toFixed(6);
        say('Location taken from the map.');
      });
    });
    form.replaceChildren(
      el('h2', {}, 'New order'),
      el(
        'div',
        { class: 'form-grid' },
        field('Reference', 'externalRef', { required: '' }),
        field('Customer', 'customerName', { required: '' }),
        field('Phone', 'customerPhone'),
        field('Email', 'customerEmail', { type: 'email' }),
        field('Address', 'addressText', { required: '' }, 'addressText', true),
        field('Longitude', 'lon', { inputmode: 'decimal', placeholder: 'empty: from the address' }, 'location'),
        field('Latitude', 'lat', { inputmode: 'decimal' }, 'location'),
        el('div', { class: 'wide' }, pick),
        field('Date', 'date', { type: 'date', value: day }, 'timeWindows', true),
        field('From', 'from', { type: 'time', value: '09:00' }, 'timeWindows'),
        field('To', 'to', { type: 'time', value: '12:00' }, 'timeWindows'),
        field('Service minutes', 'serviceMinutes', { type: 'number', min: '0', value: '5' }, 'serviceSeconds'),
        field('Priority', 'priority', { type: 'number', min: '0', max: '100', value: '0' }),
        field('Notes', 'notes', {}, 'notes', true),
        // A slot window of the depot's calendar that is full refuses the order unless the dispatcher books it anyway.
        el('div', { class: 'wide' }, el('label', { for: 'new-overrideCapacity' }, el('input', { id: 'new-overrideCapacity', name: 'overrideCapacity', type: 'checkbox' }), ' Book even if the slot window is full')),
      ),
      el('p', { class: 'form-error error', role: 'alert' }),
      el('p', {}, el('button', { class: 'primary', type: 'submit' }, 'Create order'), ' ', el('button', { type: 'button', 'data-close': '' }, 'Close')),
    );
    form.querySelector('[data-close]')!.addEventListener('click', () => form.classList.add('hidden'));
  };

  $('#new-order').addEventListener('click', () => {
    importForm.classList.add('hidden');
    build();
    form.classList.remove('hidden');
    input('externalRef').focus();
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(form);
    const text = (name: string) => input(name).value.trim();
    const number = (value: string) => (value === '' || Number.isNaN(Number(value)) ? value : Number(value));
    const zone = state.depot()?.timeZone ?? 'UTC';
    const minutes = number(text('serviceMinutes'));
    // An empty location is left out: the server says it is needed (or, with geocoding, finds it from the address).
    const location = text('lon') || text('lat') ? { location: [number(text('lon')), number(text('lat'))] as [number, number] } : {};
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
    submit.disabled = true;
    actions
      .create({
        externalRef: text('externalRef'),
        customerName: text('customerName'),
        customerPhone: text('customerPhone') || null,
        customerEmail: text('customerEmail') || null,
        addressText: text('addressText'),
        ...location,
        timeWindows: [{ start: zonedIso(text('date'), text('from'), zone), end: zonedIso(text('date'), text('to'), zone) }],
        serviceSeconds: typeof minutes === 'number' ? Math.round(minutes * 60) : (minutes as unknown as number),
        priority: number(text('priority')) as number,
        notes: text('notes') || null,
        ...(input('overrideCapacity').checked ? { overrideCapacity: true } : {}),
      })
      .then((order) => {
        form.classList.add('hidden');
        say(`Order ${order.displayId} created.`);
      })
      .catch((error) => showErrors(form, error))
      .finally(() => {
        submit.disabled = false;
      });
  });

  $('#import-orders').addEventListener('click', () => {
    form.classList.add('hidden');
    $('#import-result').replaceChildren();
    importForm.classList.remove('hidden');
    $('#import-file').focus();
  });
  importForm.querySelector('[data-close]')!.addEventListener('click', () => importForm.classList.add('hidden'));
  importForm.addEventListener('submit', (event) => {
    event.preventDefault();
    clearErrors(importForm);
    const file = ($('#import-file') as HTMLInputElement).files?.[0];
    if (!file) {
      importForm.querySelector('.form-error')!.textContent = 'Choose a file to import.';
      return;
    }
    const source = ($('#import-source') as HTMLInputElement).value.trim();
    $('#import-result').replaceChildren(el('p', { class: 'muted' }, `Importing ${file.name}…`));
    actions
      .importFile(file, source, ($('#import-override') as HTMLInputElement).checked)
      .then((result) => {
        const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged, ${new Set(result.rejected.map((row) => row.row)).size} rows rejected`;
        $('#import-result').replaceChildren(
          el('p', { class: result.rejected.length ? 'error' : 'ok', id: 'import-counts' }, counts),
          ...(result.rejected.length
            ? [
                el(
                  'table',
                  { id: 'import-rejected' },
                  el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Row'), el('th', { scope: 'col' }, 'Field'), el('th', { scope: 'col' }, 'Problem'))),
                  el('tbody', {}, ...result.rejected.map((row) => el('tr', { 'data-row': String(row.row) }, el('td', {}, String(row.row)), el('td', {}, row.field), el('td', {}, row.message)))),
                ),
              ]
            : []),
        );
        say(`Import: ${counts}.`);
      })
      .catch((error) => {
        $('#import-result').replaceChildren();
        showErrors(importForm, error);
      });
  });
}
