// React Email's components, from their own packages (the same versions that
// @react-email/components 1.0.12 bundles). The barrel also loads Prism, Tailwind and the
// Markdown renderer, which we never use: ~700 ms and ~33 MB at every start of the CLI and
// of the preview server.
export { Body } from '@react-email/body';
export { Container } from '@react-email/container';
export { Head } from '@react-email/head';
export { Heading } from '@react-email/heading';
export { Hr } from '@react-email/hr';
export { Html } from '@react-email/html';
export { Img } from '@react-email/img';
export { Link } from '@react-email/link';
export { Preview } from '@react-email/preview';
export { Section } from '@react-email/section';
export { Text } from '@react-email/text';
