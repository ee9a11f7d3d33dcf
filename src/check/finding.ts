/** Which check produced a finding; the preview's checks panel groups by it. */
export type CheckName = 'schema' | 'ad-rules' | 'links' | 'images' | 'merge-slots' | 'size' | 'clients' | 'accessibility' | 'spam';

/**
 * `error`: the edition must not be sent as it is (`newsletter check` exits 1).
 * `warning`: worth a look; sending is allowed. `info`: context, such as partial support.
 */
export type Severity = 'error' | 'warning' | 'info';

/** One feature of the caniemail data that some of the checked clients lack, with who lacks it. */
export interface ClientSupport {
  /** caniemail's title, such as "Attribute selector" or "<style> element". */
  feature: string;
  /** Its caniemail page, when known. */
  url?: string;
  /** Clients with no support, as people say them: "Gmail (Android)", "Outlook (Windows)". */
  unsupported: string[];
  /** Clients with partial support. */
  partial: string[];
  /** caniemail's notes on the partial support, each with the clients it is about. */
  notes: string[];
  /** How often the email uses the feature. */
  occurrences: number;
}

export interface Finding {
  check: CheckName;
  severity: Severity;
  /** What is wrong and what to do about it. */
  message: string;
  /** `file:line` when the problem can be traced to a line of the edition. */
  where?: string;
  /** The rule within the check, such as `axe/color-contrast` or `emc/body-lang`; the preview groups by it. */
  rule?: string;
  /** The rule's explanation (axe's Deque page, WCAG's Understanding page, SpamAssassin's rule). */
  url?: string;
  /** Only on `clients` findings. */
  support?: ClientSupport;
}

export interface CheckReport {
  findings: Finding[];
  errors: number;
  warnings: number;
}

/** Counts and orders findings: errors first, then warnings, then info; stable within each. */
export function toReport(findings: Finding[]): CheckReport {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  const sorted = findings
    .map((finding, i) => ({ finding, i }))
    .sort((a, b) => rank[a.finding.severity] - rank[b.finding.severity] || a.i - b.i)
    .map((x) => x.finding);
  return {
    findings: sorted,
    errors: sorted.filter((f) => f.severity === 'error').length,
    warnings: sorted.filter((f) => f.severity === 'warning').length,
  };
}
