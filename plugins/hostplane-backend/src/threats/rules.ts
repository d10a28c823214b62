import { Environment } from '@marcbachmann/cel-js';
import {
  MitreTechnique,
  RESPONSE_ACTION_KINDS,
  ResponseActionKind,
  THREAT_PRIORITIES,
  THREAT_SUBJECT_KINDS,
  ThreatPriority,
  mitreTechniqueSchema,
  threatPrioritySchema,
} from '@hostplane/plugin-hostplane-common';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { EMPTY_FACTS } from './facts';
import { EMPTY_ANOMALY } from './baseline';
import type { AuditFacts } from './facts';
import type { AnomalySignals } from './baseline';

/** The repo's rule files: `threat-rules/*.yaml` beside `src`, shipped in the package. */
export const builtinRulesDirectory = resolvePackagePath(
  '@hostplane/plugin-hostplane-backend',
  'threat-rules',
);

/** What a rule's `response` may name: every action but applying a person's suggested manifest. */
export const RULE_RESPONSE_KINDS = RESPONSE_ACTION_KINDS.filter(
  (kind): kind is Exclude<ResponseActionKind, 'applyManifest'> =>
    kind !== 'applyManifest',
);
export type RuleResponseKind = (typeof RULE_RESPONSE_KINDS)[number];

const ruleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'a lower-case kebab-case id'),
  title: z.string().min(1),
  condition: z.string().min(1),
  priority: threatPrioritySchema,
  mitre: mitreTechniqueSchema,
  subject: z.enum(THREAT_SUBJECT_KINDS),
  description: z.string().min(1),
  remediation: z.string().min(1),
  /** CEL conditions under which the rule does not fire (known good behaviour). */
  exceptions: z.array(z.string()).optional(),
  /** The action a cluster whose response policy is `auto` takes on the rule's alerts. */
  response: z.enum(RULE_RESPONSE_KINDS).optional(),
});
export type RuleDefinition = z.output<typeof ruleSchema>;

const ruleFileSchema = z.strictObject({
  /** Named lists of strings, visible to every rule as `lists.<name>`. */
  lists: z.record(z.string(), z.array(z.string())).optional(),
  rules: z.array(z.unknown()).optional(),
});

/** What a rule condition and an exception are evaluated against. */
export interface RuleInput {
  ev: AuditFacts;
  anomaly: AnomalySignals;
  cluster: string;
}

type Condition = (input: RuleInput) => boolean;

export interface CompiledRule {
  id: string;
  title: string;
  priority: ThreatPriority;
  mitre: MitreTechnique;
  subject: RuleDefinition['subject'];
  description: string;
  remediation: string;
  response?: RuleResponseKind;
  /** Where the rule was defined: `file:line`, or `config` for a hub's own rule. */
  source: string;
  matches: Condition;
}

/** A rule that cannot be loaded, with the place that must change. */
export class RuleLoadError extends Error {
  constructor(readonly source: string, detail: string) {
    super(`${source}: ${detail}`);
    this.name = 'RuleLoadError';
  }
}

/** Exceptions added on top of a rule: a hub's config, or a false positive turned into one. */
export interface RuleException {
  ruleId: string;
  /** Only this cluster (`hub/name`); every cluster when absent. */
  cluster?: string;
  /** A CEL condition over `ev`, `anomaly` and `cluster`; the whole rule when absent. */
  condition?: string;
  reason: string;
  createdBy: string;
}

/** A hub's changes to the repo's rules (`hostplane.threats.rules` in app-config). */
export interface RuleOverrides {
  /** New rules, each with an id no other rule has. */
  add?: unknown[];
  /** Rules that take the place of the repo's rule with the same id. */
  replace?: unknown[];
  disable?: string[];
  exceptions?: RuleException[];
}

export interface RuleSet {
  rules: CompiledRule[];
  lists: Record<string, string[]>;
  /** Compiles a further exception against the same lists (refused if it does not compile). */
  compileException(exception: RuleException): Condition;
}

interface RawRule {
  value: unknown;
  source: string;
  /** Where each field sits, for errors about that field. */
  lineOf: (field: string) => string;
}

function newEnvironment(lists: Record<string, string[]>) {
  // Values are dynamic maps (audit events are free-form); `lists` is fixed per rule set.
  const env = new Environment({ unlistedVariablesAreDyn: true });
  env.registerConstant('lists', 'map', lists);
  return env;
}

interface AstNode {
  op: string;
  args: unknown;
}

function isAstNode(value: unknown): value is AstNode {
  return !!value && typeof value === 'object' && 'op' in value;
}

