/**
 * A set of email addresses that remembers 8 bytes per address, so de-duplicating a
 * 1,000,000-row list costs about 16 MB instead of the ~100 MB a `Set<string>` of the
 * addresses (or even of 11-character hash strings) would hold.
 *
 * Each address is reduced to a 64-bit hash kept in an open-addressing table of two
 * Uint32Arrays (linear probing, at most half full). Two different addresses share a
 * hash with probability about n²/2⁶⁵ — for a 1,000,000-row list, 1 in 37 million —
 * and the cost of that is one subscriber wrongly counted as a duplicate, which the
 * load report shows. The hash is not cryptographic: the list is the sender's own file,
 * so nobody is in a position to craft collisions against it.
 */
export class AddressSet {
  #hi: Uint32Array;
  #lo: Uint32Array;
  #mask: number;
  #size = 0;

  constructor(initialCapacity = 1 << 16) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#mask = capacity - 1;
  }

  get size(): number {
    return this.#size;
  }

  /** Adds the address (compared case-insensitively); returns false if it was already there. */
  add(address: string): boolean {
    const key = address.toLowerCase();
    // cyrb53's two 32-bit lanes, both kept whole (64 bits rather than 53).
    // https://github.com/bryc/code/blob/master/jshash/experimental/cyrb53.js
    let h1 = 0xdeadbeef;
    let h2 = 0x41c6ce57;
    for (let i = 0; i < key.length; i++) {
      const ch = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const hi = h2 >>> 0;
    // (0, 0) marks an empty slot, so that one hash value is moved aside.
    const lo = hi === 0 && h1 >>> 0 === 0 ? 1 : h1 >>> 0;

    if (!this.#insert(hi, lo)) return false;
    this.#size++;
    if (this.#size * 2 > this.#mask) this.#grow();
    return true;
  }

  #insert(hi: number, lo: number): boolean {
    const his = this.#hi;
    const los = this.#lo;
    let i = (lo ^ hi) & this.#mask;
    for (;;) {
      const slotHi = his[i]!;
      const slotLo = los[i]!;
      if (slotHi === 0 && slotLo === 0) {
        his[i] = hi;
        los[i] = lo;
        return true;
      }
      if (slotHi === hi && slotLo === lo) return false;
      i = (i + 1) & this.#mask;
    }
  }

  #grow(): void {
    const oldHi = this.#hi;
    const oldLo = this.#lo;
    const capacity = oldHi.length * 2;
    this.#hi = new Uint32Array(capacity);
    this.#lo = new Uint32Array(capacity);
    this.#mask = capacity - 1;
    for (let i = 0; i < oldHi.length; i++) {
      const hi = oldHi[i]!;
      const lo = oldLo[i]!;
      if (hi !== 0 || lo !== 0) this.#insert(hi, lo);
    }
  }
}
