import { describe, expect, it } from 'vitest';
import { AddressSet } from '../../src/subscribers/address-set.ts';

describe('AddressSet', () => {
  it('treats addresses differing only in case as the same', () => {
    const set = new AddressSet();
    expect(set.add('Ana@Example.com')).toBe(true);
    expect(set.add('ana@example.com')).toBe(false);
    expect(set.add('ANA@EXAMPLE.COM')).toBe(false);
    expect(set.add('ana@example.org')).toBe(true);
    expect(set.size).toBe(2);
  });

  it('keeps every distinct address through many resizes', () => {
    const set = new AddressSet(16);
    const n = 300_000;
    let added = 0;
    for (let i = 0; i < n; i++) if (set.add(`user${i}@example.com`)) added++;
    expect(added).toBe(n);
    let again = 0;
    for (let i = 0; i < n; i += 7) if (set.add(`USER${i}@example.com`)) again++;
    expect(again).toBe(0);
    expect(set.add(`user${n}@example.com`)).toBe(true);
    expect(set.size).toBe(n + 1);
  });

  it('sizes the table for the addresses expected, not up to the next power of two', () => {
    expect(new AddressSet(1_000_000).capacity).toBe(Math.ceil(1_000_000 / 0.7));
    expect(new AddressSet(0).capacity).toBe(16);
  });

  it('keeps every address through growth from a table of an odd size', () => {
    const set = new AddressSet(100); // 143 slots, then 286, 572, …
    const n = 50_000;
    let added = 0;
    for (let i = 0; i < n; i++) if (set.add(`user${i}@example.com`)) added++;
    let again = 0;
    for (let i = 0; i < n; i += 3) if (set.add(`User${i}@Example.com`)) again++;
    expect([added, again, set.size]).toEqual([n, 0, n]);
  });

  it('clear forgets every address and keeps the table', () => {
    const set = new AddressSet(1000);
    const capacity = set.capacity;
    for (let i = 0; i < 500; i++) set.add(`user${i}@example.com`);
    set.clear();
    expect(set.size).toBe(0);
    expect(set.capacity).toBe(capacity);
    for (let i = 0; i < 500; i++) expect(set.add(`user${i}@example.com`)).toBe(true);
  });

  it('reserve makes room up front, keeps what is there, and never shrinks', () => {
    const set = new AddressSet(0);
    set.add('ana@example.com');
    set.reserve(10_000);
    const capacity = set.capacity;
    expect(capacity).toBe(Math.ceil(10_000 / 0.7));
    expect(set.add('ANA@example.com')).toBe(false);
    for (let i = 0; i < 9_999; i++) set.add(`user${i}@example.com`);
    expect(set.capacity).toBe(capacity); // 10,000 addresses fit without growing
    set.reserve(10);
    expect(set.capacity).toBe(capacity);
    expect(set.size).toBe(10_000);
  });
});
