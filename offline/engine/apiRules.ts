// What AWS's APIs would refuse in what the program registers: each input of each AWS resource,
// as the member of the API request the provider sends (offline/engine/apiBindings.ts), against the
// traits of AWS's API models (stacks/apiModels.ts: length, pattern, range, enum, list and map
// sizes, required members); then the rules AWS documents and the models do not state
// (DOCUMENTED_RULES), each with its documentation link.
//
// Values are checked as registered. A value unknown when planning (a preview's unknown output)
// is skipped: what is known is checked, and the offline engine runs the program as an update, in
// which every value is known. Inputs of the awsx VPC's children never reach the engine (the VPC
// is one remote component offline), so no rule here sees them.
import { specialSigKey, unknownValue } from "@pulumi/pulumi/runtime/rpc";
import { APPROVAL_MESSAGE_MAX } from "../../components/CrossAccountPipeline";
import { ApiMember, apiMember, codePoints } from "../../stacks/apiModels";
import { MAX_ACTIONS_PER_STAGE, MAX_STAGES } from "../../stacks/config/releasePath";
import { LOG_RETENTION_DAYS } from "../../stacks/config/values";
import { SIZE_LIMITS } from "../../stacks/limits";
import { NAME_LIMITS, NameLimit } from "../../stacks/nameLimits";
import { BINDINGS, Conversion } from "./apiBindings";
import { Resource } from "./resource";
import { Violation } from "./violations";

/** A secret's plain value (Pulumi marks one `{ [specialSigKey]: ..., value }` on the wire). */
const unwrap = (v: any) => v && typeof v === "object" && specialSigKey in v ? v.value : v;

interface Segment { key: string; json: boolean; each: boolean }

/** A value found at an input path: the property it is, and for a map's entries, its key. */
interface Found { property: string; value: unknown; key?: string }

