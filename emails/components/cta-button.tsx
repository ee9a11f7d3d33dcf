import type { CSSProperties } from 'react';
import { theme } from '../theme.ts';

/**
 * A bulletproof button: the colour sits on the table cell (`bgcolor`), the padding on
 * both the cell (`mso-padding-alt`, for Outlook's Word engine, which ignores padding on
 * <a>) and the link (for every other client, so the whole button is clickable).
 * React Email's <Button> loses its padding or colour in Outlook 2016/2019
 * (https://github.com/resend/react-email/issues/1813, /2373).
 */
export function CtaButton({ label, url }: { label: string; url: string }) {
  return (
    <table role="presentation" cellPadding={0} cellSpacing={0} border={0} align="center" style={{ margin: '8px auto 24px' }}>
      <tbody>
        <tr>
          <td
            align="center"
            {...{ bgcolor: theme.light.accent } /* not in React's types; passed through as an attribute */}
            className="nl-button"
            style={{ borderRadius: '6px', backgroundColor: theme.light.accent, msoPaddingAlt: '14px 30px' } as CSSProperties}
          >
            <a
              href={url}
              target="_blank"
              style={{
                display: 'inline-block',
                padding: '14px 30px',
                fontFamily: theme.font,
                fontSize: '16px',
                lineHeight: 1.2,
                fontWeight: 700,
                color: theme.light.accentText,
                textDecoration: 'none',
                borderRadius: '6px',
                wordBreak: 'keep-all',
              }}
            >
              {label}
            </a>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
