import * as crypto from "crypto";
import { alarmDefinitions, alarmSuffixes } from "../components/alarms";
import { RELEASE_TAG_PREFIX } from "../components/buildspec";
import { pipelineStages } from "./config/releasePath";
import { StackConfig, TargetConfig } from "./config/stackConfig";
import { AUTO_NAME_RANDOM, CHATBOT_TOPIC, NAME_LIMITS, NameLimit, nameProblem } from "./nameLimits";

/** A name in parts: only `body` (made of project and stack names, or taken from config) is cleaned and cut. */
export interface NameParts {
    head?: string;
    body: string;
    tail?: string;
}

const HASH_LENGTH = 8;
const ALPHANUMERIC_EDGES = /^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g;

/**
 * A physical name that every given limit accepts. A name that fits is returned unchanged, so
 * the names of existing stacks never change (a renamed role or cluster is a replaced one).
 * One that does not fit is rewritten: characters a limit refuses become `-`, runs of
 * separators become one, the body is cut to fit, and 8 hex characters of a hash of the whole
 * intended name follow it. The hash keeps two rewritten names apart (`a.b` and `a-b`, or two
 * long stack names that start alike) and is the same on every run.
 */
export function fitName(parts: NameParts | string, ...limits: NameLimit[]): string {
    const { head = "", body, tail = "" } = typeof parts === "string" ? { body: parts } : parts;
    const whole = `${head}${body}${tail}`;
    if (limits.every(limit => !nameProblem(whole, limit))) {
        return whole;
    }
    const allowed = (c: string) => limits.every(limit => limit.chars.test(c));
    const cased = limits.some(limit => limit.lowercase) ? body.toLowerCase() : body;
    const clean = [...cased].map(c => allowed(c) ? c : "-").join("")
        .replace(/[^A-Za-z0-9]{2,}/g, "-")
        .replace(ALPHANUMERIC_EDGES, "");
    const hash = crypto.createHash("sha256").update(whole).digest("hex").slice(0, HASH_LENGTH);
    const room = Math.min(...limits.map(limit => limit.max)) - head.length - tail.length - HASH_LENGTH - 1;
    const cut = clean.slice(0, Math.max(0, room)).replace(ALPHANUMERIC_EDGES, "");
    const fitted = `${head}${cut ? `${cut}-` : ""}${hash}${tail}`;
    const problem = limits.map(limit => nameProblem(fitted, limit)).find(p => p !== undefined);
    if (problem) {
        // Only a head or tail that breaks the limit itself gets here: a mistake in this program.
        throw new Error(`cannot fit the name ${whole}: ${problem}`);
    }
    return fitted;
}

/** The start of every derived physical name: project and stack, so two stacks can share an account. */
export function namePrefix(config: Pick<StackConfig, "project" | "stack">): string {
    return `${config.project}-${config.stack}`;
}

/** The session name of the provisioning role's sessions: who provisioned, in CloudTrail. */
export function roleSessionName(config: Pick<StackConfig, "project" | "stack">): string {
    return fitName(namePrefix(config), NAME_LIMITS.roleSession);
}

/**
 * Every physical name the program derives, fitted to AWS's limits. Role names are known from
 * config before anything exists, so each account's policies can name the other's roles (no
 * cycle between the accounts); the execution roles' are in the image repository's policy.
 */
export function stackNames(config: StackConfig) {
    const prefix = namePrefix(config);
    const role = (tail: string) => fitName({ body: prefix, tail: `-${tail}` }, NAME_LIMITS.iamRole);
    return {
        pipeline: fitName(prefix, NAME_LIMITS.codepipeline),
        /** CodeBuild takes no dots where CodePipeline does: the two may differ. */
        buildProject: fitName(prefix, NAME_LIMITS.codebuildProject),
        releaseProject: fitName({ body: prefix, tail: "-release" }, NAME_LIMITS.codebuildProject),
        checkProject: fitName({ body: prefix, tail: "-check" }, NAME_LIMITS.codebuildProject),
        keyAlias: fitName({ head: "alias/", body: prefix, tail: "-artifacts" }, NAME_LIMITS.kmsAlias),
        imageRepository: fitName(config.images.repositoryName, NAME_LIMITS.ecrRepository),
        /** A created source connection, and a created host: what someone finds in the console to complete their handshakes. */
        sourceConnection: fitName(prefix, NAME_LIMITS.codeconnectionsConnection),
        sourceHost: fitName(prefix, NAME_LIMITS.codeconnectionsHost),
        roles: { pipeline: role("pipeline"), build: role("build"), events: role("events"), chatbot: role("chatbot") },
        /** Where the pipeline tells people: its topic, the topic key's alias, the notification rule, the Slack channel and its guardrail. */
        notifications: {
            topic: fitName({ body: prefix, tail: "-notifications" }, NAME_LIMITS.snsTopic, ...config.notifications?.slack ? [CHATBOT_TOPIC] : []),
            keyAlias: fitName({ head: "alias/", body: prefix, tail: "-notifications" }, NAME_LIMITS.kmsAlias),
            rule: fitName(prefix, NAME_LIMITS.notificationRule),
            slack: fitName(prefix, NAME_LIMITS.chatbotConfiguration),
            guardrail: fitName({ body: prefix, tail: "-chatbot-guardrail" }, NAME_LIMITS.iamPolicy),
        },
        targets: config.targets.map(t => targetNames(prefix, t)),
        stages: pipelineStages(config.targets).map(stage => ({
            ...stage,
            /**
             * The tag the release marker adds to an image the stage deployed; the stage of a target with legacy names keeps the
             * single-target program's tag, so the images it released stay kept. A `.` ends the stage name (which has none).
             */
            releaseTagPrefix: stage.targets.some(t => t.legacyNames) ? RELEASE_TAG_PREFIX : `release.${stage.name}.`,
            /**
             * A wave's image is tagged before its deploys too: if some deploys fail, the targets that deployed run it, and the
             * release marker (after all deploys) does not run.
             */
            attemptTagPrefix: stage.targets.length > 1 ? `attempt.${stage.name}.` : undefined,
            /**
             * The stage of its approval, if a target asks for one (see approvalStage in components/pipeline/releasePath.ts). `_` is in no
             * target or wave name, so it is never another stage's name, even compared without case.
             */
            approvalStage: stage.approval ? `${APPROVAL_STAGE_PREFIX}${stage.name}` : undefined,
        })),
    };
}

