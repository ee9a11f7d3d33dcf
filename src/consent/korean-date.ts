const KST = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: 'numeric', day: 'numeric' });

/**
 * A date as Korean notices write it, `2025년 7월 8일`, on the Korean calendar (KST): a
 * consent given at 23:30 UTC on 7 July was given on 8 July in Seoul.
 */
export function koreanDate(time: number | string): string {
  const parts = KST.formatToParts(typeof time === 'string' ? new Date(time) : new Date(time));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return `${get('year')}년 ${get('month')}월 ${get('day')}일`;
}
