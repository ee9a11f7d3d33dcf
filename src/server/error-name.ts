import { maskAddressesIn } from '../subscribers/mask-address.ts';

/**
 * The error's class, code and message for the log, with anything shaped like an address
 * masked (a store error can quote one) and the length bounded.
 */
export function errorName(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const message = maskAddressesIn(error.message.slice(0, 300));
  return `${error.name}${typeof code === 'string' ? `:${code}` : ''}: ${message}`;
}
