/**
 * The one error shape shown in place: each detail beside the input it names (inputs carry `data-field`, the
 * first part of the detail's path after "body."), what names no input in the form's `.form-error` line.
 */
import { ApiError } from '../../common/api';
import { el } from '../../common/dom';

export function clearErrors(form: HTMLElement): void {
  form.querySelectorAll('.field-error').forEach((node) => node.remove());
  form.querySelectorAll('[aria-invalid]').forEach((node) => node.removeAttribute('aria-invalid'));
  const line = form.querySelector('.form-error');
  if (line) line.textContent = '';
}

/** "body.timeWindows[0].end" → "timeWindows". */
export function fieldOf(path: string | undefined): string {
  return (path ?? '').replace(/^(body|query)\./, '').split(/[.[]/)[0] ?? '';
}

export function showErrors(form: HTMLElement, error: unknown): void {
  clearErrors(form);
  const line = form.querySelector('.form-error');
  if (!(error instanceof ApiError)) {
    if (line) line.textContent = (error as Error).message;
    return;
  }
  const unplaced: string[] = [];
  for (const detail of error.details) {
    const input = form.querySelector<HTMLElement>(`[data-field="${CSS.escape(fieldOf(detail.path))}"]`);
    if (!input) {
      unplaced.push(detail.path ? `${fieldOf(detail.path)}: ${detail.message}` : detail.message);
      continue;
    }
    input.setAttribute('aria-invalid', 'true');
    input.insertAdjacentElement('afterend', el('small', { class: 'field-error', 'data-error-for': fieldOf(detail.path) }, detail.message));
  }
  // The summary names the error; details already beside their inputs are not repeated.
  if (line) line.textContent = [error.message.replace(/ \(.*\)$/, ''), ...unplaced].join(' · ');
}
