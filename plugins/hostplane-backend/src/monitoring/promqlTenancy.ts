import { parser } from '@prometheus-io/lezer-promql';

/** A node of the parsed query (the grammar's own tree type, from its parser). */
type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A query that cannot be confined to one tenant's series, with the reason. */
export class UnenforceableQueryError extends Error {
  constructor(reason: string) {
    super(`The query cannot be limited to this cluster's series: ${reason}`);
    this.name = 'UnenforceableQueryError';
  }
}

/**
 * Functions that read series the query does not select: Prometheus' `info()` joins in info
 * series found by their own lookup, past any matcher a selector carries.
 */
const IMPLICIT_SELECTION = new Set(['Info']);

/** The children of a selector's `{...}` that are matchers (a quoted name alone is the metric). */
const MATCHER_NODES = new Set([
  'UnquotedLabelMatcher',
  'QuotedLabelMatcher',
  'QuotedLabelName',
]);

/**
 * Rewrites a PromQL expression so that every series selector in it (instant, range, inside
 * subqueries, functions, aggregations and both sides of every binary operator) also carries
 * `matchers`: whatever the query asks for, it reads only series with those labels. Matchers are
 * ANDed, so a selector's own matcher on the same label can narrow, never widen, what it reads.
 * Works on the syntax tree of Prometheus' own grammar; a query that does not parse, or that uses
 * a function that selects series by itself, is refused.
 */
export function enforceMatchers(
  query: string,
  matchers: Record<string, string>,
): string {
  const tree = parser.parse(query);
  const selectors: SyntaxNode[] = [];
  let problem: string | undefined;
  tree.iterate({
    enter: ref => {
      if (problem) return false;
      if (ref.type.isError) {
        problem = `it does not parse (at character ${ref.from + 1})`;
      } else if (IMPLICIT_SELECTION.has(ref.name)) {
        problem = `${query.slice(ref.from, ref.to)}() selects series by itself`;
      } else if (ref.name === 'VectorSelector') {
        selectors.push(ref.node);
      }
      return undefined;
    },
  });
  if (problem) throw new UnenforceableQueryError(problem);
  const enforced = Object.entries(matchers).map(
    ([label, value]) => `${label}=${JSON.stringify(value)}`,
  );
  let rewritten = query;
  // From the end, so the offsets of the selectors not yet rewritten stay right.
  for (const selector of [...selectors].sort((a, b) => b.from - a.from)) {
    rewritten =
      rewritten.slice(0, selector.from) +
      rewriteSelector(query, selector, enforced) +
      rewritten.slice(selector.to);
  }
  return rewritten;
}

function rewriteSelector(
  query: string,
  selector: SyntaxNode,
  enforced: string[],
): string {
  const text = (node: SyntaxNode) => query.slice(node.from, node.to);
  const name = selector.getChild('Identifier');
  const matchers = selector.getChild('LabelMatchers');
  const own: string[] = [];
  for (let child = matchers?.firstChild; child; child = child.nextSibling) {
    if (MATCHER_NODES.has(child.name)) own.push(text(child));
  }
  return `${name ? text(name) : ''}{${[...own, ...enforced].join(', ')}}`;
}
