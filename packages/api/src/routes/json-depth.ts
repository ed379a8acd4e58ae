/**
 * The deepest nesting a request body may have. Far more than any chat request or tool schema
 * needs, far less than the ~5,000 levels at which recursive code (`JSON.stringify`, structured
 * clone, schema walkers) overflows the stack: a 4 MB body can nest a million levels deep.
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Whether `value` (parsed JSON) nests objects and arrays more than `maxDepth` levels deep. Walks
 * the value with an explicit stack, so the check itself cannot overflow; stops at the first
 * node past the limit.
 */
export function nestedDeeperThan(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > maxDepth) return true;
    const children = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ node: child, depth: depth + 1 });
  }
  return false;
}
