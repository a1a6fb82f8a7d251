// Offline-only harness around @cloud-copilot/iam-simulate (AGPL-3.0, devDependency only:
// index.ts, stacks/ and components/ never import offline/, so the deployed program never loads it).
//
// How the library is used:
// - runSimulation() validates the policies, the action and the resource ARN against its
//   bundled IAM data, drops context keys that do not apply to the action (it reports
//   them as `ignoredContextKeys`), then evaluates. Validation problems come back as
//   resultType "error"; we throw them instead of calling them a denial.
// - The per-service authorizers it picks inside runSimulation carry the account rules:
//   the default one allows a same-account request if identity OR resource policy allows
//   and a cross-account request only if both do; the KMS one demands that the key policy
//   allow the principal or its account root even within one account; the STS one demands
//   that the trust policy allow the principal or its account root. A service principal
//   (".amazonaws.com") is allowed only by a resource policy naming it.
// - The library derives the principal's and resource's accounts from the principal ARN
//   and from `resource.accountId` (never from the resource ARN), and fills in no
//   context keys at all.
// What this file adds: principal-derived context keys, the resource account, refusal of
// inputs the library would quietly misjudge, and a check that no condition of an
// applicable statement was decided by a context key nobody supplied.
import * as path from "path";
import { createValidatedPolicy, validateIdentityPolicy, validateResourcePolicy, type ValidatedPolicy } from "@cloud-copilot/iam-policy";
import { runSimulation, type RequestAnalysis, type SingleResourceSimulationResult } from "@cloud-copilot/iam-simulate";

/** Each library function replaced below, with its faster equivalent: `asPublished` puts the originals back. */
const replaced: { exports: Record<string, unknown>; name: string; original: unknown; faster: unknown }[] = [];
/** Whether a document's validation is reused across requests (see `validated`). */
let reuseValidation = true;

/** Marks a replacement with the library's own function, in case this file is loaded again (mocha's watch mode, StrykerJS). */
const LIBRARY_OWN = Symbol.for("cross-account-pipeline.simulator.libraryOwn");

/**
 * Replaces a function the libraries call through their module's exports with an equivalent
 * faster one (see below). Their versions are pinned; a changed layout fails here instead of
 * going slow unnoticed. A second load of this file replaces the library's own function again
 * instead of wrapping the first load's replacement.
 */
function replaceInternal<F extends (...args: any[]) => any>(pkg: string, file: string, name: string, faster: (original: F) => F): void {
  const location = path.join(path.dirname(require.resolve(pkg)), file);
  const exports = require(location) as Record<string, F & { [LIBRARY_OWN]?: F }>;
  if (typeof exports[name] !== "function") {
    throw new Error(`${location} no longer exports ${name}: update offline/access/simulator.ts`);
  }
  const original = exports[name][LIBRARY_OWN] ?? exports[name];
  const replacement = Object.assign(faster(original), { [LIBRARY_OWN]: original });
  replaced.push({ exports, name, original, faster: exports[name] = replacement });
}

/** Each library function replaced below, where its module exports it (the tests check what `asPublished` puts there). */
export const replacedFunctions = () => replaced.map(({ exports, name }) => ({ exports, name }));

/**
 * Runs `work` on the libraries as published: their own functions, and every policy validated on
 * every request. The tests check that the access table is decided alike both ways.
 */
export async function asPublished<T>(work: () => Promise<T>): Promise<T> {
  replaced.forEach(r => { r.exports[r.name] = r.original; });
  reuseValidation = false;
  try {
    return await work();
  } finally {
    replaced.forEach(r => { r.exports[r.name] = r.faster; });
    reuseValidation = true;
  }
}

/** `compute`, answering each question (as `keyOf` names it) once per process and the same way after. */
function answeredOnce<F extends (...args: any[]) => any>(compute: F, keyOf: (...args: Parameters<F>) => string): F {
  const answers = new Map<string, ReturnType<F>>();
  return ((...args: Parameters<F>) => {
    const key = keyOf(...args);
    if (!answers.has(key)) {
      answers.set(key, compute(...args));
    }
    return answers.get(key);
  }) as F;
}

// iam-simulate works out which of an action's resource types a request's resource is twice per
// request (to pick the type, then its context keys), each time matching the ARN against every
// type's pattern with an automaton that compares character by character: a third of the
// simulator's time in a plan, for a few distinct (action, resource) pairs. The answer depends on
// nothing else, so each pair is computed once per process.
replaceInternal<(service: string, action: string, resource: string) => Promise<unknown[]>>(
  "@cloud-copilot/iam-simulate", "simulation_engine/resourceTypes.js", "getResourceTypesForAction",
  compute => answeredOnce(compute, (service, action, resource) => `${service}:${action} ${resource}`));

