/**
 * The tracking page's "Messages" card: which channels (e-mail, SMS) the customer gets messages on, each a switch.
 * Arriving from an unsubscribe link (`?unsubscribe=email`), the card asks to confirm turning that channel off
 * rather than doing it on the GET, so a mail scanner following links unsubscribes nobody.
 */
import type { Api } from '../common/api';
import { $, el } from '../common/dom';
import type { PreferencesView } from '../../src/protocol/notifications';

type Channel = 'email' | 'sms';
const names: Record<Channel, string> = { email: 'E-mails', sms: 'SMS' };

export function mountPreferences(api: Api, token: string): void {
  const path = `/track/${encodeURIComponent(token)}/preferences`;
  const card = $('#preferences');
  const asked = new URLSearchParams(location.search).get('unsubscribe');
  let askFor: Channel | null = asked === 'email' || asked === 'sms' ? asked : null;

  const show = (view: PreferencesView, note = '') => {
    const channels = (['email', 'sms'] as const).filter((channel) => (channel === 'email' ? view.emailAddress : view.phone));
    card.classList.toggle('hidden', channels.length === 0);
    const address = (channel: Channel) => (channel === 'email' ? view.emailAddress : view.phone) ?? '';
    const rows = channels.map((channel) => {
      const box = el('input', { type: 'checkbox', id: `pref-${channel}`, name: channel });
      box.checked = view[channel];
      box.addEventListener('change', () => void save({ [channel]: box.checked }));
      return el('p', {}, el('label', { class: 'inline', for: `pref-${channel}` }, box, ` ${names[channel]} to ${address(channel)}`));
    });
    const confirm: HTMLElement[] = [];
    if (askFor && channels.includes(askFor) && view[askFor]) {
      const channel = askFor;
      const button = el('button', { type: 'button', class: 'primary', id: 'unsubscribe-confirm' }, `Stop ${names[channel]} to ${address(channel)}`);
      button.addEventListener('click', () => void save({ [channel]: false }));
      confirm.push(el('p', { id: 'unsubscribe-ask' }, `No more ${names[channel].toLowerCase()} about your deliveries? `, button));
    }
    $('#preferences-body').replaceChildren(...confirm, ...rows, el('p', { id: 'preferences-status', role: 'status', 'aria-live': 'polite' }, note));
  };

  const save = async (change: Partial<Record<Channel, boolean>>) => {
    try {
      const view = await api.put<PreferencesView>(path, change);
      askFor = null;
      show(view, Object.entries(change).map(([channel, on]) => `${names[channel as Channel]} ${on ? 'on' : 'off'}.`).join(' '));
    } catch (error) {
      $('#preferences-status').textContent = (error as Error).message;
    }
  };

  void api
    .get<PreferencesView>(path)
    .then((view) => show(view))
    .catch(() => card.classList.add('hidden'));
}
