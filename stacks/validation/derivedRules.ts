// Rules that read what the program derives from a stack's config: the names it gives kept
// resources (stacks/names.ts) and the size of the policies it writes (stacks/limits.ts).
import { isBlock, Path } from "../config/issues";
import { Ctx, problem, valid } from "../config/rule";
import { Config } from "../config/schema";
import { withDerivedDefaults } from "../config/stackConfig";
import { oversizedPolicies } from "../limits";
import { keptNames } from "../names";
import { targetsOf } from "./rules";

/**
 * An adopted resource's import id is the name this stack gives it: another id would adopt another
 * resource (and rename or replace it), and a resource the stack does not create cannot be adopted.
 */
export function adoptedNames(project: string, stack: string) {
    return (c: Config, ctx: Ctx) => {
        const asked: { path: Path; key: string; id: unknown; target?: string }[] = [
            ...Object.entries(isBlock(c.adopt) ? c.adopt : {}).map(([key, id]) => ({ path: ["adopt", key], key, id })),
            ...targetsOf(c).flatMap(({ t, at }) => Object.entries(isBlock(t.adopt) ? t.adopt : {})
                .map(([key, id]) => ({ path: at("adopt", key), key, id, target: t.name })))].filter(a => a.id !== undefined);
        if (asked.length === 0 || !valid(ctx, ["source"], ["images"], ["targets"])) {
            return;
        }
        const names = keptNames(withDerivedDefaults(project, stack, c));
        for (const { path, key, id, target } of asked.filter(a => valid(ctx, a.path))) {
            const name = target === undefined ? names[key as "sourceRepository"] : names.taskLogGroups[target];
            if (name === undefined) {
                const lookedUp = c.source.provider === "CodeCommit"
                    ? "no key: with source.create false the repository is looked up, never created"
                    : `no key: a ${c.source.provider} source has no CodeCommit repository`;
                problem(ctx, path, key === "sourceRepository" ? lookedUp
                    : "no key: with existing the stack creates no container log group", `(remove adopt.${key})`);
            } else if (id !== name) {
                problem(ctx, path, `the name this stack gives it, ${name}`, name);
            }
        }
    };
}

/** The keys the growing documents are computed from (stacks/limits.ts, through the derived defaults). */
const DOCUMENT_KEYS = ["region", "pipelineAccount", "targets", "allowSameAccount", "source", "build", "images", "grants", "organizationId",
    "approvalTimeoutMinutes", "notifications", "artifactRetentionDays"];

/**
 * Resource and inline policies stay within AWS's size limits, computed on the documents the
 * program would register (stacks/limits.ts). A list that outgrows one names the opt-in
 * organization-wide grant; the program never switches by itself.
 */
export function policySizes(project: string, stack: string) {
    return (c: Config, ctx: Ctx) => {
        // Whatever else is wrong, as long as the keys the documents are made of are valid: every problem in one run.
        // (A target with neither or both of create and existing is a problem of its own, and no document can be made of it.)
        if (isBlock(c) && valid(ctx, ...DOCUMENT_KEYS.map(k => [k])) && targetsOf(c).every(({ t }) => !t.create !== !t.existing)) {
            for (const { document, size, limit, grants } of oversizedPolicies(withDerivedDefaults(project, stack, c))) {
                const remedy = grants && c.grants !== "organization"
                    ? ["grants", "grant by organization instead (grants: organization, with organizationId)", "organization"]
                    : ["targets", "fewer targets in one stack (split the path into two stacks)", "[ ...fewer targets ]"];
                problem(ctx, [remedy[0]], `policies within AWS's size limits: the ${document} would have ${size} characters, over ${limit}; ` +
                    remedy[1], remedy[2]);
            }
        }
    };
}

