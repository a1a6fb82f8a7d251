// A stack's config as the program reads it: the schema's output with the defaults that depend on
// other keys or on the project and stack, and the types of its parts.
import { z } from "zod";
import { chatbotRegionFor } from "../../components/PipelineNotifications";
import { defaultListenerPort } from "../../components/target/ports";
import { DEFAULT_ARTIFACT_RETENTION_DAYS, minimumArtifactRetentionDays } from "./releasePath";
import { Config } from "./schema";
import { TargetSchema } from "./target";

/** A stack's validated configuration, every default filled in: one complete pipeline. */
export type StackConfig = ReturnType<typeof withDerivedDefaults>;
/** An AWS account that this program provisions into. */
export type AccountConfig = StackConfig["pipelineAccount"];
/** One target of the release path. */
export type TargetConfig = StackConfig["targets"][number];
/** An existing CodeDeploy-for-ECS blue/green target, made outside this program. */
export type ExistingTargetConfig = NonNullable<TargetConfig["existing"]>;
/** A source through CodeConnections: GitHub, GitLab, Bitbucket or a server of the user's own. */
export type ConnectionSourceConfig = Exclude<StackConfig["source"], { provider: "CodeCommit" }>;

/** The defaults that depend on other keys or on the project and stack (the schema's `derivedDefault`s). */
export function withDerivedDefaults(project: string, stack: string, c: Config) {
    const prefix = `${project}-${stack}`;
    return {
        project,
        stack,
        ...c,
        // The program knows what a rollback needs: an absent key is never too short.
        artifactRetentionDays: c.artifactRetentionDays ?? Math.max(DEFAULT_ARTIFACT_RETENTION_DAYS, minimumArtifactRetentionDays(c)),
        targets: c.targets.map(t => ({ ...t, region: t.region ?? c.region, ...deployTarget(t, t.legacyNames ? prefix : `${prefix}-${t.name}`) })),
        images: { ...c.images, repositoryName: c.images.repositoryName ?? prefix.toLowerCase() },
        notifications: c.notifications && {
            ...c.notifications,
            slack: c.notifications.slack && { ...c.notifications.slack, region: c.notifications.slack.region ?? chatbotRegionFor(c.region) },
        },
    };
}

/** A target's create or existing block with its defaults: a created one's service is `serviceName` by default. */
function deployTarget({ create, existing }: z.output<typeof TargetSchema>, serviceName: string) {
    if (existing) {
        return { create: undefined, existing: { ...existing, logGroupName: existing.logGroupName ?? `/ecs/${existing.taskFamily}` } };
    }
    const t = { ...create!, serviceName: create!.serviceName ?? serviceName };
    const { vpcId, publicSubnetIds, privateSubnetIds, ...network } = t.network;
    return {
        existing: undefined,
        create: {
            ...t,
            taskFamily: t.taskFamily ?? t.serviceName,
            productionPort: t.productionPort ?? defaultListenerPort(t.certificateArn !== undefined),
            network: {
                ...network,
                existing: vpcId ? { vpcId, publicSubnetIds: publicSubnetIds!, privateSubnetIds: privateSubnetIds ?? [] } : undefined,
            },
        },
    };
}

