import * as aws from "@pulumi/aws";
import { AccountConfig, StackConfig } from "./config/stackConfig";
import { roleSessionName } from "./names";

/** Which side of the pipeline an account is on; also the value of its providers' `pipeline-side` tag. */
export type Side = "pipeline" | "target";

/** An account and region the stack touches, and the one provider that acts there. */
export interface Placement {
    accountId: string;
    region: string;
}

/** `<account>/<region>`: one provider each. */
export const placementKey = (p: Placement) => `${p.accountId}/${p.region}`;

/**
 * The logical name of the provider of an account and region: `pipeline-account` for the pipeline's
 * own, `target-account` for a target with legacy names (what the single-target stack called its
 * target's), else from the account and region. A provider's name is part of every resource's
 * provider reference: renaming it would move them all.
 */
export function providerName(config: StackConfig, p: Placement): string {
    const pipeline = { accountId: config.pipelineAccount.accountId, region: config.region };
    const legacy = config.targets.find(t => t.legacyNames);
    if (placementKey(p) === placementKey(pipeline)) {
        return "pipeline-account";
    }
    if (legacy && placementKey(p) === placementKey({ accountId: legacy.account.accountId, region: legacy.region })) {
        return "target-account";
    }
    return p.accountId === pipeline.accountId ? `pipeline-account-${p.region}` : `account-${p.accountId}-${p.region}`;
}

/**
 * One provider per account and region the stack touches: the pipeline account in its region, in
 * each target's region (artifact stores) and where a Slack channel's configuration is made, each
 * target's account in its region. Each pins
 * `allowedAccountIds`, so credentials (after `assumeRoles`) of any other account make it refuse.
 */
export function accountProviders(config: StackConfig): (p: Placement) => aws.Provider {
    const accounts = new Map<string, AccountConfig>([[config.pipelineAccount.accountId, config.pipelineAccount],
        ...config.targets.map(t => [t.account.accountId, t.account] as const)]);
    const placements: Placement[] = [{ accountId: config.pipelineAccount.accountId, region: config.region },
        ...config.targets.flatMap(t => [{ accountId: config.pipelineAccount.accountId, region: t.region }, { accountId: t.account.accountId, region: t.region }]),
        // A Slack channel's configuration, where AWS Chatbot's API runs.
        ...config.notifications?.slack ? [{ accountId: config.pipelineAccount.accountId, region: config.notifications.slack.region }] : []];
    const providers = new Map<string, aws.Provider>();
    // A placement comes up once per target in its region: its provider is made the first time only
    // (a second provider of one name is one URN twice, which the engine refuses).
    for (const p of placements) {
        if (!providers.has(placementKey(p))) {
            const side: Side = p.accountId === config.pipelineAccount.accountId ? "pipeline" : "target";
            providers.set(placementKey(p), accountProvider(config, providerName(config, p), side, p.region, accounts.get(p.accountId)!));
        }
    }
    return p => providers.get(placementKey(p))!;
}

function accountProvider(config: StackConfig, name: string, side: Side, region: string, account: AccountConfig): aws.Provider {
    return new aws.Provider(name, {
        region: region as aws.Region,
        allowedAccountIds: [account.accountId],
        assumeRoles: account.provisioningRoleArn
            ? [{ roleArn: account.provisioningRoleArn, sessionName: roleSessionName(config) }]
            : undefined,
        defaultTags: { tags: { project: config.project, stack: config.stack, "pipeline-side": side } },
    });
}
