import { Grantees, partitionOf } from "../components/policies/document";
import { StackConfig } from "./config/stackConfig";
import { StackNames } from "./names";

export function roleArn(config: Pick<StackConfig, "region">, accountId: string, roleName: string): string {
    return `arn:${partitionOf(config.region)}:iam::${accountId}:role/${roleName}`;
}

/**
 * Who may do what across accounts, from config alone: role ARNs are known before any role
 * exists, so each account's policies can name the other's roles. With `grants: organization`
 * the lists that grow with the path (the artifact stores' readers, the image repository's
 * pullers, the pipeline role's deploy roles) become the organization and a role-name pattern.
 */
export function pathGrants(config: StackConfig, names: StackNames) {
    const pipeline = (role: string) => roleArn(config, config.pipelineAccount.accountId, role);
    const targets = config.targets.map((t, i) => {
        const own = (role: string) => roleArn(config, t.account.accountId, role);
        const roles = names.targets[i].roles;
        return {
            region: t.region,
            deployRoleArn: own(roles.deploy),
            taskRoleArn: t.existing?.taskRoleArn ?? own(roles.task),
            executionRoleArn: t.existing?.executionRoleArn ?? own(roles.execution),
        };
    });
    // The roles the program names `<project>-<stack>-<target>-...` by their pattern; roles config names (an existing
    // target's) and a legacy-named target's (`<project>-<stack>-deploy`, which would cut the stack's name short) by their ARNs.
    const organization = (arns: string[], patterned: string[]): Grantees => config.grants === "organization"
        ? { organizationId: config.organizationId!,
            rolePatterns: [...new Set([...patterned.length ? [rolePattern(config, patterned)] : [], ...arns.filter(a => !patterned.includes(a))])] }
        : arns;
    const deployRoles = targets.map(t => t.deployRoleArn);
    const executionRoles = targets.map(t => t.executionRoleArn);
    const patternedDeployRoles = deployRoles.filter((_, i) => !config.targets[i].legacyNames);
    const patternedExecutionRoles = executionRoles.filter((_, i) => config.targets[i].create && !config.targets[i].legacyNames);
    // The pipeline region first: its store is the pipeline's own; the others are where deploy actions run.
    const regions = [...new Set([config.region, ...targets.map(t => t.region)])];
    return {
        pipelineRoleArn: pipeline(names.roles.pipeline),
        buildRoleArn: pipeline(names.roles.build),
        targets,
        deployRoles: organization(deployRoles, patternedDeployRoles),
        pullers: organization(executionRoles, patternedExecutionRoles),
        stores: regions.map(region => {
            const readers = targets.filter(t => t.region === region).map(t => t.deployRoleArn);
            return { region, readers: config.grants === "organization" && readers.length > 0 ? organization(readers, patternedDeployRoles) : readers };
        }),
    };
}

export type PathGrants = ReturnType<typeof pathGrants>;

/**
 * One ARN pattern that matches each of these role ARNs (and other roles of the same stack's
 * naming in any account): their common end, then their common start in what is left, around a
 * `*`. The end first, so that it keeps its separator: `-deploy`, never `deploy`, which would also
 * match `...-codedeploy` when one name is the start of another (targets `a` and `a-b`).
 */
export function rolePattern(config: Pick<StackConfig, "region">, arns: string[]): string {
    const names = arns.map(a => a.slice(a.indexOf(":role/") + ":role/".length));
    const shortest = Math.min(...names.map(n => n.length));
    const same = (at: (n: string) => string) => names.every(n => at(n) === at(names[0]));
    let end = 0;
    while (end < shortest && same(n => n[n.length - 1 - end])) {
        end++;
    }
    let start = 0;
    while (start < shortest - end && same(n => n[start])) {
        start++;
    }
    const pattern = names.length === 1 ? names[0] : `${names[0].slice(0, start)}*${names[0].slice(names[0].length - end)}`;
    return roleArn(config, "*", pattern);
}