/** `a.b[].c#[]` as steps: `*` every key of a map, `#` a JSON text decoded, `[]` every element. */
const segments = (input: string): Segment[] =>
    input.split(".").map(s => ({ key: s.replace(/[#\[\]]/g, ""), json: s.includes("#"), each: s.endsWith("[]") }));

/** Every value at a path of `value`; a missing last key is found as undefined (its member may be required). */
function valuesAt(value: any, path: Segment[], property = "", out: Found[] = [], key?: string): Found[] {
    if (path.length === 0) {
        out.push({ property, value, key });
        return out;
    }
    const [{ key: name, json, each }, ...rest] = path;
    if (value === null || typeof value !== "object") {
        return out;
    }
    if (name === "*") {
        Object.entries(value).forEach(([k, v]) => valuesAt(unwrap(v), rest, `${property}.${k}`, out, k));
        return out;
    }
    let v = unwrap(value[name]);
    if (json && typeof v === "string" && v !== unknownValue) {
        v = JSON.parse(v);
    }
    const at = property ? `${property}.${name}` : name;
    // A missing value: no element of a list; found as undefined at the end of a path, nothing below it.
    if (each) {
        (Array.isArray(v) ? v : []).forEach((e, i) => valuesAt(unwrap(e), rest, `${at}[${i}]`, out));
        return out;
    }
    return valuesAt(v, rest, at, out);
}

/** A row's conversion by its name; none for a row without one, or one that names a map's key. */
const CONVERSIONS: Partial<Record<Conversion, (v: unknown) => unknown>> = {
    // pulumi-aws: `internal` sends the scheme; `assignPublicIp` the ENABLED/DISABLED enum.
    scheme: v => v ? "internal" : "internet-facing",
    enabled: v => v ? "ENABLED" : "DISABLED",
};

const shown = (v: unknown) => {
    const text = JSON.stringify(v) ?? String(v);
    return text.length > 80 ? `${text.slice(0, 77)}..."` : text;
};

/** What a value breaks of a member's traits, as [rule, found]. */
function traitProblems(value: unknown, m: ApiMember): [string, string][] {
    const { shape } = m;
    if (value === unknownValue) {
        return [];
    }
    // Where text goes, the provider sends a number or boolean as its text, and a document given as an object as its JSON.
    const text = typeof value === "string" ? value : JSON.stringify(value);
    const problems: [string, string][] = [];
    /** `<prefix>at most <max><suffix>`, or at least the minimum, when `n` is outside `limits`. */
    const bound = (n: number, limits: { min?: number; max?: number } | undefined, prefix: string, suffix: string, found: string) => {
        if (limits?.max !== undefined && n > limits.max) problems.push([`${prefix}at most ${limits.max}${suffix}`, found]);
        if (limits?.min !== undefined && n < limits.min) problems.push([`${prefix}at least ${limits.min}${suffix}`, found]);
    };
    if ((shape.type === "string" || shape.type === "enum") && typeof text === "string") {
        const n = codePoints(text);
        bound(n, shape.length, "length ", "", `${shown(text)} (${n} characters)`);
        if (m.regex && !m.regex.test(text)) problems.push([`matches ${shape.pattern}`, shown(text)]);
        if (shape.enum && !shape.enum.includes(text)) problems.push([`one of [${shape.enum.join(", ")}]`, shown(text)]);
    } else if (typeof value === "number") {
        // (No bound member is a numeric enum.)
        bound(value, shape.range, "", "", String(value));
    } else if (shape.type === "list") {
        // A map input may be sent as a list (tags): its entries count. An empty one is not sent (the provider leaves it out).
        // (No bound member is a map: the extract's maps are reached by their keys and values.)
        const n = Array.isArray(value) ? value.length : Object.keys(value as object).length;
        if (n > 0) bound(n, shape.length, "", " items", `${n}`);
    }
    return problems;
}

interface CompiledRow {
    path: Segment[];
    member: ApiMember;
    /** The member is a map's key (a tag's key), not its value. */
    ofKey: boolean;
    convert?: (v: unknown) => unknown;
    /** Left out, it breaks the request: a required member of the create request (another request is sent only for an input that is set). */
    required: boolean;
}

/** A type's rows with their members' traits. */
function rowsOf(type: string): CompiledRow[] {
    const binding = BINDINGS[type];
    return (binding?.rows ?? []).map(([input, member, as]) => {
        const traits = apiMember(binding.request, member);
        return {
            path: segments(input), member: traits, ofKey: member.endsWith("<>") || as === "key",
            convert: CONVERSIONS[as as Conversion], required: traits.required && !member.includes(" "),
        };
    });
}

/** What the provider sends of a resource: its registered state (its inputs, and the names Pulumi generates), else its inputs. */
const sent = (r: Resource): Record<string, any> => r.state && Object.keys(r.state).length > 0 ? r.state : r.inputs ?? {};

/** What the API models refuse of one resource. */
function modelViolations(r: Resource): Violation[] {
    return rowsOf(r.type).flatMap(row => valuesAt(sent(r), row.path).flatMap(({ property, value, key }): Violation[] => {
        const at = { name: r.name, type: r.type, property, source: row.member.source };
        // Pulumi sends a null input as no input.
        if (value === undefined || value === null) {
            return row.required ? [{ ...at, rule: "present (the request requires it)", found: "nothing" }] : [];
        }
        const checked = row.ofKey ? key : row.convert ? row.convert(value) : value;
        return traitProblems(checked, row.member).map(([rule, found]) => ({ ...at, rule: row.ofKey ? `a key of ${rule}` : rule, found }));
    }));
}

/** A rule AWS documents that the models do not state, checked on everything registered. */
export interface DocumentedRule {
    /** What it requires, in words. */
    rule: string;
    /** The AWS documentation that states it. */
    doc: string;
    /** Where the registered resources break it. */
    find(resources: Resource[]): Omit<Violation, "rule" | "source">[];
}

const ofType = (resources: Resource[], type: string) => resources.filter(r => r.type === type);
const PIPELINE = "aws:codepipeline/pipeline:Pipeline";
const PIPELINE_QUOTAS = "https://docs.aws.amazon.com/codepipeline/latest/userguide/limits.html";

/** Each name in `names` that an earlier one repeats. */
function repeats(names: string[], property: (i: number) => string, r: Resource) {
    return names.flatMap((n, i) => names.indexOf(n) < i
        ? [{ name: r.name, type: r.type, property: property(i), found: `${shown(n)}, as ${property(names.indexOf(n))} is` }] : []);
}

interface Action {
    name: string; provider: string; runOrder?: number; configuration?: Record<string, string>;
    inputArtifacts?: string[]; outputArtifacts?: string[];
}

/** Each stage of each pipeline, with its index. */
const stagesOf = (resources: Resource[]) => ofType(resources, PIPELINE)
    .flatMap(r => ((sent(r).stages ?? []) as { name: string; actions?: Action[] }[])
        .map((stage, s) => ({ r, stage, s, actions: stage.actions ?? [] })));

/** Each action of each pipeline, in order, with where it is. */
const actionsOf = (resources: Resource[]) => stagesOf(resources).flatMap(({ r, s, actions }) =>
    actions.map((a, i) => ({ r, s, a, at: `stages[${s}].actions[${i}]` })));

const ARTIFACTS_DOC = "https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-action-artifacts.html";
/**
 * How many input and output artifacts each action type takes, by provider: the table at ARTIFACTS_DOC,
 * and for CodeDeployToECS (not in it) its own reference, action-reference-ECSbluegreen.html ("Number of
 * Artifacts: 1 to 5"; output artifacts "do not apply"). A provider not listed here is refused: its
 * counts must be read from its reference before the engine can check it.
 */
const ARTIFACT_COUNTS: Record<string, Record<"inputArtifacts" | "outputArtifacts", [min: number, max: number]>> = {
    CodeCommit: { inputArtifacts: [0, 0], outputArtifacts: [1, 1] },
    CodeStarSourceConnection: { inputArtifacts: [0, 0], outputArtifacts: [1, 1] },
    CodeBuild: { inputArtifacts: [1, 5], outputArtifacts: [0, 5] },
    Manual: { inputArtifacts: [0, 0], outputArtifacts: [0, 0] },
    CodeDeployToECS: { inputArtifacts: [1, 5], outputArtifacts: [0, 0] },
};
const STRUCTURE_DOC = "https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-pipeline-structure.html";

/** An action's artifacts against its type's counts; an unknown provider once. */
function artifactCounts({ a, at }: { a: Action; at: string }): { property: string; found: string }[] {
    const counts = ARTIFACT_COUNTS[a.provider];
    if (!counts) return [{ property: `${at}.provider`, found: `${shown(a.provider)}, whose artifact counts the engine does not know` }];
    return (["inputArtifacts", "outputArtifacts"] as const).flatMap(property => {
        const n = (a[property] ?? []).length;
        const [min, max] = counts[property];
        return n < min || n > max ? [{ property: `${at}.${property}`, found: `${n} for ${a.provider}, which takes ${min === max ? min : `${min} to ${max}`}` }] : [];
    });
}

/** A registered document's size against its documented limit. */
function sizeRule(type: string, input: string, limit: number, doc: string, what: string): DocumentedRule {
    return {
        rule: `${what} of at most ${limit} characters`, doc,
        find: resources => ofType(resources, type).flatMap(r => {
            const text = unwrap(sent(r)[input]);
            return typeof text === "string" && text.length > limit ? [{ name: r.name, type: r.type, property: input, found: `${text.length} characters` }] : [];
        }),
    };
}

/** Whether a name rule's pattern is the model's own (checked with the model) or the documentation's stricter one. */
const documentedPattern = (l: NameLimit) => !l.model || l.ownPattern;

/** A physical name's documented rule: its length where no model states one, its pattern where the documentation's is stricter. */
function nameRule(l: NameLimit): DocumentedRule[] {
    // A list of names in a text the preview does not know yet (a task definition's containers) holds no name to judge.
    const read = (state: Record<string, any>) => state[l.field.split("[")[0]] === unknownValue ? [] : l.read!(state);
    const names = (r: Resource) => (l.read ? read(sent(r)) : [sent(r)[l.field]]).map((name, i) => ({ name, property: l.read ? l.field.replace("[]", `[${i}]`) : l.field }));
    const find = (broken: (name: string) => boolean) => (resources: Resource[]) => ofType(resources, l.type).flatMap(r => names(r)
        .filter(({ name }) => typeof name === "string" && name !== unknownValue && broken(name))
        .map(({ name, property }) => ({ name: r.name, type: r.type, property, found: `${shown(name)} (${codePoints(name)} characters)` })));
    return [
        ...l.model ? [] : [{ rule: `length ${l.min} to ${l.max}`, doc: l.doc, find: find(n => codePoints(n) < l.min || codePoints(n) > l.max) }],
        ...documentedPattern(l) ? [{ rule: `matches ${l.pattern.source}`, doc: l.doc, find: find(n => !l.pattern.test(n)) }] : [],
    ];
}

const IAM_QUOTAS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html";

/** The rules AWS documents beyond its API models, each with the link that states it. */
export const DOCUMENTED_RULES: DocumentedRule[] = [
    {
        rule: "stage names unique in a pipeline", doc: PIPELINE_QUOTAS,
        find: resources => ofType(resources, PIPELINE).flatMap(r =>
            repeats((sent(r).stages ?? []).map((s: { name: string }) => s.name), i => `stages[${i}].name`, r)),
    },
    {
        rule: "action names unique in a stage", doc: PIPELINE_QUOTAS,
        find: resources => stagesOf(resources).flatMap(({ r, s, actions }) => repeats(actions.map(a => a.name), i => `stages[${s}].actions[${i}].name`, r)),
    },
    {
        rule: `at most ${MAX_STAGES} stages in a pipeline`, doc: PIPELINE_QUOTAS,
        find: resources => ofType(resources, PIPELINE).filter(r => (sent(r).stages ?? []).length > MAX_STAGES)
            .map(r => ({ name: r.name, type: r.type, property: "stages", found: `${sent(r).stages.length} stages` })),
    },
    {
        rule: `at most ${MAX_ACTIONS_PER_STAGE} actions in a stage`, doc: PIPELINE_QUOTAS,
        find: resources => stagesOf(resources).filter(({ actions }) => actions.length > MAX_ACTIONS_PER_STAGE)
            .map(({ r, s, actions }) => ({ name: r.name, type: r.type, property: `stages[${s}].actions`, found: `${actions.length} actions` })),
    },
    {
        rule: "an action's input and output artifacts as many as its action type takes", doc: ARTIFACTS_DOC,
        find: resources => actionsOf(resources).flatMap(action => artifactCounts(action).map(f => ({ name: action.r.name, type: action.r.type, ...f }))),
    },
    {
        rule: "each input artifact the output of an earlier action (an earlier stage, or a lower runOrder in its stage)", doc: STRUCTURE_DOC,
        find: resources => ofType(resources, PIPELINE).flatMap(r => {
            // The pipeline's actions once, each action's inputs looked up among those before it.
            const actions = actionsOf([r]);
            return actions.flatMap(({ s, a, at }) => (a.inputArtifacts ?? []).flatMap((input, i) => {
                const earlier = actions.filter(o => o.s < s || (o.s === s && (o.a.runOrder ?? 1) < (a.runOrder ?? 1)));
                return earlier.some(o => o.a.outputArtifacts?.includes(input)) ? []
                    : [{ name: r.name, type: r.type, property: `${at}.inputArtifacts[${i}]`, found: `${shown(input)}, which no earlier action outputs` }];
            }));
        }),
    },
    {
        rule: "output artifact names unique in a pipeline", doc: STRUCTURE_DOC,
        find: resources => ofType(resources, PIPELINE).flatMap(r => {
            const outputs = actionsOf([r]).flatMap(({ a, at }) => (a.outputArtifacts ?? []).map((name, i) => ({ name, property: `${at}.outputArtifacts[${i}]` })));
            return repeats(outputs.map(o => o.name), i => outputs[i].property, r);
        }),
    },
    {
        rule: `a manual approval's CustomData of at most ${APPROVAL_MESSAGE_MAX} characters`,
        doc: "https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-ManualApproval.html",
        find: resources => stagesOf(resources).flatMap(({ r, s, actions }) => actions.flatMap((a, i) =>
            a.provider === "Manual" && (a.configuration?.CustomData?.length ?? 0) > APPROVAL_MESSAGE_MAX
                ? [{ name: r.name, type: r.type, property: `stages[${s}].actions[${i}].configuration.CustomData`, found: `${a.configuration!.CustomData.length} characters` }]
                : [])),
    },
    {
        // CreateListener's DuplicateListener error: "A listener with the specified port already exists."
        rule: "one listener per port of a load balancer", doc: "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateListener.html",
        find: resources => {
            const listeners = ofType(resources, "aws:lb/listener:Listener");
            const key = (r: Resource) => `${sent(r).loadBalancerArn} ${sent(r).port}`;
            return listeners.filter((r, i) => listeners.findIndex(o => key(o) === key(r)) < i).map(r => ({
                name: r.name, type: r.type, property: "port",
                found: `${sent(r).port}, which ${listeners.find(o => key(o) === key(r))!.name} has on the same load balancer`,
            }));
        },
    },
    {
        // EC2's model (not extracted) types IpProtocol as any string; the API reference lists what it takes.
        rule: "a security group rule's protocol tcp, udp, icmp, icmpv6, -1 or a protocol number, with a port range for tcp, udp and icmp",
        doc: "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html",
        find: resources => [...ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
            ...ofType(resources, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")].flatMap(r => {
            // The provider sends the protocol as written (it compares case only when planning a diff).
            const { fromPort, toPort } = sent(r), protocol = unwrap(sent(r).ipProtocol);
            if (protocol === unknownValue) return [];
            const numbered = /^(-1|0|[1-9]\d{0,2})$/.test(protocol) && Number(protocol) <= 255;
            if (!numbered && !["tcp", "udp", "icmp", "icmpv6"].includes(protocol)) {
                return [{ name: r.name, type: r.type, property: "ipProtocol", found: shown(protocol) }];
            }
            // TCP, UDP and ICMP by their numbers too (IANA: 6, 17, 1): any other number opens every port.
            return ["tcp", "udp", "icmp", "6", "17", "1"].includes(protocol) && (fromPort === undefined || toPort === undefined)
                ? [{ name: r.name, type: r.type, property: fromPort === undefined ? "fromPort" : "toPort", found: `none, for ${protocol}` }] : [];
        }),
    },
    {
        // The model's range says 1..365; the API reference's text, 7..30.
        rule: "a key's deletion window of 7 to 30 days", doc: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
        find: resources => ofType(resources, "aws:kms/key:Key").filter(r => typeof sent(r).deletionWindowInDays === "number" &&
            (sent(r).deletionWindowInDays < 7 || sent(r).deletionWindowInDays > 30))
            .map(r => ({ name: r.name, type: r.type, property: "deletionWindowInDays", found: String(sent(r).deletionWindowInDays) })),
    },
    {
        // The model's Days is any integer; the API reference lists the values.
        rule: `a log retention of one of [${LOG_RETENTION_DAYS.join(", ")}] days`,
        doc: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
        find: resources => ofType(resources, "aws:cloudwatch/logGroup:LogGroup")
            .filter(r => sent(r).retentionInDays !== undefined && !LOG_RETENTION_DAYS.includes(sent(r).retentionInDays))
            .map(r => ({ name: r.name, type: r.type, property: "retentionInDays", found: String(sent(r).retentionInDays) })),
    },
    sizeRule("aws:kms/key:Key", "policy", SIZE_LIMITS.keyPolicy, "https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html", "a key policy"),
    sizeRule("aws:s3/bucketPolicy:BucketPolicy", "policy", SIZE_LIMITS.bucketPolicy, "https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html",
        "a bucket policy"),
    sizeRule("aws:sns/topicPolicy:TopicPolicy", "policy", SIZE_LIMITS.topicPolicy, "https://docs.aws.amazon.com/general/latest/gr/sns.html", "a topic policy"),
    sizeRule("aws:iam/policy:Policy", "policy", SIZE_LIMITS.managedPolicy, IAM_QUOTAS, "a managed policy"),
    sizeRule("aws:iam/role:Role", "assumeRolePolicy", SIZE_LIMITS.trustPolicy, IAM_QUOTAS, "a trust policy"),
    {
        rule: `a role's inline policies of at most ${SIZE_LIMITS.roleInlinePolicies} characters together`, doc: IAM_QUOTAS,
        find: resources => {
            const perRole = new Map<string, Resource[]>();
            for (const r of ofType(resources, "aws:iam/rolePolicy:RolePolicy")) {
                const role = `${r.account} ${unwrap(sent(r).role)}`;
                perRole.set(role, [...perRole.get(role) ?? [], r]);
            }
            return [...perRole.values()].flatMap(policies => {
                const size = policies.reduce((n, r) => n + String(unwrap(sent(r).policy) ?? "").length, 0);
                return size > SIZE_LIMITS.roleInlinePolicies
                    ? policies.map(r => ({ name: r.name, type: r.type, property: "policy", found: `${size} characters in the role's ${policies.length} inline policies` }))
                    : [];
            });
        },
    },
    {
        // No AWS page states it: CodeBuild's own error, as a public report quotes it (stacks/limits.ts).
        rule: `a build environment variable of at most ${SIZE_LIMITS.environmentVariable} characters`,
        doc: "https://github.com/wolfeidau/buildkite-serverless-agent/issues/35 (InvalidInputException: EnvironmentVariable should be at most 4096 characters)",
        find: resources => ofType(resources, "aws:codebuild/project:Project").flatMap(r =>
            ((sent(r).environment?.environmentVariables ?? []) as { value: string }[]).flatMap((v, i) => typeof v.value === "string" &&
                v.value.length > SIZE_LIMITS.environmentVariable
                ? [{ name: r.name, type: r.type, property: `environment.environmentVariables[${i}].value`, found: `${v.value.length} characters` }] : [])),
    },
    ...Object.values(NAME_LIMITS as Record<string, NameLimit>).flatMap(nameRule),
];

/** Everything an AWS API would refuse of the registered resources: the models' traits, then the documented rules. */
export function apiViolations(resources: Resource[]): Violation[] {
    return [
        // Only AWS's resource types have bindings: components and other packages have no rows.
        ...resources.flatMap(modelViolations),
        ...DOCUMENTED_RULES.flatMap(d => d.find(resources).map(v => ({ ...v, rule: d.rule, source: d.doc }))),
    ];
}