/** What an approval's own stage is named: this, then the name of the stage it approves. */
export const APPROVAL_STAGE_PREFIX = "Approve_";

export type StackNames = ReturnType<typeof stackNames>;
export type TargetNames = ReturnType<typeof targetNames>;

/**
 * A target's names. A target with `legacyNames` keeps what the single-target program gave its one
 * target (roles `<project>-<stack>-deploy`, logical names `target` and `deploy`), so a converted
 * stack replaces nothing; every other target's names come from its `name`, never from its place in
 * the path, so reordering targets renames nothing (renaming one is a new target).
 */
function targetNames(prefix: string, t: TargetConfig) {
    const body = t.legacyNames ? prefix : `${prefix}-${t.name}`;
    const role = (tail: string) => fitName({ body, tail: `-${tail}` }, NAME_LIMITS.iamRole);
    const logical = t.legacyNames ? { target: "target", deploy: "deploy" } : { target: `${t.name}-target`, deploy: `${t.name}-deploy` };
    return {
        name: t.name,
        /** Logical names of the target's components; their children's names start with them (but `created.balancerNames`, when fitted). */
        logical,
        roles: { deploy: role("deploy"), task: role("task"), execution: role("task-execution"), codeDeploy: role("codedeploy") },
        /** A created target's names; an existing target's are used as config gives them. */
        created: t.create && createdNames(t.create, logical.target),
        /** The files the build writes for this target, which its deploy action reads. */
        files: { taskDefinition: `taskdef-${t.name}.json`, appSpec: `appspec-${t.name}.yaml` },
    };
}

/**
 * The logical name of a resource the program lets Pulumi name, fitted so that its auto-name (the
 * logical name, `-` and AUTO_NAME_RANDOM random characters) is within `limit`: pulumi-aws refuses
 * one that is not. A name that fits is unchanged, so a deployed resource keeps its URN.
 */
const autoNamed = (logical: string, limit: NameLimit) => fitName(logical, { ...limit, max: limit.max - 1 - AUTO_NAME_RANDOM });

/**
 * A created target's names: its service's (cluster, service, CodeDeploy application and group), task family's, rollback
 * alarms', and the logical names of its load balancer and target groups (children of its component, `component`).
 */
function createdNames(create: NonNullable<TargetConfig["create"]>, component: string) {
    const serviceName = fitName(create.serviceName, NAME_LIMITS.ecsCluster, NAME_LIMITS.ecsService,
        NAME_LIMITS.codedeployApplication, NAME_LIMITS.codedeployGroup);
    return {
        serviceName,
        taskFamily: fitName(create.taskFamily, NAME_LIMITS.ecsTaskFamily),
        balancerNames: {
            // ELB refuses a name that starts with internal- (its internal load balancers' DNS names do): a target named so puts alb- first.
            alb: autoNamed(component.startsWith("internal-") ? `alb-${component}` : `${component}-alb`, NAME_LIMITS.loadBalancer),
            blue: autoNamed(`${component}-blue`, NAME_LIMITS.targetGroup),
            green: autoNamed(`${component}-green`, NAME_LIMITS.targetGroup),
        },
        /** Each rollback alarm to create, named `<service>-<suffix>` (a target group alarm per group: `-blue-...`, `-green-...`). */
        alarms: create.rollbackAlarms && alarmDefinitions(create.rollbackAlarms).flatMap(definition => alarmSuffixes(definition)
            .map(({ suffix, targetGroup }) => ({ ...definition, suffix, targetGroup,
                alarmName: fitName({ body: serviceName, tail: `-${suffix}` }, NAME_LIMITS.cloudwatchAlarm) }))),
    };
}

/**
 * Physical names of the kept resources that have fixed names: after `pulumi destroy` they still
 * exist, and a new `up` of the stack must adopt them (config `adopt`) by these names, their import
 * ids. Absent: the stack does not create that resource.
 */
export function keptNames(config: StackConfig) {
    const names = stackNames(config);
    return {
        sourceRepository: config.source.provider === "CodeCommit" && config.source.create ? config.source.repositoryName : undefined,
        imageRepository: names.imageRepository,
        // CodeBuild's own convention for a project's log group.
        buildLogGroup: `/aws/codebuild/${names.buildProject}`,
        /** Each created target's container log group, by target name. */
        taskLogGroups: Object.fromEntries(names.targets.map(t => [t.name, t.created && `/ecs/${t.created.taskFamily}`])),
    };
}