// Its answer is a choice among the action's resource-type patterns, made by matching the resource
// against each with that automaton: actions of one resource type on one resource (s3:GetObject and
// s3:PutObject on an artifact) ask the same question, answered once.
replaceInternal<(resource: string, patterns: string[]) => string[]>(
  "@cloud-copilot/iam-utils", "resourceTypes.js", "mostSpecificMatchingResourceTypePatterns",
  compute => answeredOnce(compute, (resource, patterns) => [resource, ...patterns].join(" ")));

// iam-policy compares condition operators case-insensitively with `localeCompare(a, b, undefined,
// options)`, which builds a collator on every call (V8 caches one only without options): several
// thousand per plan. `localeCompare` is specified as comparing with `new Intl.Collator(locales,
// options)`, so one collator built alike gives the same answers.
const accentOnly = new Intl.Collator(undefined, { sensitivity: "accent" });
replaceInternal<(a: string, b: string) => boolean>("@cloud-copilot/iam-policy", "utils.js", "caseInsensitiveEquals",
  () => (first, second) => accentOnly.compare(first, second) === 0);
replaceInternal<(value: string, suffix: string) => boolean>("@cloud-copilot/iam-policy", "utils.js", "caseInsensitiveEndsWith",
  () => (value, suffix) => accentOnly.compare(value.slice(suffix.length * -1), suffix) === 0);

export type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

type OneOrMany<T> = T | T[];
type PrincipalElement =
  | "*"
  | { AWS: OneOrMany<string> }
  | { Service: OneOrMany<string> }
  | { Federated: OneOrMany<string> };

// Plain (already resolved) form of aws.iam.PolicyDocument: the Pulumi type admits
// Outputs and Promises, which cannot be evaluated here. The tests check assignability.
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: PrincipalElement;
  NotPrincipal?: PrincipalElement;
  Action?: OneOrMany<string>;
  NotAction?: OneOrMany<string>;
  Resource?: OneOrMany<string>;
  NotResource?: OneOrMany<string>;
  Condition?: Record<string, Record<string, OneOrMany<string | boolean | number>>>;
}

export interface PolicyDocument {
  Version: "2012-10-17" | "2008-10-17";
  Id?: string;
  Statement: PolicyStatement[];
}

/** A document, or its JSON text as Pulumi resources hold it (`policy`, `assumeRolePolicy`). */
export type PolicyInput = PolicyDocument | string;

export interface AccessRequest {
  /** IAM role/user ARN, account root ARN, or a service principal like "codepipeline.amazonaws.com". */
  principal: string;
  action: string;
  resource: string;
  /** Owner of the resource; required when the ARN has no account (S3). */
  resourceAccount?: string;
  /** Extra request context; wins over the keys derived from the principal. */
  context?: Record<string, string | string[]>;
  /** Keys the caller asserts are absent from the real request, so AWS's missing-key rules apply to them. */
  absentContextKeys?: string[];
  identityPolicies: PolicyInput[];
  /** Bucket, key, repository or role trust policy. */
  resourcePolicy?: PolicyInput;
}

export interface AccessResult {
  decision: Decision;
  raw: SingleResourceSimulationResult;
}

// The patterns are written where they are read (not as module constants) so that StrykerJS tests
// them as the code of a request, not as code that runs once when the module loads.
function principalContext(principal: string): { account?: string; context: Record<string, string> } {
  if (/^[a-z0-9][a-z0-9.-]*\.amazonaws\.com$/.test(principal)) {
    return {
      context: { "aws:PrincipalServiceName": principal, "aws:PrincipalIsAWSService": "true" },
    };
  }
  const match = /^arn:aws[a-z-]*:iam::(\d{12}):(?:root|role\/.+|user\/.+)$/.exec(principal);
  if (!match) {
    // The library treats an unrecognised string as a principal that matches nothing,
    // which reads as a plausible ImplicitlyDenied. Session ARNs are refused too: their
    // aws:PrincipalArn is the role ARN, which cannot be rebuilt when the role has a path.
    throw new Error(
      `principal ${JSON.stringify(principal)}: expected an IAM role/user/root ARN or a service principal`,
    );
  }
  const account = match[1];
  return {
    account,
    context: {
      "aws:PrincipalArn": principal,
      "aws:PrincipalAccount": account,
      "aws:PrincipalIsAWSService": "false",
    },
  };
}

function resourceAccountOf(req: AccessRequest): string {
  const parts = req.resource.split(":");
  const fromArn = parts[0] === "arn" && parts.length >= 6 && parts[4] ? parts[4] : undefined;
  // The library believes `accountId` even when the ARN names another account.
  if (fromArn && req.resourceAccount && fromArn !== req.resourceAccount) {
    throw new Error(`resource ${req.resource} is in ${fromArn}, not resourceAccount ${req.resourceAccount}`);
  }
  const account = fromArn ?? req.resourceAccount;
  if (!account) {
    throw new Error(`resource ${req.resource} carries no account: set resourceAccount`);
  }
  return account;
}

