import type { Finding } from './finding.ts';

/**
 * 정보통신망법 §50③: an advertisement sent between 21:00 and 08:00 (Korean time) needs
 * the recipient's separate consent for night-time ads, on top of the ordinary one. We
 * cannot know who gave it, so an advertisement timed for those hours gets a warning.
 * `at` is when it goes out: the --schedule time, or now.
 */
export function checkSendTime(advertisement: boolean, at: Date): Finding[] {
  if (!advertisement) return [];
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Seoul', hour: '2-digit', hourCycle: 'h23' }).format(at));
  if (hour >= 8 && hour < 21) return [];
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul', dateStyle: 'short', timeStyle: 'short' }).format(at);
  // The next 09:00 in Seoul, as a ready --schedule value.
  const seoulDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Seoul' }).format(hour >= 21 ? new Date(at.getTime() + 86_400_000) : at);
  const next = `${seoulDay}T09:00:00+09:00`;
  return [
    {
      check: 'ad-rules',
      severity: 'warning',
      message: `this advertisement goes out at ${local} KST, between 21:00 and 08:00: 정보통신망법 §50③ requires each recipient's separate consent to night-time ads — send it between 08:00 and 21:00 KST (e.g. --schedule ${next}), unless every recipient gave that consent`,
    },
  ];
}
