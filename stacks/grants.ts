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
    // The program's own roles by their name pattern; roles config names (an existing target's) by their ARNs.
    const organization = (arns: string[], created: string[]): Grantees => config.grants === "organization"
        ? { organizationId: config.organizationId!,
            rolePatterns: [...new Set([...created.length ? [rolePattern(config, created)] : [], ...arns.filter(a => !created.includes(a))])] }
        : arns;
    const deployRoles = targets.map(t => t.deployRoleArn);
    const executionRoles = targets.map(t => t.executionRoleArn);
    const createdExecutionRoles = targets.filter((_, i) => config.targets[i].create).map(t => t.executionRoleArn);
    // The pipeline region first: its store is the pipeline's own; the others are where deploy actions run.
    const regions = [...new Set([config.region, ...targets.map(t => t.region)])];
    return {
        pipelineRoleArn: pipeline(names.roles.pipeline),
        buildRoleArn: pipeline(names.roles.build),
        targets,
        deployRoles: organization(deployRoles, deployRoles),
        pullers: organization(executionRoles, createdExecutionRoles),
        stores: regions.map(region => {
            const readers = targets.filter(t => t.region === region).map(t => t.deployRoleArn);
            return { region, readers: config.grants === "organization" && readers.length > 0 ? organization(readers, deployRoles) : readers };
        }),
    };
}

export type PathGrants = ReturnType<typeof pathGrants>;

/**
 * One ARN pattern that matches each of these role ARNs (and other roles of the same stack's
 * naming in any account): their common start and end around a `*`. The roles of one stack share
 * `<project>-<stack>-` and end alike (`-deploy`, `-task-execution`).
 */
export function rolePattern(config: Pick<StackConfig, "region">, arns: string[]): string {
    const names = arns.map(a => a.slice(a.indexOf(":role/") + ":role/".length));
    const shortest = Math.min(...names.map(n => n.length));
    let start = 0;
    while (start < shortest && names.every(n => n[start] === names[0][start])) {
        start++;
    }
    let end = 0;
    while (end < shortest - start && names.every(n => n[n.length - 1 - end] === names[0][names[0].length - 1 - end])) {
        end++;
    }
    const pattern = names.length === 1 ? names[0] : `${names[0].slice(0, start)}*${names[0].slice(names[0].length - end)}`;
    return roleArn(config, "*", pattern);
}
