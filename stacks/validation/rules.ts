// Rules across the blocks of a stack's config, in the order the validator runs them (CONFIG_RULES);
// the rules within one block are stacks/config/blockRules.ts, those that need the stack's derived
// names and policies derivedRules.ts.
import { ACTION_CONFIGURATION_VALUE_MAX, checkVariables, variablesValue } from "../../components/pipeline/variables";
import { defaultListenerPort } from "../../components/target/ports";
import { CONNECTION_PROVIDERS } from "../../components/SourceConnection";
import { CHATBOT_REGIONS } from "../../components/PipelineNotifications";
import { partitionOf } from "../../components/policies/document";
import { ConnectionSourceKeys } from "../config/blockRules";
import { isBlock, Path, valueAt } from "../config/issues";
import { Ctx, problem, valid } from "../config/rule";
import { MAX_ACTIONS_PER_STAGE, MAX_STAGES, minimumArtifactRetentionDays, pipelineStages } from "../config/releasePath";
import { Config } from "../config/schema";
import { arnAccount } from "../config/values";
import { checkRequest, LOAD_BALANCER_STAND_IN, unverifiableHttps, urlHost } from "../reach";

/** The targets that parsed, with their index: rules about targets skip a list that is not one. */
export const targetsOf = (c: Config) => isBlock(c) && Array.isArray(c.targets)
    ? c.targets.map((t, i) => ({ t, i, at: (...path: Path) => ["targets", i, ...path] as Path })).filter(({ t }) => isBlock(t))
    : [];

/**
 * Targets in another account than the pipeline's (unless allowSameAccount), and one provisioning
 * role per account: the stack has one provider per account and region, which assumes one role.
 */
function targetAccounts(c: Config, ctx: Ctx) {
    const roles = new Map<string, { role?: string; key: string }>();
    if (valid(ctx, ["pipelineAccount"])) {
        roles.set(c.pipelineAccount.accountId, { role: c.pipelineAccount.provisioningRoleArn, key: "pipelineAccount" });
    }
    for (const { t, i, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("account")))) {
        const { accountId, provisioningRoleArn } = t.account;
        if (valid(ctx, ["pipelineAccount", "accountId"], ["allowSameAccount"]) && !c.allowSameAccount &&
            accountId === c.pipelineAccount.accountId) {
            problem(ctx, at("account", "accountId"),
                "an account other than pipelineAccount.accountId (or set allowSameAccount: true for a one-account sandbox)",
                '"222222222222"');
        }
        const first = roles.get(accountId);
        if (first && first.role !== provisioningRoleArn && (accountId !== c.pipelineAccount?.accountId || c.allowSameAccount)) {
            problem(ctx, at("account", "provisioningRoleArn"), `the provisioning role ${first.key} names for account ${accountId} ` +
                "(the stack has one provider per account and region)", first.role ?? "(leave it out, as there)");
        }
        roles.set(accountId, first ?? { role: provisioningRoleArn, key: `targets[${i}].account` });
    }
}

/**
 * An existing target's roles are its account's; a certificate is its account's, in its region;
 * its region is one of the stack region's partition (one partition: one set of ARNs and accounts).
 */
function targetResourcesInTargetAccount(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"])) {
        return;
    }
    const partition = partitionOf(c.region);
    for (const { t, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("account", "accountId"), at("region")))) {
        const account = t.account.accountId;
        const region = t.region ?? c.region;
        if (partitionOf(region) !== partition) {
            problem(ctx, at("region"), `a region of the ${partition} partition, the stack region ${c.region}'s`, c.region, "value");
            continue;
        }
        for (const key of ["taskRoleArn", "executionRoleArn"] as const) {
            const arn = valid(ctx, at("existing", key)) ? t.existing?.[key] : undefined;
            if (arn && arnAccount(arn) !== account) {
                problem(ctx, at("existing", key), `a role in the target account ${account}`, `arn:aws:iam::${account}:role/my-service-task`);
            }
        }
        const certificate = valid(ctx, at("create", "certificateArn")) ? t.create?.certificateArn : undefined;
        if (certificate && certificate.split(":").slice(1, 5).join(":") !== `${partition}:acm:${region}:${account}`) {
            problem(ctx, at("create", "certificateArn"), `an ACM certificate ARN in the target account ${account} and the region ${region}`,
                `arn:${partition}:acm:${region}:${account}:certificate/0a1b2c3d-...`);
        }
    }
}

