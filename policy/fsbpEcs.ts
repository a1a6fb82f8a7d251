// Security Hub's FSBP controls on ECS: clusters, services and task sets, and task definitions, both
// registered ones and the ones a build renders (policy/securityHub.ts lists them all).
import type { PolicyResource } from "@pulumi/policy";
import { isRootUser } from "../components/securityHub";
import { at, environmentOf, FsbpControl, PROJECT, when } from "./fsbpControl";
import { list, UNKNOWN } from "./props";

const CLUSTER = "aws:ecs/cluster:Cluster";
const SERVICE = "aws:ecs/service:Service";
const TASK_SET = "aws:ecs/taskSet:TaskSet";
const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";

/** The container definitions of a task definition (a JSON string, as the provider takes them). */
function containers(r: PolicyResource): Record<string, any>[] {
    const value = at(r, "containerDefinitions");
    if (typeof value === "string") {
        try {
            return list(JSON.parse(value));
        } catch {
            return [];
        }
    }
    return Array.isArray(value) ? value : [];
}

// ---------------------------------------------------------------- ECS

export const insights: FsbpControl = {
    id: "ECS.12", title: "ECS clusters should use Container Insights",
    checks: "every cluster sets containerInsights to enabled or enhanced.",
    types: [CLUSTER],
    failures: c => when(at(c, "settings"),
        v => !list(v as any[]).some(s => s.name === "containerInsights" && ["enabled", "enhanced"].includes(s.value)),
        "its containerInsights setting is not enabled"),
};

const assignsPublicIp = (r: PolicyResource) => at(r, "networkConfiguration", "assignPublicIp");

export const servicesNoPublicIps: FsbpControl = {
    id: "ECS.2", title: "ECS services should not have public IP addresses assigned to them automatically",
    checks: "no service sets networkConfiguration.assignPublicIp.",
    types: [SERVICE],
    failures: s => when(assignsPublicIp(s), v => v === true, "its tasks get public IPs (assignPublicIp)"),
};

export const taskSetsNoPublicIps: FsbpControl = {
    id: "ECS.16", title: "ECS task sets should not automatically assign public IP addresses",
    checks: "no task set assigns public IPs; a service deployed by CodeDeploy (or an external controller) gets task sets with its own network.",
    types: [SERVICE, TASK_SET],
    failures: r => r.type === SERVICE && !["CODE_DEPLOY", "EXTERNAL"].includes(at(r, "deploymentController", "type") as any) ? []
        : when(assignsPublicIp(r), v => v === true, r.type === SERVICE ? "the task sets of its deployments get public IPs" : "it assigns public IPs"),
};

/** A build that renders task definitions: one per entry of the targets' list in its project's environment. */
const renders = (r: PolicyResource) => r.type === PROJECT && "DEPLOY_TARGETS_PARTS" in environmentOf(r);
/**
 * The targets a build renders task definitions for: the list's parts DEPLOY_TARGETS_1 ..
 * DEPLOY_TARGETS_<DEPLOY_TARGETS_PARTS> joined in order; undefined while a part is not known (a
 * preview); "unreadable" when the parts do not join to one JSON list (a part missing, cut wrong).
 */
function rendered(r: PolicyResource): Record<string, any>[] | "unreadable" | undefined {
    const environment = environmentOf(r);
    const count = environment.DEPLOY_TARGETS_PARTS?.value;
    const parts = count === UNKNOWN ? [UNKNOWN] : Array.from({ length: Number(count) || 0 }, (_, i) => environment[`DEPLOY_TARGETS_${i + 1}`]?.value);
    if (parts.includes(UNKNOWN)) {
        return undefined;
    }
    try {
        const targets = parts.length > 0 && parts.every(p => typeof p === "string") ? JSON.parse(parts.join("")) : undefined;
        return Array.isArray(targets) ? targets : "unreadable";
    } catch {
        return "unreadable";
    }
}
/** Each rendered task definition that `bad` finds, as a failure; a list that does not read fails too (the build would not render). */
const eachRendered = (bad: (t: Record<string, any>) => boolean, failure: string) => (r: PolicyResource) => {
    const targets = rendered(r);
    return targets === undefined ? [] : targets === "unreadable"
        ? ["its targets' list (DEPLOY_TARGETS_1 .. DEPLOY_TARGETS_<DEPLOY_TARGETS_PARTS>) does not join to one JSON list"]
        : targets.filter(bad).map(t => `the task definition it renders in ${t.files?.taskDefinition} ${failure}`);
};
const eachContainer = (check: (c: Record<string, any>) => string | undefined) => (r: PolicyResource) =>
    containers(r).map(check).filter((f): f is string => !!f);

