/**
 * How people write addresses, folded to one key: case, umlauts and ß (ä = ae, ß = ss), hyphens and spaces,
 * and the usual abbreviations ("Hauptstr." = "Hauptstraße" = "Haupt Str" → "hauptstr").
 */
import type { AddressQuery } from './types';

/** Lower case, umlauts as ae/oe/ue, ß as ss, other accents dropped. */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

// Word endings folded to one short form; applied per word, so "Haupt Str." and "Hauptstraße" meet.
const shortEndings: [RegExp, string][] = [
  [/(strasse|str\.?)$/, 'str'],
  [/(platz|pl\.)$/, 'pl'],
  [/^(sankt|st\.)$/, 'st'],
];
// The same endings written out, for counting typos in what people actually typed ("Hauptstrase").
const longEndings: [RegExp, string][] = [
  [/(strasse|str\.?)$/, 'strasse'],
  [/(platz|pl\.)$/, 'platz'],
  [/^(sankt|st\.)$/, 'sankt'],
];

function streetFold(street: string, endings: [RegExp, string][]): string {
  return foldText(street)
    .split(/[\s\-–/,]+/)
    .map((word) => endings.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), word))
    .join('')
    .replace(/[^a-z0-9]/g, '');
}

/** The street key: folded, abbreviations unified, every space, hyphen and dot removed. */
export function streetKey(street: string): string {
  return streetFold(street, shortEndings);
}

/**
 * The street for counting typos, two ways: umlauts as "ae" and as a plain vowel, abbreviations written out,
 * "ß"/"ss" as one "s". A letter dropped, doubled or swapped in what people typed ("Hauptstrase", "Ziegelhtte",
 * "Neckargemuender Serasse") is then one edit away in one of them.
 */
export function streetSpellings(street: string): [string, string] {
  const plainVowels = street.replace(/ß/g, 's').normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return [streetFold(street, longEndings).replace(/ss/g, 's'), streetFold(plainVowels, longEndings).replace(/ss/g, 's')];
}

/** Postcodes and city names compared without case, accents or spaces. */
export function placeKey(text: string): string {
  return foldText(text).replace(/[^a-z0-9]/g, '');
}

/** "12 A", "12a", "12-14" → "12a", "12a", "12-14"; null when there is no leading number. */
export function houseNumberKey(text: string): string | null {
  const folded = foldText(text).replace(/\s+/g, '');
  return /^\d+/.test(folded) ? folded.replace(/[^a-z0-9\-/]/g, '') : null;
}

/** The leading number of a house number ("12a" → 12), for interpolating between neighbours. */
export function houseNumberValue(key: string): number {
  return Number.parseInt(key, 10);
}

/** "12a" = "12a"; "7" lies in a building numbered "5-9". */
export function numberMatches(indexed: string, query: string): boolean {
  if (indexed === query) return true;
  const range = /^(\d+)-(\d+)$/.exec(indexed);
  if (range === null || !/^\d+$/.test(query)) return false;
  const value = Number(query);
  return value >= Number(range[1]) && value <= Number(range[2]);
}

export interface StructuredAddress {
  street?: string;
  houseNumber?: string;
  postcode?: string;
  city?: string;
}

const POSTCODE = /^\d{5}$/;
// "12", "12a", "12-14", "12/1", "30a-g".
const HOUSE_NUMBER = /^\d{1,4}[a-z]?([-/](\d{1,4}[a-z]?|[a-z]))?$/i;
// "Hauptstraße12a" written without a space.
const GLUED_NUMBER = /^(.*?\D)(\d{1,4}[a-z]?)$/i;

/**
 * A single line as people write it: "Hauptstraße 12, 69117 Heidelberg", "Hauptstr. 12a Heidelberg",
 * "69117 Heidelberg, Hauptstraße 12 A". Structured fields of the query take precedence over the line.
 */
export function splitAddress(query: AddressQuery): StructuredAddress {
  const result: StructuredAddress = {};
  const placeFrom = (words: string[]) => {
    if (words.length === 0) return;
    if (POSTCODE.test(words[0]!)) {
      result.postcode ??= words[0]!;
      words = words.slice(1);
    }
    if (words.length > 0) result.city ??= words.join(' ');
  };
  const parts = (query.text ?? '').split(/[,;\n]+/).map((part) => part.trim()).filter((part) => part !== '');
  for (const part of parts) {
    const words = part.split(/\s+/);
    if (POSTCODE.test(words[0]!) || result.street !== undefined) {
      placeFrom(words);
      continue;
    }
    // "14 - 18" and "12 / 1" written with spaces are one number.
    const joined = part.replace(/(\d)\s*([-/])\s*(?=\d)/g, '$1$2').split(/\s+/);
    // The last number-like word: street names can hold one ("Wohnheim INF 136 A 1").
    const at = joined.findLastIndex((word, index) => index > 0 && HOUSE_NUMBER.test(word));
    if (at > 0) {
      result.street = joined.slice(0, at).join(' ');
      // "12 A": a lone letter after the number belongs to it.
      const suffix = /^[a-z]$/i.test(joined[at + 1] ?? '') ? joined[at + 1]! : '';
      result.houseNumber = joined[at]! + suffix;
      placeFrom(joined.slice(at + 1 + (suffix ? 1 : 0)));
      continue;
    }
    const glued = GLUED_NUMBER.exec(part);
    if (glued) {
      result.street = glued[1]!.trim();
      result.houseNumber = glued[2]!;
    } else {
      result.street = part;
    }
  }
  for (const field of ['street', 'houseNumber', 'postcode', 'city'] as const) {
    const value = query[field]?.trim();
    if (value) result[field] = value;
  }
  return result;
}
