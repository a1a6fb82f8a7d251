// Security Hub's FSBP controls on the network: VPCs, subnets and security groups, and load
// balancers (policy/securityHub.ts lists them all).
import type { PolicyResource } from "@pulumi/policy";
import { AUTHORIZED_PUBLIC_PORTS, declaredExceptions, HIGH_RISK_PORTS, isInternet } from "../components/securityHub";
import { at, FsbpControl, when } from "./fsbpControl";
import { configuring, label, list, UNKNOWN } from "./props";

const VPCS = ["aws:ec2/vpc:Vpc", "awsx:ec2:Vpc"];
const AWSX_VPC = "awsx:ec2:Vpc";
const SUBNET = "aws:ec2/subnet:Subnet";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";
const DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const LOAD_BALANCERS = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
const LISTENERS = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];

/** A VPC's id as other resources name it: awsx's `vpcId` output, or the VPC resource's `id`. */
const VPC_KEYS = ["vpcId", "id"];
const ofVpc = (vpc: PolicyResource, type: string, stack: PolicyResource[]) => configuring(vpc, type, stack, "vpcId", VPC_KEYS);

// ---------------------------------------------------------------- the network

export const vpcDefaultGroupClosed: FsbpControl = {
    id: "EC2.2", title: "VPC default security groups should not allow inbound or outbound traffic",
    checks: "every VPC the stack creates has its default security group adopted by a DefaultSecurityGroup without rules.",
    types: VPCS, stack: true,
    failures: (vpc, stack) => {
        const groups = ofVpc(vpc, DEFAULT_SECURITY_GROUP, stack);
        if (groups.length === 0) {
            return ["no aws:ec2/defaultSecurityGroup:DefaultSecurityGroup removes the rules of its default security group"];
        }
        return groups.filter(g => [at(g, "ingress"), at(g, "egress")].some(rules => rules !== UNKNOWN && list(rules as any[]).length > 0))
            .map(g => `${label(g.type, g.name)} leaves rules in the default security group`);
    },
};

export const vpcFlowLogs: FsbpControl = {
    id: "EC2.6", title: "VPC flow logging should be enabled in all VPCs",
    checks: "every VPC the stack creates has a flow log.",
    types: VPCS, stack: true,
    failures: (vpc, stack) => ofVpc(vpc, FLOW_LOG, stack).length > 0 ? [] : ["no flow log records its traffic"],
};

/** awsx's subnet specs, or its default layout (a public and a private subnet per zone) without them. */
const subnetSpecs = (vpc: PolicyResource) => {
    const specs = at(vpc, "subnetSpecs");
    return specs === UNKNOWN ? [] : specs === undefined ? [{ type: "Public" }, { type: "Private" }] : list(specs as any[]);
};
const publicSpecs = (vpc: PolicyResource) => subnetSpecs(vpc).filter(s => String(s.type).toLowerCase() === "public");

export const subnetsNoPublicIps: FsbpControl = {
    id: "EC2.15", title: "EC2 subnets should not automatically assign public IP addresses",
    checks: "no subnet maps public IPs on launch; an awsx VPC's public subnets always do (awsx takes no setting for it).",
    types: [SUBNET, AWSX_VPC],
    failures: r => r.type === AWSX_VPC
        ? publicSpecs(r).length > 0 ? ["awsx sets mapPublicIpOnLaunch on its public subnets"] : []
        : when(at(r, "mapPublicIpOnLaunch"), v => v === true, "mapPublicIpOnLaunch is true"),
    // An awsx VPC declares it on the subnets it makes: every public subnet spec's tags.
    declared: r => r.type === AWSX_VPC
        ? publicSpecs(r).length > 0 && publicSpecs(r).every(s => declaredExceptions(s.tags).includes("EC2.15")) ? ["EC2.15"] : []
        : declaredExceptions(at(r, "tags")),
};

/** The TCP/UDP port ranges a security group opens to the whole internet, from its inline and separate ingress rules. */
function internetPorts(group: PolicyResource, stack: PolicyResource[]): [number, number][] {
    const range = (rule: Record<string, any>, protocol: unknown): [number, number] =>
        ["-1", "all"].includes(String(protocol)) ? [0, 65535] : [Number(rule.fromPort), Number(rule.toPort)];
    const inline = list(at(group, "ingress") === UNKNOWN ? [] : at(group, "ingress") as any[])
        .filter(r => [...list(r.cidrBlocks), ...list(r.ipv6CidrBlocks)].some(isInternet)).map(r => range(r, r.protocol));
    const separate = configuring(group, INGRESS_RULE, stack, "securityGroupId", ["id"])
        .filter(r => isInternet(at(r, "cidrIpv4")) || isInternet(at(r, "cidrIpv6"))).map(r => range(r.props, at(r, "ipProtocol")));
    const legacy = configuring(group, SECURITY_GROUP_RULE, stack, "securityGroupId", ["id"])
        .filter(r => at(r, "type") === "ingress" && [...list(at(r, "cidrBlocks") as any), ...list(at(r, "ipv6CidrBlocks") as any)].some(isInternet))
        .map(r => range(r.props, at(r, "protocol")));
    return [...inline, ...separate, ...legacy];
}
const ports = ([from, to]: [number, number]) => from === to ? `${from}` : `${from}-${to}`;