const taskDefinitionRule = (id: string, title: string, checks: string, check: (c: Record<string, any>) => string | undefined,
    task?: (r: PolicyResource) => string[]): FsbpControl =>
    ({ id, title, checks, types: [TASK_DEFINITION], failures: r => [...task?.(r) ?? [], ...eachContainer(check)(r)] });

export const noHostPid = taskDefinitionRule("ECS.3", "ECS task definitions should not share the host's process namespace",
    "no task definition sets pidMode: host.", () => undefined,
    r => when(at(r, "pidMode"), v => v === "host", "pidMode is host"));

export const unprivilegedContainers = taskDefinitionRule("ECS.4", "ECS containers should run as non-privileged",
    "no container of a task definition is privileged.", c => c.privileged === true ? `container ${c.name} is privileged` : undefined);

export const noSecretsInEnvironment = taskDefinitionRule("ECS.8", "Secrets should not be passed as container environment variables",
    "no container has AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY or ECS_ENGINE_AUTH_DATA in its environment.",
    c => list(c.environment).map((v: any) => v.name).find(n => ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"].includes(n))
        ? `container ${c.name} has a credential in its environment` : undefined);

export const containersLog = taskDefinitionRule("ECS.9", "ECS task definitions should have a logging configuration",
    "every container has a logConfiguration with a log driver.", c => c.logConfiguration?.logDriver ? undefined : `container ${c.name} has no log driver`);

export const noHostNetwork = taskDefinitionRule("ECS.17", "ECS task definitions should not use host network mode",
    "no task definition sets networkMode: host.", () => undefined,
    r => when(at(r, "networkMode"), v => v === "host", "networkMode is host"));

export const readOnlyRoot: FsbpControl = {
    id: "ECS.5", title: "ECS containers should be limited to read-only access to root filesystems",
    checks: "every container of a task definition sets readonlyRootFilesystem: true, and so does every task definition a build " +
        "renders (each entry of the targets' list in the project's environment, DEPLOY_TARGETS_<n>, has readonlyRootFilesystem: true).",
    types: [TASK_DEFINITION, PROJECT],
    appliesTo: r => r.type !== PROJECT || renders(r),
    failures: r => r.type === PROJECT
        ? eachRendered(t => t.readonlyRootFilesystem !== true, "has a writable root file system")(r)
        : eachContainer(c => c.readonlyRootFilesystem === true ? undefined : `container ${c.name} has a writable root file system`)(r),
};

export const nonRootUser: FsbpControl = {
    id: "ECS.20", title: "ECS Task Definitions should configure non-root users in Linux container definitions",
    checks: "every container of a Linux task definition names a user that is not root, and so does every task definition a build " +
        "renders (each entry's containerUser in the targets' list, DEPLOY_TARGETS_<n>).",
    types: [TASK_DEFINITION, PROJECT],
    appliesTo: r => r.type !== PROJECT || renders(r),
    failures: r => {
        if (r.type === PROJECT) {
            return eachRendered(t => typeof t.containerUser !== "string" || t.containerUser === "" || isRootUser(t.containerUser), "runs as root")(r);
        }
        const family = at(r, "runtimePlatform", "operatingSystemFamily");
        return family !== undefined && family !== "LINUX" ? [] : eachContainer(c =>
            typeof c.user === "string" && c.user !== "" && !isRootUser(c.user) ? undefined : `container ${c.name} runs as root`)(r);
    },
};

export const fargateLatest: FsbpControl = {
    id: "ECS.10", title: "ECS Fargate services should run on the latest Fargate platform version",
    checks: "every Fargate service leaves platformVersion unset or LATEST.",
    types: [SERVICE],
    failures: s => at(s, "launchType") !== "FARGATE" ? []
        : when(at(s, "platformVersion"), v => v !== undefined && v !== "LATEST", "platformVersion pins an older Fargate platform"),
};
