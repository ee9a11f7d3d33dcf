import type { Edition } from '../../src/content/schema.ts';

/** The contact fields in the order the footer gives them, with the words that label them. */
export const CONTACT_FIELDS = [
  ['email', '이메일'],
  ['phone', '전화'],
  ['address', '주소'],
] as const;

/**
 * The footer's contact, as "이메일 … · 전화 … · 주소 …" (the fields the edition gives),
 * shared by both engines and the text part so that the check finds each where it looks.
 */
export function contactLine(contact: Edition['contact']): string {
  return CONTACT_FIELDS.flatMap(([field, label]) => (contact[field] ? [`${label} ${contact[field]}`] : [])).join(' · ');
}
