import { describe, expect, it } from 'vitest';
import { cleanText, emailProblem, emailSchema, fieldKey, nameSchema } from '../../src/subscribers/schema.ts';

describe('emailSchema', () => {
  it('trims and lower-cases the domain, keeping the local part', () => {
    expect(emailSchema.parse('  Minji.Kim+news@Example.CO.KR \t')).toBe('Minji.Kim+news@example.co.kr');
  });

  it.each([
    'a@example.com',
    "o'neil@example.org",
    'first.last@sub.example.net',
    'x_y-z@xn--3e0b707e.example',
    `${'a'.repeat(64)}@example.com`,
  ])('accepts %s', (address) => {
    expect(emailProblem(address)).toBeUndefined();
  });

  it.each([
    ['', 'is empty — fill in the address or delete the row'],
    ['foo@', '"foo@" is not an email address (nothing after the @) — fix or delete the row'],
    ['@example.com', '"@example.com" is not an email address (nothing before the @) — fix or delete the row'],
    ['example.com', '"example.com" is not an email address (there is no @) — fix or delete the row'],
    ['a@b@example.com', '"a@b@example.com" is not an email address (it has more than one @) — fix or delete the row'],
    ['kim minji@example.com', '"kim minji@example.com" is not an email address (it contains a space) — fix or delete the row'],
    ['a@localhost', '"a@localhost" is not an email address (the domain "localhost" has no dot) — fix or delete the row'],
    ['a@example..com', '"a@example..com" is not an email address (the domain "example..com" has an empty part between dots) — fix or delete the row'],
    ['a@-example.com', '"a@-example.com" is not an email address (the domain "-example.com" has a part that is not letters, digits and inner hyphens: "-example") — fix or delete the row'],
    ['a@192.0.2.1', '"a@192.0.2.1" is not an email address (the domain "192.0.2.1" ends in a number, not a top-level domain) — fix or delete the row'],
    ['.a@example.com', '".a@example.com" is not an email address (the part before the @ has a character that is not allowed there, or a dot at its start, end or twice in a row) — fix or delete the row'],
    ['민지@example.com', '"민지@example.com" is not an email address (the part before the @ has characters other than ASCII letters, digits and punctuation) — fix or delete the row'],
    ['a@예시.com', '"a@예시.com" is not an email address (the domain "예시.com" has non-ASCII characters — write an international domain in its xn-- form) — fix or delete the row'],
    ['<a@example.com>', '"<a@example.com>" is not an email address (the part before the @ has a character that is not allowed there, or a dot at its start, end or twice in a row) — fix or delete the row'],
  ])('refuses %j', (address, reason) => {
    expect(emailProblem(address)).toBe(reason);
    expect(emailSchema.safeParse(address).success).toBe(false);
  });

  it('refuses addresses past the length limits', () => {
    expect(emailProblem(`${'a'.repeat(65)}@example.com`)).toContain('the part before the @ is longer than 64 characters');
    const labels = `${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(60)}`;
    expect(emailProblem(`a@${labels}.abcdefgh`)).toBeUndefined(); // 254 characters
    expect(emailProblem(`a@${labels}.abcdefghi`)).toContain('it is 255 characters long; the limit is 254');
  });
});

describe('nameSchema and cleanText', () => {
  it('turns line breaks into one space and drops other control characters', () => {
    expect(cleanText('  Kim\r\n\r\nMinji\u0000\u001b[31m ')).toBe('Kim Minji[31m');
    expect(cleanText('a\u2028b\u0085c\td')).toBe('a b c d');
    expect(cleanText('\u202eevil\u2066')).toBe('evil');
  });

  it('keeps markup, quotes, ampersands, Hangul and emoji joiners as they are', () => {
    const text = `<b>"Kim" & 'Lee'</b> 김민지 👩‍💻`;
    expect(cleanText(text)).toBe(text);
  });

  it('cleans a blank name down to the empty string (which the loader leaves out)', () => {
    expect(nameSchema.parse(' \r\n ')).toBe('');
  });

  it('counts the 100-character limit in characters, not UTF-16 units', () => {
    expect(nameSchema.safeParse('😀'.repeat(100)).success).toBe(true);
    expect(nameSchema.safeParse('😀'.repeat(101)).success).toBe(false);
  });
});

describe('fieldKey', () => {
  it.each([
    ['Company', 'company'],
    [' Sign-up Date ', 'sign_up_date'],
    ['first_name', 'first_name'],
    ['2nd choice', '_2nd_choice'],
    ['회사 (Company)', '____company_'],
  ])('%j → %j', (header, key) => {
    expect(fieldKey(header)).toBe(key);
  });

  it('has no key for a header without letters a–z or digits', () => {
    expect(fieldKey('회사')).toBeUndefined();
    expect(fieldKey('---')).toBeUndefined();
  });
});
