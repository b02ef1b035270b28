import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/geocoding/edit-distance';
import { houseNumberKey, placeKey, splitAddress, streetKey, streetSpellings } from '../../src/geocoding/normalize';

describe('streetKey', () => {
  it('folds the ways people write one street into one key', () => {
    const key = streetKey('Hauptstraße');
    for (const written of ['Hauptstr.', 'Hauptstrasse', 'Haupt Str', 'haupt str.', 'HAUPTSTRASSE', 'Haupt-Straße']) expect(streetKey(written)).toBe(key);
  });

  it('folds umlauts, ß, hyphens and spaces', () => {
    expect(streetKey('Kurfürsten-Anlage')).toBe(streetKey('Kurfuersten Anlage'));
    expect(streetKey('Römerstraße')).toBe(streetKey('roemerstrasse'));
    expect(streetKey('Bismarckplatz')).toBe(streetKey('Bismarckpl.'));
  });

  it('keeps different streets apart', () => {
    expect(streetKey('Hauptstraße')).not.toBe(streetKey('Hauptweg'));
    expect(streetKey('Bergstraße')).not.toBe(streetKey('Bergheimer Straße'));
  });
});

describe('typo spellings', () => {
  const oneEdit = (typed: string, known: string) => {
    const [a, b] = streetSpellings(typed);
    const [c, d] = streetSpellings(known);
    return Math.min(editDistance(a, c), editDistance(b, d));
  };

  it('puts a dropped, doubled or swapped letter one edit away, whatever the spelling of ß and umlauts', () => {
    expect(oneEdit('Hauptstrase', 'Hauptstraße')).toBe(0);
    expect(oneEdit('Hauptsrtaße', 'Hauptstraße')).toBe(1);
    expect(oneEdit('Ziegelhtte', 'Ziegelhütte')).toBe(1);
    expect(oneEdit('Neckargemuender Serasse', 'Neckargemünder Straße')).toBe(1);
    expect(oneEdit('Kirchenstrae', 'Kirchenstraße')).toBe(1);
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and adjacent swaps as one edit', () => {
    expect(editDistance('hauptstr', 'hauptstr')).toBe(0);
    expect(editDistance('hauptstr', 'haupstr')).toBe(1);
    expect(editDistance('hauptstr', 'hauptsstr')).toBe(1);
    expect(editDistance('hauptstr', 'hauptstt')).toBe(1);
    expect(editDistance('hauptstr', 'huaptstr')).toBe(1);
    expect(editDistance('hauptstr', 'hpautstr')).toBe(2);
  });

  it('stops early past the limit', () => {
    expect(editDistance('hauptstr', 'bahnhofstr', 1)).toBe(2);
    expect(editDistance('a', 'abcdef', 1)).toBe(2);
  });
});

describe('house numbers', () => {
  it('reads suffixes with and without space, ranges, and refuses text without a number', () => {
    expect(houseNumberKey('12a')).toBe('12a');
    expect(houseNumberKey('12 A')).toBe('12a');
    expect(houseNumberKey('47-51')).toBe('47-51');
    expect(houseNumberKey('Hinterhaus')).toBeNull();
  });
});

describe('splitAddress', () => {
  it('reads a single line with or without commas', () => {
    expect(splitAddress({ text: 'Hauptstraße 12, 69117 Heidelberg' })).toEqual({ street: 'Hauptstraße', houseNumber: '12', postcode: '69117', city: 'Heidelberg' });
    expect(splitAddress({ text: 'Hauptstr. 12a Heidelberg' })).toEqual({ street: 'Hauptstr.', houseNumber: '12a', city: 'Heidelberg' });
    expect(splitAddress({ text: 'Hauptstraße 12 A 69117 Heidelberg' })).toEqual({ street: 'Hauptstraße', houseNumber: '12A', postcode: '69117', city: 'Heidelberg' });
    expect(splitAddress({ text: '69117 Heidelberg, Im Neuenheimer Feld 252' })).toEqual({ street: 'Im Neuenheimer Feld', houseNumber: '252', postcode: '69117', city: 'Heidelberg' });
    expect(splitAddress({ text: 'Grabengasse 14 - 18, Heidelberg' })).toEqual({ street: 'Grabengasse', houseNumber: '14-18', city: 'Heidelberg' });
    expect(splitAddress({ text: 'Hauptstraße12' })).toEqual({ street: 'Hauptstraße', houseNumber: '12' });
    // A street named with a number keeps it; the house number is the last one.
    expect(splitAddress({ text: 'Wohnheim INF 136 A 1, 69120 Heidelberg' })).toEqual({ street: 'Wohnheim INF 136 A', houseNumber: '1', postcode: '69120', city: 'Heidelberg' });
  });

  it('lets structured fields win over the line', () => {
    expect(splitAddress({ text: 'Hauptstraße 12, Heidelberg', houseNumber: '14', postcode: '69117' })).toEqual({ street: 'Hauptstraße', houseNumber: '14', postcode: '69117', city: 'Heidelberg' });
    expect(splitAddress({ street: 'Plöck', houseNumber: '55', city: 'Heidelberg' })).toEqual({ street: 'Plöck', houseNumber: '55', city: 'Heidelberg' });
  });

  it('folds places without case or accents', () => {
    expect(placeKey('Neckargemünd')).toBe(placeKey('NECKARGEMUEND'));
  });
});
