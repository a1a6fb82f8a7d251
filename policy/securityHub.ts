// The AWS Foundational Security Best Practices (FSBP) controls of AWS Security Hub that apply to
// what the program creates, one rule each. Every control is data: the resource types it
// evaluates and why a resource fails it, read from the resource's properties (and, for a stack
// rule, from the resources that configure it). A resource may fail a control only if its
// `security-hub-exceptions` tag declares it (SECURITY.md gives the reason); a declaration a
// resource does not need fails too. SECURITY.md's control table is generated from these checks.
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { declaredExceptions, EXCEPTION_TAG } from "../components/securityHub";
import {
    codeBuildEncryptedS3Logs, codeBuildLogging, codeBuildNoCredentials, codeBuildUnprivileged, ecrImmutableTags,
    ecrLifecycle, ecrScanOnPush, kmsRotation, s3BlockPublicAccess, s3NoAcls, s3RequireTls,
} from "./fsbpArtifacts";
import type { FsbpControl } from "./fsbpControl";
import {
    containersLog, fargateLatest, insights, noHostNetwork, noHostPid, nonRootUser, noSecretsInEnvironment, readOnlyRoot,
    servicesNoPublicIps, taskSetsNoPublicIps, unprivilegedContainers,
} from "./fsbpEcs";
import {
    elbAccessLogs, elbDeletionProtection, elbDesyncMitigation, elbDropInvalidHeaders, elbMultipleZones, elbRedirectHttp,
    groupsAuthorizedPortsOnly, groupsNoHighRiskPorts, subnetsNoPublicIps, vpcDefaultGroupClosed, vpcFlowLogs,
} from "./fsbpNetwork";
import { label, read, UNKNOWN } from "./props";

export type { FsbpControl } from "./fsbpControl";

export type Status = "pass" | "exception" | "fail";

/** How one resource stands against one control, and what the pack reports about it. */
export function verdict(c: FsbpControl, r: PolicyResource, stack: PolicyResource[]): { status: Status; messages: string[] } {
    const failures = c.failures(r, stack);
    const tags = read(() => r.props.tags);
    const declared = (c.declared ? c.declared(r) : declaredExceptions(tags === UNKNOWN ? undefined : tags)).includes(c.id);
    const where = label(r.type, r.name);
    if (failures.length > 0) {
        return declared ? { status: "exception", messages: [] } : {
            status: "fail",
            messages: failures.map(f => `${where} fails Security Hub ${c.id} (${c.title}): ${f}. Fix it, or declare ${c.id} in its ` +
                `${EXCEPTION_TAG} tag and give the reason in SECURITY.md.`),
        };
    }
    return declared
        ? { status: "fail", messages: [`${where} declares an exception to Security Hub ${c.id} but passes it; ` +
            `remove ${c.id} from its ${EXCEPTION_TAG} tag.`] }
        : { status: "pass", messages: [] };
}

/** Whether a control evaluates a resource. */
export const applies = (c: FsbpControl, r: PolicyResource) => c.types.includes(r.type) && (c.appliesTo?.(r) ?? true);

export const ruleName = (c: FsbpControl) => c.name ?? `security-hub-${c.id.toLowerCase().replace(".", "-")}`;

/** The pack's rule for a control: mandatory, a resource rule unless the check reads the stack. */
export function ruleOf(c: FsbpControl): ResourceValidationPolicy | StackValidationPolicy {
    const common = {
        name: ruleName(c),
        description: `Security Hub ${c.id}, "${c.title}": ${c.checks} A resource whose ${EXCEPTION_TAG} tag lists ${c.id} ` +
            "fails it by the stack's choice (a documented exception).",
        enforcementLevel: "mandatory" as const,
    };
    if (c.stack) {
        return {
            ...common,
            validateStack: (args, report) => {
                for (const r of args.resources.filter(x => applies(c, x))) {
                    verdict(c, r, args.resources).messages.forEach(m => report(m, r.urn));
                }
            },
        };
    }
    return {
        ...common,
        validateResource: (args, report) => {
            const r: PolicyResource = { type: args.type, name: args.name, urn: args.urn, props: args.props, opts: args.opts,
                dependencies: [], propertyDependencies: {}, isType: args.isType, asType: args.asType };
            if (applies(c, r)) {
                verdict(c, r, []).messages.forEach(m => report(m));
            }
        },
    };
}

/** The FSBP controls that apply to what the program creates, in Security Hub's order. */
export const FSBP_CONTROLS: FsbpControl[] = [
    codeBuildNoCredentials, codeBuildEncryptedS3Logs, codeBuildLogging, codeBuildUnprivileged,
    vpcDefaultGroupClosed, vpcFlowLogs, subnetsNoPublicIps, groupsAuthorizedPortsOnly, groupsNoHighRiskPorts,
    ecrScanOnPush, ecrImmutableTags, ecrLifecycle,
    servicesNoPublicIps, noHostPid, unprivilegedContainers, readOnlyRoot, noSecretsInEnvironment, containersLog, fargateLatest,
    insights, taskSetsNoPublicIps, noHostNetwork, nonRootUser,
    elbRedirectHttp, elbDropInvalidHeaders, elbAccessLogs, elbDeletionProtection, elbDesyncMitigation, elbMultipleZones,
    kmsRotation, s3RequireTls, s3BlockPublicAccess, s3NoAcls,
];
