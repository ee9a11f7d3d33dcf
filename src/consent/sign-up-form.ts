import { emailSchema, nameSchema } from '../subscribers/schema.ts';

export interface SignUpValues {
  email: string;
  name: string | undefined;
}

/** What the form's page shows next to a field, Korean and English. */
export interface FormProblem {
  field: 'email' | 'name' | 'consent';
  ko: string;
  en: string;
}

/**
 * Validates a posted sign-up form (`email`, optional `name`, `consent=yes`). Everything
 * a form can carry is treated as hostile: repeated fields, overlong values, control
 * characters, a consent value other than the checkbox's. The ticked checkbox is the
 * consent (§50①: explicit); without it nothing is recorded.
 */
export function parseSignUpForm(form: URLSearchParams): { ok: true; values: SignUpValues } | { ok: false; problems: FormProblem[]; email: string; name: string } {
  const one = (key: string) => {
    const all = form.getAll(key);
    return all.length === 1 ? (all[0] ?? '') : all.length === 0 ? '' : undefined;
  };
  const rawEmail = one('email');
  const rawName = one('name');
  const consent = form.getAll('consent');
  const problems: FormProblem[] = [];
  const email = rawEmail === undefined ? undefined : emailSchema.safeParse(rawEmail.slice(0, 400));
  if (rawEmail === undefined || rawEmail.trim() === '') {
    problems.push({ field: 'email', ko: '이메일 주소를 입력해 주세요.', en: 'Enter your email address.' });
  } else if (!email?.success) {
    problems.push({ field: 'email', ko: '이메일 주소 형식이 올바르지 않습니다. 예: name@example.com', en: 'That is not an email address we can send to, e.g. name@example.com.' });
  }
  const name = rawName === undefined ? undefined : nameSchema.safeParse(rawName.slice(0, 400));
  if (rawName === undefined || (name !== undefined && !name.success)) {
    problems.push({ field: 'name', ko: '이름은 100자 이내로 한 번만 입력해 주세요.', en: 'Enter your name once, in 100 characters or fewer.' });
  }
  if (!(consent.length === 1 && consent[0] === 'yes')) {
    problems.push({
      field: 'consent',
      ko: '광고성 정보 수신에 동의해 주셔야 구독할 수 있습니다. 동의란에 체크해 주세요.',
      en: 'To subscribe, tick the box to consent to receiving advertising information by email.',
    });
  }
  if (problems.length > 0 || !email?.success || !name?.success) {
    return { ok: false, problems, email: (rawEmail ?? '').slice(0, 254), name: (rawName ?? '').slice(0, 100) };
  }
  return { ok: true, values: { email: email.data, name: name.data === '' ? undefined : name.data } };
}
