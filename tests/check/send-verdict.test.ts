import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/check/finding.ts';
import { sendVerdict } from '../../src/check/send-verdict.ts';

const missingPhone: Finding = { check: 'ad-rules', severity: 'warning', rule: 'contact-missing', message: 'contact.phone is missing — …' };
const noPrefix: Finding = { check: 'ad-rules', severity: 'error', message: 'an advertisement\'s subject must begin with "(광고)"' };
const placeholder: Finding = { check: 'links', severity: 'error', message: 'a placeholder link' };
const partial: Finding = { check: 'clients', severity: 'warning', message: 'partly supported' };

describe('sendVerdict', () => {
  it('refuses a Resend send of an advertisement missing a contact field, and only warns of it for the outbox', () => {
    expect(sendVerdict([missingPhone], 'resend')).toEqual({ blocking: [missingPhone], warnings: [] });
    expect(sendVerdict([missingPhone], 'outbox')).toEqual({ blocking: [], warnings: [missingPhone] });
  });

  it('refuses the law\'s errors on every transport and shows the other errors as warnings', () => {
    for (const transport of ['resend', 'outbox'] as const) {
      expect(sendVerdict([noPrefix, placeholder, partial], transport)).toEqual({ blocking: [noPrefix], warnings: [placeholder] });
    }
  });
});