export const groupsAuthorizedPortsOnly: FsbpControl = {
    id: "EC2.18", title: "Security groups should only allow unrestricted incoming traffic for authorized ports",
    checks: `no security group opens a port other than ${AUTHORIZED_PUBLIC_PORTS.join(" or ")} to 0.0.0.0/0 or ::/0.`,
    types: [SECURITY_GROUP], stack: true,
    failures: (group, stack) => internetPorts(group, stack)
        .filter(([from, to]) => !(from === to && AUTHORIZED_PUBLIC_PORTS.includes(from)))
        .map(r => `it opens port ${ports(r)} to the internet`),
};

export const groupsNoHighRiskPorts: FsbpControl = {
    id: "EC2.19", title: "Security groups should not allow unrestricted access to ports with high risk",
    checks: `no security group opens a high-risk port (${HIGH_RISK_PORTS.join(", ")}) to 0.0.0.0/0 or ::/0.`,
    types: [SECURITY_GROUP], stack: true,
    failures: (group, stack) => internetPorts(group, stack)
        .filter(([from, to]) => HIGH_RISK_PORTS.some(p => p >= from && p <= to))
        .map(r => `it opens the high-risk port range ${ports(r)} to the internet`),
};

// ---------------------------------------------------------------- load balancers

const isApplication = (lb: PolicyResource) => [undefined, "application"].includes(at(lb, "loadBalancerType") as any);

export const elbRedirectHttp: FsbpControl = {
    id: "ELB.1", title: "Application Load Balancer should be configured to redirect all HTTP requests to HTTPS",
    checks: "every HTTP listener of an application load balancer only redirects to HTTPS.",
    types: LOAD_BALANCERS, stack: true,
    failures: (lb, stack) => !isApplication(lb) ? [] : LISTENERS
        .flatMap(type => configuring(lb, type, stack, "loadBalancerArn", ["arn"]))
        .filter(l => at(l, "protocol") === "HTTP")
        .filter(l => { const actions = at(l, "defaultActions"); return actions !== UNKNOWN &&
            !list(actions as any[]).every(a => a.type === "redirect" && a.redirect?.protocol === "HTTPS"); })
        .map(l => `${label(l.type, l.name)} serves plain HTTP instead of redirecting to HTTPS`),
};

export const elbDropInvalidHeaders: FsbpControl = {
    id: "ELB.4", title: "Application Load Balancer should be configured to drop invalid http headers",
    checks: "every application load balancer sets dropInvalidHeaderFields: true.",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb) ? when(at(lb, "dropInvalidHeaderFields"), v => v !== true, "dropInvalidHeaderFields is not true") : [],
};

export const elbAccessLogs: FsbpControl = {
    id: "ELB.5", title: "Application and Classic Load Balancers logging should be enabled",
    checks: "every application load balancer writes access logs to a bucket.",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb) ? when(at(lb, "accessLogs"), v => v?.enabled !== true || !v?.bucket, "its access logs are off") : [],
};

export const elbDeletionProtection: FsbpControl = {
    id: "ELB.6", title: "Application, Gateway, and Network Load Balancers should have deletion protection enabled",
    checks: "every load balancer sets enableDeletionProtection: true.",
    types: LOAD_BALANCERS,
    failures: lb => when(at(lb, "enableDeletionProtection"), v => v !== true, "enableDeletionProtection is not true"),
};

export const elbDesyncMitigation: FsbpControl = {
    id: "ELB.12", title: "Application Load Balancer should be configured with defensive or strictest desync mitigation mode",
    checks: "no application load balancer sets desyncMitigationMode to monitor (AWS's default is defensive).",
    types: LOAD_BALANCERS,
    failures: lb => isApplication(lb)
        ? when(at(lb, "desyncMitigationMode"), v => v !== undefined && !["defensive", "strictest"].includes(v), "desyncMitigationMode is monitor")
        : [],
};

export const elbMultipleZones: FsbpControl = {
    id: "ELB.13", title: "Application, Network and Gateway Load Balancers should span multiple Availability Zones",
    checks: "every load balancer has subnets (or subnet mappings) in at least two zones.",
    types: LOAD_BALANCERS,
    failures: lb => {
        const subnets = [at(lb, "subnets"), at(lb, "subnetMappings")];
        return subnets.includes(UNKNOWN) || subnets.some(s => list(s as any[]).length >= 2) ? [] : ["it has fewer than two subnets"];
    },
};