/** Role ARNs name the partition of the stack's region (arn:aws-cn:... in China): a role of another partition cannot be assumed. */
function rolesInRegionPartition(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"])) {
        return;
    }
    const partition = partitionOf(c.region);
    const roles: Path[] = [["pipelineAccount", "provisioningRoleArn"], ...targetsOf(c).flatMap(({ at }) =>
        [at("account", "provisioningRoleArn"), at("existing", "taskRoleArn"), at("existing", "executionRoleArn")])];
    for (const path of roles.filter(p => valid(ctx, p))) {
        const arn = valueAt(c, path);
        if (typeof arn === "string" && arn.split(":")[1] !== partition) {
            problem(ctx, path, `an ARN of the ${partition} partition, the region ${c.region}'s`, arn.replace(/^arn:[^:]+:/, `arn:${partition}:`));
        }
    }
}

/**
 * A check can pass: by path only on a created target (the program knows no other's address); over
 * HTTPS only on a name a certificate can cover, never a load balancer's own (stacks/reach.ts).
 */
function checksCanPass(c: Config, ctx: Ctx) {
    for (const { t, at } of targetsOf(c).filter(({ t, at }) => t.check && valid(ctx, at("check"), at("create"), at("existing")))) {
        if (t.check!.path && !t.create) {
            problem(ctx, at("check", "path"), "with existing, a url (the program knows no address of a target it did not make)",
                "https://my-service.example.com/health");
        } else if (t.check!.path && t.create?.certificateArn && !t.create.domainName) {
            problem(ctx, at("create", "domainName"), "with certificateArn and check.path, a name the certificate covers: the check " +
                "would call https on the load balancer's own name (elb.amazonaws.com), which no certificate covers, and curl " +
                "would refuse the handshake", "staging.example.com");
        }
        const request = t.check!.url ? { url: t.check!.url } : t.create && t.check!.path && valid(ctx, at("create", "productionPort"))
            ? checkRequest({ ...t.create, productionPort: t.create.productionPort ?? defaultListenerPort(t.create.certificateArn !== undefined) }, t.check!.path,
                LOAD_BALANCER_STAND_IN) : undefined;
        const size = request && variablesValue(checkVariables(request)).length;
        if (size && size > ACTION_CONFIGURATION_VALUE_MAX) {
            problem(ctx, at("check"), `a check whose variables fit CodePipeline's ${ACTION_CONFIGURATION_VALUE_MAX} characters for an action's ` +
                `configuration value (its URL${request!.connectTo ? ", the domain" : ""} and the load balancer's name would take up to ${size})`,
                "{ path: /health }");
        }
        if (t.check!.url && unverifiableHttps(t.check!.url)) {
            problem(ctx, at("check", "url"), `an https URL on a name of your own domain: ${urlHost(t.check!.url)} is a load balancer's ` +
                "own name, which no certificate covers (ACM issues certificates only for domains you control), so curl would " +
                "refuse the handshake", "https://staging.example.com/health", "value");
        }
    }
}

/** Stage names the pipeline itself uses before the targets' stages. */
const RESERVED_STAGES = ["source", "build"];

/** Each target has a name of its own: it names the target's stage, roles, files and release tags. */
function uniqueTargetNames(c: Config, ctx: Ctx) {
    const named = new Map<string, number>();
    for (const { t, i, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("name")))) {
        if (named.has(t.name)) {
            problem(ctx, at("name"), `a name no other target has (targets[${named.get(t.name)}] is ${t.name})`, `${t.name}-2`);
        }
        named.set(t.name, named.get(t.name) ?? i);
    }
}

/**
 * The path as a pipeline: a wave's targets consecutive; stage names (waves, and targets without
 * one) unique and not Source or Build; within CodePipeline's limits on actions and stages.
 */
