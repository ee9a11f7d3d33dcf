const KOREAN_ORDINALS = ['첫', '두', '세', '네', '다섯', '여섯', '일곱', '여덟', '아홉', '열'];

/** 1 → "첫 번째 이슈", 4 → "네 번째 이슈", 11 → "11번째 이슈". */
export function issueLabel(n: number): string {
  const word = KOREAN_ORDINALS[n - 1];
  return word ? `${word} 번째 이슈` : `${n}번째 이슈`;
}