/**
 * The field paths a condition reads from the inputs, like `ev.pod.hostPaths`, that do not
 * exist. Values are dynamic, so the library cannot know; a short-circuited typo would otherwise
 * only fail on the event that reaches it.
 */
function unknownFields(ast: unknown, roots: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  const pathOf = (node: AstNode): string[] | undefined => {
    if (node.op === 'id' && typeof node.args === 'string') return [node.args];
    if (node.op === '.' && Array.isArray(node.args)) {
      const [target, field] = node.args;
      const base = isAstNode(target) ? pathOf(target) : undefined;
      return base && typeof field === 'string' ? [...base, field] : undefined;
    }
    return undefined;
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (!isAstNode(value)) return;
    if (value.op === '.') {
      const path = pathOf(value);
      if (path && path[0] in roots) {
        let current: unknown = roots;
        for (const [index, field] of path.entries()) {
          if (
            !current ||
            typeof current !== 'object' ||
            Array.isArray(current) ||
            !(field in current)
          ) {
            unknown.push(path.slice(0, index + 1).join('.'));
            return;
          }
          current = (current as Record<string, unknown>)[field];
        }
        return;
      }
    }
    visit(value.args);
  };
  visit(ast);
  return unknown;
}

function compileCondition(
  env: Environment,
  expression: string,
  source: string,
  lists: Record<string, string[]>,
): Condition {
  let evaluate: (input: RuleInput) => unknown;
  try {
    const parsed = env.parse(expression);
    evaluate = input => parsed(input as unknown as Record<string, unknown>);
    const missing = unknownFields(parsed.ast, {
      ev: EMPTY_FACTS,
      anomaly: EMPTY_ANOMALY,
      lists,
      cluster: '',
    });
    if (missing.length) {
      throw new Error(`no such field: ${missing.join(', ')}`);
    }
  } catch (error) {
    throw new RuleLoadError(source, `condition: ${(error as Error).message}`);
  }
  // Every fact is present on every event, so a condition that fails on the empty event refers
  // to something that does not exist or compares the wrong types.
  let sample: unknown;
  try {
    sample = evaluate({ ev: EMPTY_FACTS, anomaly: EMPTY_ANOMALY, cluster: '' });
  } catch (error) {
    throw new RuleLoadError(source, `condition: ${(error as Error).message}`);
  }
  if (typeof sample !== 'boolean') {
    throw new RuleLoadError(
      source,
      `condition must be a boolean, it is ${typeof sample}`,
    );
  }
  return input => evaluate(input) === true;
}

function readRuleFile(path: string, text: string) {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOfNode = (node: YamlNode | null | undefined) =>
    node?.range ? `${path}:${lineCounter.linePos(node.range[0]).line}` : path;
  if (doc.errors.length) {
    const error = doc.errors[0];
    throw new RuleLoadError(
      `${path}:${lineCounter.linePos(error.pos[0]).line}`,
      error.message,
    );
  }
  const parsed = ruleFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new RuleLoadError(path, z.prettifyError(parsed.error));
  }
  const rulesNode = isMap(doc.contents)
    ? doc.contents.get('rules', true)
    : null;
  const rules: RawRule[] = (parsed.data.rules ?? []).map((value, index) => {
    const node = isSeq(rulesNode) ? rulesNode.items[index] : undefined;
    return {
      value,
      source: lineOfNode(node as YamlNode),
      lineOf: field =>
        lineOfNode(
          (isMap(node) && (node.get(field, true) as YamlNode)) ||
            (node as YamlNode),
        ),
    };
  });
  return { lists: parsed.data.lists ?? {}, rules };
}

function compileRule(
  env: Environment,
  lists: Record<string, string[]>,
  raw: RawRule,
): CompiledRule {
  const parsed = ruleSchema.safeParse(raw.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = String(issue.path[0] ?? '');
    throw new RuleLoadError(
      field ? raw.lineOf(field) : raw.source,
      z.prettifyError(parsed.error),
    );
  }
  const rule = parsed.data;
  const matches = compileCondition(
    env,
    rule.condition,
    raw.lineOf('condition'),
    lists,
  );
  const exceptions = (rule.exceptions ?? []).map(e =>
    compileCondition(env, e, raw.lineOf('exceptions'), lists),
  );
  return {
    id: rule.id,
    title: rule.title,
    priority: rule.priority,
    mitre: rule.mitre,
    subject: rule.subject,
    description: rule.description,
    remediation: rule.remediation,
    ...(rule.response ? { response: rule.response } : {}),
    source: raw.source,
    matches: exceptions.length
      ? input => matches(input) && !exceptions.some(e => e(input))
      : matches,
  };
}