function pipelineStagesFit(c: Config, ctx: Ctx) {
    const stages = pipelineStages(targetsOf(c).filter(({ at }) => valid(ctx, at("name"), at("wave"))).map(({ t, i }) => ({ ...t, i })));
    stages.forEach((stage, s) => {
        const at = (...path: Path) => ["targets", stage.targets[0].i, ...path] as Path;
        const earlier = stages.slice(0, s);
        if (stage.wave && earlier.some(o => o.wave === stage.wave)) {
            problem(ctx, at("wave"), `the wave's targets one after the other (other targets split wave ${stage.wave})`, `${stage.wave}-2`);
        } else if (RESERVED_STAGES.includes(stage.name) || earlier.some(o => o.name === stage.name && (o.wave || stage.wave))) {
            problem(ctx, at(stage.wave ? "wave" : "name"), `a stage name other than ${[...RESERVED_STAGES, ...earlier.map(o => o.name)].join(", ")} ` +
                "(a wave is a stage named after it)", `${stage.name}-2`);
        }
        if (stage.actions > MAX_ACTIONS_PER_STAGE) {
            problem(ctx, at("wave"), `at most ${MAX_ACTIONS_PER_STAGE} actions in a stage, CodePipeline's limit (the wave ${stage.name} ` +
                `has ${stage.actions}: its markers, deploys and checks); split it into two waves`, `${stage.name}-2`);
        }
    });
    const approvals = stages.filter(s => s.approval).length;
    if (RESERVED_STAGES.length + stages.length + approvals > MAX_STAGES) {
        problem(ctx, ["targets"], `at most ${MAX_STAGES} stages, CodePipeline's limit: Source, Build, one per target or wave and one ` +
            `per approval (found ${RESERVED_STAGES.length + stages.length + approvals}: ${stages.length} of targets, ${approvals} of ` +
            "approvals); deploy targets together in waves", "wave: prod");
    }
}

/** At most one target keeps the names of a stack from before `targets`: there was one target then. */
function oneLegacyTarget(c: Config, ctx: Ctx) {
    const legacy = targetsOf(c).filter(({ t }) => t.legacyNames === true);
    legacy.slice(1).forEach(({ at }) => problem(ctx, at("legacyNames"), `legacyNames on one target at most (targets[${legacy[0].i}] has it)`, "false"));
}

/** No physical name twice in one account and region: a service, a task family, a deployment group. */
function physicalNamesOfTheirOwn(c: Config, ctx: Ctx) {
    const claimed = new Map<string, number>();
    for (const { t, i, at } of targetsOf(c).filter(({ at }) => valid(ctx, at("account", "accountId"), at("region"), at("create"), at("existing")))) {
        const where = `account ${t.account.accountId} and ${t.region ?? c.region}`;
        const claims: [Path, string | undefined][] = t.create
            ? [[at("create", "serviceName"), t.create.serviceName && `the service ${t.create.serviceName}`],
                [at("create", "taskFamily"), (t.create.taskFamily ?? t.create.serviceName) && `the family ${t.create.taskFamily ?? t.create.serviceName}`]]
            : [[at("existing", "deploymentGroupName"), t.existing && `the group ${t.existing.applicationName}/${t.existing.deploymentGroupName}`]];
        for (const [path, claim] of claims.filter(([, claim]) => claim !== undefined)) {
            const other = claimed.get(`${where}: ${claim}`);
            if (other !== undefined) {
                problem(ctx, path, `a name of its own in ${where} (targets[${other}] has ${claim})`, "my-service-2");
            }
            claimed.set(`${where}: ${claim}`, other ?? i);
        }
    }
}

/** grants: organization needs the organization's id; the id means nothing without it. */
function organizationGrants(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["grants"], ["organizationId"])) {
        return;
    }
    if (c.grants === "organization" && !c.organizationId) {
        problem(ctx, ["organizationId"], "with grants: organization, the organization's id", "o-a1b2c3d4e5");
    }
    if (c.grants !== "organization" && c.organizationId) {
        problem(ctx, ["grants"], "organization, with organizationId (or leave organizationId out)", "organization");
    }
    // The organization's pattern admits a role of the pipeline account to every store and repository by itself (one
    // account: no second policy to agree); a sandbox target names its roles.
    const sandbox = valid(ctx, ["pipelineAccount", "accountId"]) ? targetsOf(c).find(({ t, at }) => valid(ctx, at("account", "accountId")) &&
        t.account.accountId === c.pipelineAccount.accountId) : undefined;
    if (c.grants === "organization" && sandbox) {
        problem(ctx, ["grants"], `roles while a target is in the pipeline account (targets[${sandbox.i}]): an organization-wide grant ` +
            "would let its roles use every region's store", "roles");
    }
}

/**
 * Regions where CodePipeline has no CodeStarSourceConnection action, as AWS lists them
 * (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html;
 * the China regions' edition of that page excludes both China regions). A region AWS adds later is
 * not refused here: `pulumi preview` would be the first to know.
 */
export const NO_CONNECTION_SOURCE_REGIONS: readonly string[] = ["ap-east-1", "ap-south-2", "ap-southeast-3", "ap-southeast-4",
    "ap-northeast-3", "af-south-1", "me-south-1", "me-central-1", "eu-south-2", "eu-central-2", "il-central-1", "us-gov-west-1",
    "cn-north-1", "cn-northwest-1"];

