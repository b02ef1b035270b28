/**
 * Streams the elements of a large JSON array without holding the document: a small scanner follows
 * strings and nesting to find where each element starts and ends, and only that element's text is
 * handed on (the caller JSON.parses it, so one broken element costs one row, not the file).
 */
import { invalidInput } from '../errors';

export interface JsonArrayOptions {
  /** Stream the array under this key of the top-level object (GeoJSON "features"); otherwise the document must be an array. */
  key?: string;
  /** Where the document type is stated, the value it must have (GeoJSON: "type": "FeatureCollection"). */
  requiredType?: string;
  /** What the file should be, for error messages ("a JSON array of orders"). */
  expected: string;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
/** No order needs more; a broken element that swallows the rest of the file fails here, early and clearly. */
export const MAX_ELEMENT_CHARS = 64 * 1024;

/** Yields the source text of each element of the chosen array, in order. */
export async function* jsonArrayElements(texts: AsyncIterable<string>, options: JsonArrayOptions): AsyncGenerator<string> {
  const objectMode = options.key !== undefined;
  let started = false;
  let depth = 0;
  let inString = false;
  let escaped = false;
  // Top-level object bookkeeping (only used with options.key).
  let expectKey = false;
  let topString: string | null = null;
  let topStringStart = 0;
  let lastKey: string | null = null;
  // Inside the target array.
  let arrayDepth = -1;
  let arrayDone = false;
  let element: string[] | null = null;
  let elementStart = 0;
  let elementDepth = 0;
  let elementChars = 0;
  let elementCount = 0;

  const unexpected = (what: string) =>
    invalidInput(`Import body is not ${options.expected}: ${what}`, [{ path: 'body', message: what, afterRecords: elementCount }]);

  const finishTopString = (raw: string) => {
    let value: string;
    try {
      value = JSON.parse(`"${raw}"`) as string;
    } catch {
      throw unexpected(`invalid string "${raw.slice(0, 40)}"`);
    }
    if (expectKey) {
      lastKey = value;
      expectKey = false;
    } else if (lastKey === 'type' && options.requiredType !== undefined && value !== options.requiredType) {
      throw unexpected(`"type" is "${value}", expected "${options.requiredType}"`);
    }
  };

  for await (const text of texts) {
    for (let i = 0; i < text.length; i++) {
      const char = text[i]!;

      if (element !== null) {
        // Collecting one element: only brackets outside strings and the separating comma matter.
        if (inString) {
          if (escaped) escaped = false;
          else if (char === '\\') escaped = true;
          else if (char === '"') inString = false;
          continue;
        }
        if (char === '"') inString = true;
        else if (char === '{' || char === '[') elementDepth++;
        else if ((char === '}' || char === ']') && elementDepth > 0) elementDepth--;
        else if (elementDepth === 0 && (char === ',' || char === ']')) {
          element.push(text.slice(elementStart, i));
          const source = element.join('').trim();
          element = null;
          // "[]" and a trailing comma hold no element; an empty slot between two commas is a broken row.
          if (char === ',' || source !== '') {
            elementCount++;
            yield source;
          }
          if (char === ']') {
            depth--;
            arrayDone = true;
          } else {
            element = [];
            elementChars = 0;
            elementStart = i + 1;
          }
        }
        continue;
      }

      if (inString) {
        if (escaped) escaped = false;
        else if (char === '\\') escaped = true;
        else if (char === '"') {
          inString = false;
          if (topString !== null) {
            finishTopString(topString + text.slice(topStringStart, i));
            topString = null;
          }
        }
        continue;
      }
      if (WHITESPACE.has(char)) continue;

      if (!started) {
        started = true;
        if (char !== (objectMode ? '{' : '[')) throw unexpected(`it starts with "${char}"`);
      }
      if (char === '"') {
        inString = true;
        if (objectMode && depth === 1) {
          topString = '';
          topStringStart = i + 1;
        }
      } else if (char === '{' || char === '[') {
        depth++;
        const opensTarget = !arrayDone && char === '[' && (objectMode ? depth === 2 && !expectKey && lastKey === options.key : depth === 1);
        if (opensTarget) {
          arrayDepth = depth;
          element = [];
          elementChars = 0;
          elementStart = i + 1;
        }
        if (objectMode && depth === 1 && char === '{') expectKey = true;
      } else if (char === '}' || char === ']') {
        depth--;
      } else if (objectMode && depth === 1) {
        if (char === ',') expectKey = true;
      }
    }
    if (element !== null) {
      element.push(text.slice(elementStart));
      elementChars += text.length - elementStart;
      elementStart = 0;
      if (elementChars > MAX_ELEMENT_CHARS) {
        throw unexpected(`record ${elementCount + 1} is longer than ${MAX_ELEMENT_CHARS} characters`);
      }
    } else if (topString !== null) {
      topString += text.slice(topStringStart);
      topStringStart = 0;
    }
  }

  if (!started) throw unexpected('it is empty');
  if (arrayDepth < 0) throw unexpected(objectMode ? `no "${options.key}" array found` : 'no array found');
  if (!arrayDone || depth !== 0 || inString) throw unexpected(`it ends unexpectedly after ${elementCount} records (truncated?)`);
}
