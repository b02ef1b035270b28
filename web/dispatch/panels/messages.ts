/**
 * The Messages tab: the message log. The newest messages of the depot's orders — e-mail, SMS, webhook — with
 * recipient, subject, status and attempts; a row opens to the text as composed. Messages kept because no provider
 * is configured are here too, so a fresh start shows what customers would get. Read when the tab opens, again
 * with Refresh; a row's order opens in the drawer.
 */
import { $, el, say } from '../../common/dom';
import { clockWithDay } from '../../common/format';
import type { Api } from '../../common/api';
import type { ChannelName, MessageStatus } from '../../../src/domain/model/notification';
import type { MessageLogEntry } from '../../../src/protocol/notifications';
import type { ConsoleState } from '../state';

export const channelText: Record<ChannelName, string> = { email: 'E-mail', sms: 'SMS', webhook: 'Webhook' };

export const messageStatusText: Record<MessageStatus, string> = {
  pending: 'waiting to send',
  failed: 'retrying',
  sent: 'sent',
  kept: 'not sent: no provider configured',
  suppressed: 'not sent: customer opted out',
  dead: 'gave up',
};

const shown = 200;

export function mountMessages(api: Api, state: ConsoleState, openOrder: (orderId: number) => void): { load(): Promise<void> } {
  const list = $('#messages');
  const load = async () => {
    const params = new URLSearchParams({ limit: String(shown) });
    if (state.depotId) params.set('depotId', String(state.depotId));
    const channel = ($('#messages-channel') as HTMLSelectElement).value;
    const status = ($('#messages-status') as HTMLSelectElement).value;
    if (channel) params.set('channel', channel);
    if (status) params.set('status', status);
    const { items } = await api.get<{ items: MessageLogEntry[] }>(`/messages?${params}`);
    $('#messages-count').textContent = items.length === shown ? `The newest ${shown} messages.` : `${items.length} message${items.length === 1 ? '' : 's'}.`;
    list.replaceChildren(...items.map((message) => row(state, message, openOrder)));
  };
  const reload = () => void load().catch((error: Error) => say(`Messages: ${error.message}`, true));
  $('#messages-refresh').addEventListener('click', reload);
  $('#messages-channel').addEventListener('change', reload);
  $('#messages-status').addEventListener('change', reload);
  $('#tab-messages-button').addEventListener('click', reload);
  state.subscribe('selection', () => {
    if (!$('#tab-messages').classList.contains('hidden')) reload();
  });
  return { load };
}

function row(state: ConsoleState, message: MessageLogEntry, openOrder: (orderId: number) => void): HTMLElement {
  const order = el('button', { type: 'button', class: 'link', 'aria-label': `Open order ${message.displayId}` }, message.displayId);
  order.addEventListener('click', () => openOrder(message.orderId));
  return el(
    'li',
    { 'data-message-id': String(message.id), 'data-message-status': message.status, 'data-channel': message.channel },
    order,
    ' ',
    el(
      'details',
      { class: 'inline' },
      el(
        'summary',
        {},
        el('span', { class: 'muted' }, clockWithDay(state.depotIso(Date.parse(message.sentAt ?? message.createdAt) / 1000))),
        ' ',
        `${channelText[message.channel]} to ${message.recipient}: `,
        el('strong', {}, message.subject),
        ' · ',
        el('span', { class: `message-status ${message.status}` }, messageStatusText[message.status]),
        ` · ${message.attempts} attempt${message.attempts === 1 ? '' : 's'}`,
      ),
      el('pre', { class: 'message-text' }, message.text),
      ...(message.lastError ? [el('p', { class: 'error' }, `Last error: ${message.lastError}`)] : []),
    ),
  );
}
