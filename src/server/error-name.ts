import { maskAddress } from '../subscribers/mask-address.ts';

/**
 * The error's class, code and message for the log, with anything shaped like an address
 * masked (a store error can quote one) and the length bounded.
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const message = error.message.slice(0, 300).replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, (a) => maskAddress(a));
  return `${error.name}${typeof code === 'string' ? `:${code}` : ''}: ${message}`;
}
