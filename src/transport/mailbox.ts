/** `Name <address>`, the name quoted when it holds a character that would break the header (RFC 5322 specials). */
export function mailbox(name: string, address: string): string {
  return /[",;:<>@()[\]\\]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}" <${address}>` : `${name} <${address}>`;
}
