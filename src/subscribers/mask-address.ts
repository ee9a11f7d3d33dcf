/**
 * `kim@example.com` → `k***@example.com`: enough for an operator to tell two log lines
 * apart and to recognise a complaint ("I unsubscribed on the 3rd"), not enough to
 * harvest the list from the logs. The domain stays: it is what deliverability problems
 * are sorted by (a wave of bounces from one provider).
 */
export function maskAddress(address: string): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return '***';
  // The first code point, not the first UTF-16 unit: never split a surrogate pair.
  const first = String.fromCodePoint(address.codePointAt(0) as number);
  return `${first}***${address.slice(at)}`;
}

/**
 * Every address inside free text masked: a bounce's SMTP message (`550 5.1.1
 * <kim@example.com>: user unknown`), a link's `?email=kim%40example.com`, an error's
 * message in the server log.
 */
export function maskAddressesIn(text: string): string {
  return text.replace(/[^\s<>"'()[\]/?#&=:;,@%]+(?:@|%40)[^\s<>"'()[\]/?#&=:;,@%]+/gi, (match) => maskAddress(match.replace(/%40/i, '@')));
}
