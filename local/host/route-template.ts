/**
 * HTTP trigger route templates as the Functions host reads them (ASP.NET routing): literal segments
 * match case-insensitively, `{name}` one segment, `{name?}` an optional trailing segment,
 * `{name:int}`-style constraints, `{*rest}` the remainder of the path.
 */

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  double: '-?\\d+(?:\\.\\d+)?',
  float: '-?\\d+(?:\\.\\d+)?',
  decimal: '-?\\d+(?:\\.\\d+)?',
  bool: '(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])',
  alpha: '[A-Za-z]+',
  guid: '[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}',
};

export interface CompiledRoute {
  template: string;
  /** Literal segments count first when two routes match the same path. */
  literalSegments: number;
  match(pathname: string): Record<string, string> | undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface Parameter {
  name: string;
  optional: boolean;
  catchAll: boolean;
  pattern: string;
}

function parseParameter(body: string): Parameter {
  const catchAll = body.startsWith('*');
  const raw = catchAll ? body.slice(1) : body;
  const optional = raw.endsWith('?');
  const [name = '', ...constraints] = (optional ? raw.slice(0, -1) : raw).split(':');
  let pattern = catchAll ? '.*' : '[^/]+';
  for (const constraint of constraints) {
    const known = CONSTRAINTS[constraint.replace(/\(.*\)$/, '').toLowerCase()];
    if (known) pattern = known;
  }
  return { name, optional: optional || catchAll, catchAll, pattern };
}

/** `routePrefix` + `route` (or the function name) as a matcher over a URL path. */
export function compileRoute(prefix: string, route: string): CompiledRoute {
  const template = [prefix, route]
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/');
  const names: string[] = [];
  let source = '';
  let literalSegments = 0;
  for (const segment of template.split('/').filter(Boolean)) {
    const whole = /^\{([^{}]+)\}$/.exec(segment);
    if (whole?.[1] !== undefined) {
      const param = parseParameter(whole[1]);
      names.push(param.name);
      source += param.optional ? `(?:/(${param.pattern}))?` : `/(${param.pattern})`;
      continue;
    }
    literalSegments += 1;
    let segmentSource = '';
    for (const part of segment.split(/(\{[^{}]+\})/).filter(Boolean)) {
      if (part.startsWith('{')) {
        const param = parseParameter(part.slice(1, -1));
        names.push(param.name);
        segmentSource += `(${param.pattern.replace('[^/]+', '[^/]+?')})${param.optional ? '?' : ''}`;
      } else {
        segmentSource += escapeRegExp(part);
      }
    }
    source += `/${segmentSource}`;
  }
  const regex = new RegExp(`^${source}/?$`, 'i');
  return {
    template,
    literalSegments,
    match(pathname: string) {
      const found = regex.exec(pathname === '' ? '/' : pathname);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        const value = found[index + 1];
        if (value !== undefined) params[name] = safeDecode(value);
      });
      return params;
    },
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
