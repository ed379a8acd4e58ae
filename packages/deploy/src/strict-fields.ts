import { isData } from './repository.ts';
import { modelFiles } from './kubernetes-models.ts';
import { resolveReference, type TypeNode } from './type-declarations.ts';

/**
 * Fields of an object that its kind does not have, as paths (`spec.template.spec.containers[0].resorces`).
 * The API server drops or rejects such fields (kubectl's strict field validation), and the
 * schema check in `kubernetes-models.ts` lets them through, so a typo would silently lose a
 * probe, a limit or a security setting.
 */
export function unknownFields(object: Record<string, unknown>): string[] {
  const { declarations } = modelFiles(String(object.apiVersion), String(object.kind));
  return check(object, resolveReference(`I${String(object.kind)}`, declarations), '');
}

function check(value: unknown, node: TypeNode, path: string): string[] {
  switch (node.type) {
    case 'open':
      return [];
    case 'reference':
      return check(value, resolveReference(node.name, node.file), path);
    case 'array':
      return Array.isArray(value) ? value.flatMap((element, index) => check(element, node.element, `${path}[${index}]`)) : [];
    case 'union': {
      // The option that fits best: none of its problems if any option fits.
      const results = node.options.map((option) => check(value, option, path));
      return results.reduce((best, result) => (result.length < best.length ? result : best));
    }
    case 'object': {
      if (!isData(value)) return [];
      return Object.entries(value).flatMap(([key, child]) => {
        const childPath = path === '' ? key : `${path}.${key}`;
        const member = memberOf(node, key);
        if (member) return check(child, member, childPath);
        return [childPath];
      });
    }
  }
}

/** A member's type, looking into base types and the index signature; undefined when unknown. */
function memberOf(node: Extract<TypeNode, { type: 'object' }>, key: string): TypeNode | undefined {
  const own = node.members.get(key);
  if (own) return own;
  for (const base of node.bases) {
    const resolved = base.type === 'reference' ? resolveReference(base.name, base.file) : base;
    if (resolved.type === 'open') return resolved;
    if (resolved.type === 'object') {
      const inherited = memberOf(resolved, key);
      if (inherited) return inherited;
    }
  }
  return node.index;
}
