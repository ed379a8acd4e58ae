import { quotePrefix } from '../contracts/string-caps.ts';
import { GatewayError } from './gateway-error.ts';

/** `Invalid URL (POST /v1/foo)`, as OpenAI answers a path it does not serve; a long path is cut. */
function invalidUrl(method: string, path: string): string {
  return `Invalid URL (${quotePrefix(method)} ${quotePrefix(path, 256)})`;
}

/** 404 for a path nothing serves, in OpenAI's words (its body has no `code`). */
export function invalidUrlError(method: string, path: string): GatewayError {
  return new GatewayError('not_found', invalidUrl(method, path));
}

/**
 * 405 for a known path asked with a method it does not serve: OpenAI's words for an unknown URL,
 * and the methods the path takes (OpenAI itself answers 404).
 */
export function methodNotAllowedError(method: string, path: string, allowed: readonly string[]): GatewayError {
  return new GatewayError('method_not_allowed', `${invalidUrl(method, path)}: this path takes ${allowed.join(' or ')}.`);
}
