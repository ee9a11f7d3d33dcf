import { describe, expect, it } from 'vitest';
import { checkSendTime } from '../../src/check/check-send-time.ts';

describe('checkSendTime (정보통신망법 §50③, 21:00–08:00 KST)', () => {
  it('lets an advertisement go out in the day, Korean time', () => {
    expect(checkSendTime(true, new Date('2025-07-08T09:00:00+09:00'))).toEqual([]);
    expect(checkSendTime(true, new Date('2025-07-08T20:59:00+09:00'))).toEqual([]);
    // 23:30 UTC is 08:30 the next morning in Seoul.
    expect(checkSendTime(true, new Date('2025-07-08T23:30:00Z'))).toEqual([]);
  });

  it('warns of an advertisement between 21:00 and 08:00 KST, whatever the zone it was given in', () => {
    for (const at of ['2025-07-08T21:00:00+09:00', '2025-07-08T07:59:00+09:00', '2025-07-08T15:00:00Z']) {
      const [finding, ...rest] = checkSendTime(true, new Date(at));
      expect(rest).toEqual([]);
      expect(finding?.severity).toBe('warning');
      expect(finding?.message).toContain('between 21:00 and 08:00');
      expect(finding?.message).toContain('§50③');
    }
  });

  it('names the Korean time and the next 09:00 KST as a ready --schedule value', () => {
    const [late] = checkSendTime(true, new Date('2025-07-08T23:30:00+09:00'));
    expect(late?.message).toContain('goes out at 2025-07-08 23:30 KST');
    expect(late?.message).toContain('--schedule 2025-07-09T09:00:00+09:00');
    const [early] = checkSendTime(true, new Date('2025-07-08T06:00:00+09:00'));
    expect(early?.message).toContain('--schedule 2025-07-08T09:00:00+09:00');
  });

  it('says nothing of a newsletter that advertises nothing', () => {
    expect(checkSendTime(false, new Date('2025-07-08T23:00:00+09:00'))).toEqual([]);
  });
});
