/** DOM helpers the pages share: find an element, build one, say something in the page's status line. */

/**
 * Builds an element: `el('td', { class: 'eta' }, '09:30')`. Text children are escaped by the DOM. A `style` goes
 * through the CSSOM: the Content-Security-Policy refuses style attributes.
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'style') element.style.cssText = value;
    else element.setAttribute(name, value);
  }
  element.append(...children);
  return element;
}

export function $(selector: string): HTMLElement {
  const element = document.querySelector<HTMLElement>(selector);
  if (!element) throw new Error(`missing ${selector}`);
  return element;
}

/** The page's status line (`#message`, a polite live region): errors are styled as such. */
export function say(text: string, isError = false): void {
  const message = $('#message');
  message.textContent = text;
  message.className = isError ? 'error' : '';
}
