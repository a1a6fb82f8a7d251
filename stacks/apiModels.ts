// AWS's API models as the program reads them: the extract stacks/apiModelExtract.json (made by
// scripts/api-models.ts from github aws/api-models-aws at the commit it names), indexed by
// shape, each member's traits compiled once. The names the program derives (stacks/nameLimits.ts)
// and the checks of what it registers (offline/engine/apiRules.ts) read their numbers from here.
import extract from "./apiModelExtract.json";

/** One Smithy shape, reduced to the traits checked; `members` only those the program reaches. */
export interface ApiShape {
    type: string;
    length?: { min?: number; max?: number };
    range?: { min?: number; max?: number };
    pattern?: string;
    /** `u` when the pattern needs JavaScript's Unicode mode (a code point past U+FFFF, a `\p{...}`). */
    flags?: string;
    enum?: (string | number)[];
    /** Member name -> target shape (in the same model). */
    members?: Record<string, string>;
    /** Every required member of a structure, used or not. */
    required?: string[];
    member?: string;
    key?: string;
    value?: string;
}

export interface ApiModels {
    source: string;
    commit: string;
    /** Model name (a service's file name) -> its file and Smithy namespace. */
    models: Record<string, { file: string; namespace: string }>;
    /** `<model> <shape>` -> the shape. */
    shapes: Record<string, ApiShape>;
}

export const API_MODELS = extract as ApiModels;

/**
 * A member path split into its model, its first shape and its steps: `<model> <Shape>.a[].b`, or
 * a path without a model, which continues `request` (`<model> <Shape>`).
 */
export function memberSteps(request: string, member: string): { modelName: string; shape: string; steps: string[] } {
    const [modelName, rest] = member.includes(" ") ? member.split(" ") : [request.split(" ")[0], `${request.split(" ")[1]}.${member}`];
    const [shape, ...names] = rest.split(".");
    const steps = names.flatMap(n => n.split(/(\[\]|\{\}|<>)/).filter(Boolean));
    return { modelName, shape, steps };
}

/** A member's traits, compiled: what a value sent as that member must be. */
export interface ApiMember {
    /** Where the rule comes from: `iam-2010-05-08 CreateRoleRequest.RoleName (aws/api-models-aws@<commit>)`. */
    source: string;
    shape: ApiShape;
    /** The pattern, compiled; Smithy patterns are not anchored unless they say so. */
    regex?: RegExp;
    /** Whether the structure that holds the member requires it. */
    required: boolean;
}

/** The member a path names (see memberSteps), from the extract; throws when the extract lacks it (rerun scripts/api-models.ts). */
export function apiMember(request: string, member: string): ApiMember {
    const { modelName, shape: start, steps } = memberSteps(request, member);
    const shapeOf = (name: string) => {
        const shape = API_MODELS.shapes[`${modelName} ${name}`];
        if (!shape) throw new Error(`stacks/apiModelExtract.json has no shape ${modelName} ${name}: rerun scripts/api-models.ts`);
        return shape;
    };
    let shape = shapeOf(start);
    let required = false;
    for (const step of steps) {
        const next = step === "[]" ? shape.member : step === "{}" ? shape.value : step === "<>" ? shape.key : shape.members?.[step];
        if (!next) throw new Error(`stacks/apiModelExtract.json: ${modelName} ${start} has no ${steps.join(".")}: rerun scripts/api-models.ts`);
        required = shape.required?.includes(step) ?? false;
        shape = shapeOf(next);
    }
    const where = member.includes(" ") ? member : `${request}.${member}`;
    return {
        source: `${where} (aws/api-models-aws@${API_MODELS.commit})`, shape, required,
        regex: shape.pattern === undefined ? undefined : new RegExp(shape.pattern, shape.flags),
    };
}

/** A string's length as Smithy counts it: in code points, not UTF-16 units. */
export const codePoints = (s: string) => /[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length;
