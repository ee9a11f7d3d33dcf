import { Img, Text } from './react-email.ts';
import type { Block, Inline } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';
import { InlineContent } from './inline-content.tsx';

const paragraph = {
  margin: '0 0 16px',
  fontSize: `${theme.size.body}px`,
  lineHeight: theme.size.line,
  color: theme.light.text,
  wordBreak: 'keep-all',
  overflowWrap: 'break-word',
} as const;

/** Paragraphs, bullet lists and images of a section, in order. */
export function Blocks({ blocks }: { blocks: readonly Block[] }) {
  return (
    <>
      {blocks.map((block, i) => {
        switch (block.type) {
          case 'paragraph':
            return (
              <Text key={i} className="nl-text" style={paragraph}>
                <InlineContent nodes={block.children} />
              </Text>
            );
          case 'list':
            return <List key={i} ordered={block.ordered} items={block.items} />;
          case 'image':
            return (
              <Img
                key={i}
                src={block.src}
                alt={block.alt}
                width={block.width}
                style={{ display: 'block', width: '100%', maxWidth: `${block.width}px`, height: 'auto', margin: '0 0 16px', border: 0 }}
              />
            );
        }
      })}
    </>
  );
}

/**
 * A list as a presentation table, not <ul>: Outlook's Word engine and Naver Mail indent
 * and space <ul> unpredictably, while a two-cell row renders the same everywhere.
 */
function List({ ordered, items }: { ordered: boolean; items: readonly (readonly Inline[])[] }) {
  return (
    <table role="presentation" width="100%" cellPadding={0} cellSpacing={0} border={0} style={{ margin: '0 0 16px' }}>
      <tbody>
        {items.map((item, i) => (
          <tr key={i}>
            <td
              className="nl-link"
              valign="top"
              width={22}
              style={{ width: '22px', color: theme.light.accent, fontSize: `${theme.size.body}px`, lineHeight: theme.size.line, fontWeight: 700 }}
            >
              {ordered ? `${i + 1}.` : '•'}
            </td>
            <td
              className="nl-text"
              style={{ ...paragraph, margin: 0, paddingBottom: '6px' }}
            >
              <InlineContent nodes={item} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
