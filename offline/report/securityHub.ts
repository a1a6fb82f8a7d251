// Security Hub's FSBP controls over one evaluation, with the policy pack's own checks
// (policy/securityHub.ts): how each resource stands against each control. The tests and
// SECURITY.md's control table read the same results.
import { applies, FSBP_CONTROLS, FsbpControl, Status, verdict } from "../../policy/securityHub";
import { Evaluation } from "../engine/engine";
import { stackArgs } from "../engine/policyArgs";

export interface ControlResult {
    control: FsbpControl;
    /** Every resource of the stack the control evaluates, by logical name and type. */
    resources: { name: string; type: string; status: Status; messages: string[] }[];
}

/** Each control's verdict on each resource it evaluates, as the pack's rules decide it (on the stack's outputs). */
export function controlResults(e: Evaluation): ControlResult[] {
    const { resources } = stackArgs(e);
    return FSBP_CONTROLS.map(control => ({
        control,
        resources: resources.filter(r => applies(control, r))
            .map(r => ({ name: r.name, type: r.type, ...verdict(control, r, resources) })),
    }));
}

/** `<control>@<logical name>` of every documented exception in an evaluation. */
export function exceptionsOf(results: ControlResult[]): string[] {
    return results.flatMap(({ control, resources }) =>
        resources.filter(r => r.status === "exception").map(r => `${control.id}@${r.name}`)).sort();
}

/** Every failure (undeclared, or declared but not needed) in an evaluation, as the pack reports it. */
export function failuresOf(results: ControlResult[]): string[] {
    return results.flatMap(({ resources }) => resources.flatMap(r => r.messages));
}

/** An FSBP control a stack may fail by its own choice: when, why, and what limits the risk. */
export interface DocumentedException {
    /** The configuration that makes it an exception. */
    when: string;
    reason: string;
    compensating: string;
}

/**
 * Every exception the program may declare (in a resource's security-hub-exceptions tag), with its
 * reason and compensating controls: SECURITY.md prints them, and a test fails on a declared
 * exception without an entry here.
 */
export const DOCUMENTED_EXCEPTIONS: Record<string, DocumentedException> = {
    "CodeBuild.5": {
        when: "always, on the build project (the release marker is not privileged)",
        reason: "the build runs `docker build`, and CodeBuild runs the Docker daemon only in privileged mode",
        compensating: "the build role may push to one image repository and read and write this pipeline's artifacts, nothing " +
            "else (access table); the build's environment holds names and ARNs, no credentials (CodeBuild.2); each build runs " +
            "in a fresh CodeBuild environment outside any VPC, discarded after the build; only this repository's branch starts it",
    },
    "EC2.15": {
        when: "a created VPC (no `network.vpcId`): its public subnets",
        reason: "`@pulumi/awsx` maps public IPs on launch in the public subnets it makes and takes no setting for it",
        compensating: "nothing the program runs there takes the subnet's default: the load balancer's nodes and the NAT gateway " +
            "address themselves, and a task gets a public IP only through the service's `assignPublicIp` (ECS.2); no EC2 " +
            "instances are launched; the VPC's default security group is closed (EC2.2). With `network.vpcId` the subnets are yours",
    },
    "EC2.18": {
        when: "`ingressCidrs` or `testCidrs` include 0.0.0.0/0 for a listener port other than 80 or 443",
        reason: "the stack serves that port to the whole internet by choice",
        compensating: "only the load balancer's security group opens it, for that listener's port alone; the tasks admit the load " +
            "balancer only, on the container port",
    },
    "EC2.19": {
        when: "`ingressCidrs` or `testCidrs` include 0.0.0.0/0 for a listener on a high-risk port (3000, 5000, 8080, 8888, ...)",
        reason: "the stack serves that port to the whole internet by choice",
        compensating: "the port is a load balancer listener, not a server's: requests reach the tasks only through the " +
            "load balancer, which drops invalid headers (ELB.4) and mitigates desync (ELB.12)",
    },
    "ECS.2": {
        when: "`network.subnets: public` (a sandbox without a NAT gateway)",
        reason: "tasks in public subnets need public IPs to pull images and write logs",
        compensating: "the tasks' security group admits only the load balancer, on the container port, and lets out only HTTPS; " +
            "the task role has no permissions until the application adds them. Production keeps the default, private subnets",
    },
    "ECS.16": {
        when: "`network.subnets: public`: the task sets CodeDeploy creates for the service",
        reason: "each deployment's task set takes the service's network (appspec.yaml), public IPs included",
        compensating: "as for ECS.2",
    },
    "ECS.5": {
        when: "`readonlyRootFilesystem: false`: the first task definition and those the build renders",
        reason: "the application writes to its root file system",
        compensating: "the containers are not privileged (ECS.4) and run as `containerUser`; what a task writes lives and dies " +
            "with the task; the image itself is immutable in ECR",
    },
    "ECS.20": {
        when: "`containerUser` is root or 0: the first task definition and those the build renders",
        reason: "the application needs root, for example to listen below port 1024",
        compensating: "the containers are not privileged (ECS.4) and get no added Linux capabilities; Fargate runs each task in " +
            "its own isolated environment; the root file system stays read-only unless ECS.5 is excepted too",
    },
    "ELB.1": {
        when: "no `certificateArn`: the listeners speak plain HTTP",
        reason: "without a certificate there is no HTTPS to redirect to (a sandbox)",
        compensating: "`ingressCidrs` narrows who reaches the production listener and `testCidrs` the test listener; with a " +
            "certificate, port 80 only redirects to HTTPS",
    },
    "ELB.6": {
        when: "`deletionProtection: false` (a staging or sandbox target)",
        reason: "the target is torn down with `pulumi destroy` and made again",
        compensating: "`pulumi up` re-creates it; its logs are kept on destroy (`retainOnDelete`). Production keeps the default, " +
            "true, which also stops `pulumi destroy` before it deletes anything",
    },
};
