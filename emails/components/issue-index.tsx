import { Section, Text } from './react-email.ts';
import type { Section as EditionSection } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';

/** "이번 호에서는": the numbered list of the edition's issues, before the first one. */
export function IssueIndex({ sections }: { sections: readonly EditionSection[] }) {
  return (
    <Section className="nl-soft" style={{ backgroundColor: theme.light.soft, borderRadius: '8px', padding: '16px 20px', margin: '8px 0 28px' }}>
      <Text className="nl-muted" style={{ margin: '0 0 8px', fontSize: `${theme.size.small}px`, fontWeight: 700, color: theme.light.muted, letterSpacing: '0.4px' }}>
        {`이번 호에서 다룬 ${sections.length}가지`}
      </Text>
      <table role="presentation" width="100%" cellPadding={0} cellSpacing={0} border={0}>
        <tbody>
          {sections.map((section, i) => (
            <tr key={section.id}>
              <td valign="top" width={28} className="nl-link" style={{ width: '28px', fontSize: '15px', lineHeight: 1.6, fontWeight: 800, color: theme.light.accent }}>
                {String(i + 1).padStart(2, '0')}
              </td>
              <td className="nl-text" style={{ fontSize: '15px', lineHeight: 1.6, color: theme.light.text, wordBreak: 'keep-all', paddingBottom: '4px' }}>
                {section.heading}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}