function rulesFromFiles(directory: string) {
  const files = readdirSync(directory)
    .filter(f => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const lists: Record<string, string[]> = {};
  const rules: RawRule[] = [];
  for (const file of files) {
    const path = join(directory, file);
    const content = readRuleFile(path, readFileSync(path, 'utf8'));
    for (const [name, values] of Object.entries(content.lists)) {
      lists[name] = [...(lists[name] ?? []), ...values];
    }
    rules.push(...content.rules);
  }
  return { lists, rules };
}

/**
 * Loads the rules of a directory with a hub's overrides and compiles every condition once.
 * A rule that does not validate or compile is refused with its file and line.
 */
export function loadRuleSet(options: {
  directory?: string;
  /** Rule files given as text, e.g. by tests: name to YAML. */
  files?: Record<string, string>;
  overrides?: RuleOverrides;
}): RuleSet {
  const fromDirectory = options.directory
    ? rulesFromFiles(options.directory)
    : { lists: {}, rules: [] };
  const lists = { ...fromDirectory.lists };
  const raws = [...fromDirectory.rules];
  for (const [name, text] of Object.entries(options.files ?? {})) {
    const content = readRuleFile(name, text);
    for (const [list, values] of Object.entries(content.lists)) {
      lists[list] = [...(lists[list] ?? []), ...values];
    }
    raws.push(...content.rules);
  }
  const env = newEnvironment(lists);
  const overrides = options.overrides ?? {};

  const byId = new Map<string, CompiledRule>();
  for (const raw of raws) {
    const rule = compileRule(env, lists, raw);
    if (byId.has(rule.id)) {
      throw new RuleLoadError(
        raw.source,
        `rule '${rule.id}' is defined twice (also at ${
          byId.get(rule.id)!.source
        })`,
      );
    }
    byId.set(rule.id, rule);
  }
  const fromConfig = (kind: string, index: number): RawRule => ({
    value: undefined,
    source: `config hostplane.threats.rules.${kind}[${index}]`,
    lineOf: field =>
      `config hostplane.threats.rules.${kind}[${index}].${field}`,
  });
  (overrides.replace ?? []).forEach((value, index) => {
    const rule = compileRule(env, lists, {
      ...fromConfig('replace', index),
      value,
    });
    if (!byId.has(rule.id)) {
      throw new RuleLoadError(
        `config hostplane.threats.rules.replace[${index}]`,
        `there is no rule '${rule.id}' to replace`,
      );
    }
    byId.set(rule.id, rule);
  });
  (overrides.add ?? []).forEach((value, index) => {
    const rule = compileRule(env, lists, {
      ...fromConfig('add', index),
      value,
    });
    if (byId.has(rule.id)) {
      throw new RuleLoadError(
        `config hostplane.threats.rules.add[${index}]`,
        `rule '${rule.id}' exists already (at ${
          byId.get(rule.id)!.source
        }); use replace`,
      );
    }
    byId.set(rule.id, rule);
  });
  for (const id of overrides.disable ?? []) {
    if (!byId.delete(id)) {
      throw new RuleLoadError(
        'config hostplane.threats.rules.disable',
        `there is no rule '${id}' to disable`,
      );
    }
  }

  const compileException = (exception: RuleException): Condition => {
    const source = `exception to '${exception.ruleId}'`;
    const condition = exception.condition
      ? compileCondition(env, exception.condition, source, lists)
      : () => true;
    return input =>
      (exception.cluster === undefined ||
        exception.cluster === input.cluster) &&
      condition(input);
  };
  const exceptionsByRule = new Map<string, Condition[]>();
  for (const exception of overrides.exceptions ?? []) {
    if (!byId.has(exception.ruleId)) {
      throw new RuleLoadError(
        'config hostplane.threats.rules.exceptions',
        `there is no rule '${exception.ruleId}' for an exception`,
      );
    }
    const list = exceptionsByRule.get(exception.ruleId) ?? [];
    list.push(compileException(exception));
    exceptionsByRule.set(exception.ruleId, list);
  }
  const rules = [...byId.values()].map(rule => {
    const exceptions = exceptionsByRule.get(rule.id);
    if (!exceptions) return rule;
    const { matches } = rule;
    return {
      ...rule,
      matches: (input: RuleInput) =>
        matches(input) && !exceptions.some(e => e(input)),
    };
  });
  return { rules, lists, compileException };
}

/** Priorities as numbers, lowest first. */
export function priorityRank(priority: ThreatPriority): number {
  return THREAT_PRIORITIES.indexOf(priority);
}