function requireResourcePolicyWhereAwsAlwaysHasOne(req: AccessRequest): void {
  if (req.resourcePolicy) return;
  // With no trust policy the library lets a same-account identity policy alone allow
  // sts:AssumeRole; every real role has one, so a missing one is a caller mistake.
  if (/^sts:/i.test(req.action) && /^arn:[^:]+:iam::\d{12}:role\//.test(req.resource)) {
    throw new Error(`${req.action} on ${req.resource} needs the role's trust policy as resourcePolicy`);
  }
  if (/^arn:[^:]+:kms:[^:]*:\d{12}:key\//.test(req.resource)) {
    throw new Error(`${req.action} on ${req.resource} needs the key policy as resourcePolicy`);
  }
}

type Validate = typeof validateIdentityPolicy;
const validations = new Map<Validate, WeakMap<object, ValidatedPolicy>>();

/**
 * The library validates every policy of every request before it simulates: a plan asks a few
 * hundred requests about a few dozen documents. A document given as an object is validated once
 * per kind of use and its errors reused (the library's ValidatedPolicy); documents are values
 * here: a changed policy is a new object (the access tests swap documents, never edit them).
 * Text is parsed and validated on each request.
 */
function validated(policy: PolicyInput, validate: Validate): unknown {
  if (typeof policy === "string") {
    return JSON.parse(policy);
  }
  if (!reuseValidation) {
    return policy;
  }
  const known = validations.get(validate) ?? new WeakMap<object, ValidatedPolicy>();
  validations.set(validate, known);
  let result = known.get(policy);
  if (!result) {
    result = createValidatedPolicy(policy, validate);
    known.set(policy, result);
  }
  return result;
}

// Keys read by a condition of a statement that otherwise applies (action, resource and
// principal match) but were not in the evaluated context. Without this a Deny on
// `Bool aws:SecureTransport false` quietly does not apply when the key is left out.
// `Null` conditions set neither flag: testing presence is their purpose.
function missingConditionKeys(analysis: RequestAnalysis): Set<string> {
  const keys = new Set<string>();
  for (const part of [analysis.identityAnalysis, analysis.resourceAnalysis]) {
    if (!part) continue;
    const statements = [...part.allowStatements, ...part.denyStatements, ...part.unmatchedStatements];
    for (const { explain } of statements) {
      if (!explain.actionMatch || !explain.resourceMatch || explain.principalMatch === "NoMatch") continue;
      for (const c of explain.conditions ?? []) {
        if (c.failedBecauseMissing || c.matchedBecauseMissing) keys.add(c.conditionKeyValue);
      }
    }
  }
  return keys;
}

export async function evaluate(req: AccessRequest): Promise<AccessResult> {
  const { account: principalAccount, context: derived } = principalContext(req.principal);
  if (!principalAccount && req.identityPolicies.length > 0) {
    // The library ignores identity policies for service principals; passing some means
    // the caller expects them to count.
    throw new Error(`service principal ${req.principal} has no identity policies`);
  }
  requireResourcePolicyWhereAwsAlwaysHasOne(req);

  const raw = await runSimulation(
    {
      request: {
        principal: req.principal,
        action: req.action,
        resource: { resource: req.resource, accountId: resourceAccountOf(req) },
        contextVariables: { ...derived, ...req.context },
      },
      identityPolicies: req.identityPolicies.map((policy, i) => ({ name: `identity-${i}`, policy: validated(policy, validateIdentityPolicy) })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: req.resourcePolicy === undefined ? undefined : validated(req.resourcePolicy, validateResourcePolicy),
    },
    // The library's default, stated: a request is decided by what it supplies, never by what it might.
    { simulationMode: "Strict" },
  );
  if (raw.resultType === "error") {
    throw new Error(`iam-simulate rejected the request: ${JSON.stringify(raw.errors)}`);
  }
  if (raw.resultType === "wildcard") {
    // For a "*" in the resource the library answers Allowed when any narrower pattern
    // found in the policies is allowed, which is not a decision about one request.
    throw new Error(`resource ${req.resource}: use a concrete resource ("*" only for actions that take no resource)`);
  }

  const absent = new Set((req.absentContextKeys ?? []).map((k) => k.toLowerCase()));
  const missing = [...missingConditionKeys(raw.result.analysis)].filter((k) => !absent.has(k.toLowerCase()));
  if (missing.length > 0) {
    const dropped = raw.result.ignoredContextKeys ?? [];
    throw new Error(
      `${req.action} on ${req.resource}: conditions read context keys not supplied: ${missing.join(", ")}` +
        (dropped.length ? ` (dropped by iam-simulate as not applicable to the action: ${dropped.join(", ")})` : "") +
        "; supply them in context or list them in absentContextKeys",
    );
  }
  return { decision: raw.overallResult, raw };
}