/**
 * The connection and host are usable from the pipeline account: the region has the source action;
 * a connection is the pipeline account's, or a `codeconnections` one shared into it (AWS RAM shares
 * no `codestar-connections` connections: https://docs.aws.amazon.com/dtconsole/latest/userguide/connections-share.html);
 * a host is the pipeline account's, in the stack's region (hosts are regional, connections global:
 * https://docs.aws.amazon.com/dtconsole/latest/userguide/welcome-connections-how-it-works-global.html).
 */
function connectionUsableFromPipelineAccount(c: Config, ctx: Ctx) {
    if (!valid(ctx, ["region"], ["source", "provider"]) || !(CONNECTION_PROVIDERS as readonly string[]).includes(c.source.provider)) {
        return;
    }
    const source = c.source as ConnectionSourceKeys;
    if (NO_CONNECTION_SOURCE_REGIONS.includes(c.region)) {
        problem(ctx, ["source", "provider"], `CodeCommit: CodePipeline has no CodeStarSourceConnection action in ${c.region}`, "CodeCommit");
        return;
    }
    if (!valid(ctx, ["pipelineAccount", "accountId"])) {
        return;
    }
    const partition = partitionOf(c.region);
    const account = c.pipelineAccount.accountId;
    const connection = ["source", "connectionArn"];
    if (source.connectionArn && valid(ctx, connection)) {
        const [, arnPartition, service, , owner] = source.connectionArn.split(":");
        if (arnPartition !== partition) {
            problem(ctx, connection, `a connection of the ${partition} partition, the region ${c.region}'s`,
                `arn:${partition}:${service}:${c.region}:${owner}:connection/0a1b2c3d-...`);
        } else if (owner !== account && service === "codestar-connections") {
            problem(ctx, connection, `a connection of the pipeline account ${account}, or a codeconnections one shared into it ` +
                "with AWS RAM (RAM does not share codestar-connections connections)",
                `arn:${partition}:codeconnections:${c.region}:${account}:connection/0a1b2c3d-...`);
        }
    }
    const host = ["source", "host", "arn"];
    if (source.host?.arn && valid(ctx, host)) {
        const [, arnPartition, , region, owner] = source.host.arn.split(":");
        if (`${arnPartition}:${region}:${owner}` !== `${partition}:${c.region}:${account}`) {
            problem(ctx, host, `a host of the pipeline account ${account} in the region ${c.region} (hosts are regional)`,
                `arn:${partition}:codeconnections:${c.region}:${account}:host/my-ghes-0a1b2c3d`);
        }
    }
}

/** Artifacts outlive what a stage rollback needs of them: minimumArtifactRetentionDays, from the approvals and their timeout. */
function artifactsOutliveRollback(c: Config, ctx: Ctx) {
    if (!isBlock(c) || !valid(ctx, ["artifactRetentionDays"], ["approvalTimeoutMinutes"], ["targets"], ["build"])) {
        return;
    }
    const minimum = minimumArtifactRetentionDays(c);
    if (c.artifactRetentionDays !== undefined && c.artifactRetentionDays < minimum) {
        problem(ctx, ["artifactRetentionDays"], `at least ${minimum} days: a stage rollback may read an execution's artifacts that long ` +
            `after its build, with this path's approvals (${c.approvalTimeoutMinutes} minutes each), deployments and build ` +
            "(or a shorter approvalTimeoutMinutes)", String(minimum));
    }
}

/** AWS Chatbot's API runs in regions of the aws partition only (https://docs.aws.amazon.com/chatbot/latest/APIReference/Welcome.html). */
function chatbotInPartition(c: Config, ctx: Ctx) {
    if (isBlock(c) && isBlock(c.notifications) && c.notifications.slack && valid(ctx, ["region"], ["notifications", "slack"]) &&
        partitionOf(c.region) !== "aws") {
        problem(ctx, ["notifications", "slack"], `no Slack channel in the ${partitionOf(c.region)} partition: AWS Chatbot's API runs in ` +
            `${CHATBOT_REGIONS.join(", ")} only (emails work everywhere)`, "(remove notifications.slack)");
    }
}


/** The rules across blocks, in the order they report their problems. */
export const CONFIG_RULES = [targetAccounts, targetResourcesInTargetAccount, rolesInRegionPartition, checksCanPass,
    uniqueTargetNames, pipelineStagesFit, oneLegacyTarget, physicalNamesOfTheirOwn, organizationGrants,
    connectionUsableFromPipelineAccount, artifactsOutliveRollback, chatbotInPartition];
