import { Link } from './react-email.ts';
import type { Inline } from '../../src/content/schema.ts';
import { theme } from '../theme.ts';

/** Markdown inline content (text, bold, emphasis, code, links) as email-safe elements. */
export function InlineContent({ nodes }: { nodes: readonly Inline[] }) {
  return (
    <>
      {nodes.map((node, i) => {
        switch (node.type) {
          case 'text':
            return node.value;
          case 'strong':
            return (
              <strong key={i}>
                <InlineContent nodes={node.children} />
              </strong>
            );
          case 'emphasis':
            return (
              <em key={i}>
                <InlineContent nodes={node.children} />
              </em>
            );
          case 'code':
            return (
              <code key={i} style={{ fontFamily: 'Menlo,Consolas,monospace', fontSize: '0.92em' }}>
                {node.value}
              </code>
            );
          case 'break':
            return <br key={i} />;
          case 'link':
            return (
              <Link key={i} href={node.url} className="nl-link" style={{ color: theme.light.accent, textDecoration: 'underline' }}>
                <InlineContent nodes={node.children} />
              </Link>
            );
        }
      })}
    </>
  );
}
