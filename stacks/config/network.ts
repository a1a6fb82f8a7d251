// Where a created target's tasks and load balancer run, and who may reach it.
import { z } from "zod";
import { existingVpcComplete, networkAddress } from "./blockRules";
import { between, matching, wholeNumber } from "./values";
import { ALWAYS } from "./rule";

const OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
/** An IPv4 CIDR block with a prefix from `min` to `max` whose host bits are zero (as AWS requires). */
export const cidr = (min: number, max: number) =>
    z.string().regex(new RegExp(`^(${OCTET}\\.){3}${OCTET}\\/(${between(min, max).join("|")})$`))
        .superRefine(networkAddress, ALWAYS)
        .meta({ expected: `an IPv4 CIDR block (octets 0-255, prefix /${min} to /${max})` });

export const NetworkSchema = z.strictObject({
    subnets: z.enum(["private", "public"])
        .meta({ expected: "private (tasks behind one NAT gateway) or public (tasks with public IPs, no NAT)" }).default("private")
        .describe("private: tasks in private subnets behind one NAT gateway; public: tasks with public IPs, no NAT (a sandbox).")
        .meta({ examples: ["private"] }),
    cidrBlock: cidr(16, 24).default("10.0.0.0/16").describe("The CIDR block of a created VPC.").meta({ examples: ["10.0.0.0/16"] }),
    availabilityZones: wholeNumber(2, 6, "zones").default(2)
        .describe("Availability zones of a created VPC; the load balancer needs two.").meta({ examples: [2] }),
    vpcId: matching(/^vpc-[0-9a-f]{8,17}$/, "an existing VPC id").optional()
        .describe("Use this VPC and the subnets below instead of creating a VPC.")
        .meta({ examples: ["vpc-0123456789abcdef0"], derivedDefault: "none: create a VPC" }),
    publicSubnetIds: subnetIds().describe("With vpcId: the subnets of the load balancer (and of public tasks)."),
    privateSubnetIds: subnetIds().describe("With vpcId and subnets: private: the subnets of the tasks."),
}).superRefine(existingVpcComplete, ALWAYS).meta({ examples: [{ subnets: "public" }] });

export function cidrs() {
    return z.array(cidr(0, 32)).meta({ expected: "a list of IPv4 CIDR blocks (octets 0-255, prefix /0 to /32, host bits zero)" });
}

function subnetIds() {
    return z.array(matching(/^subnet-[0-9a-f]{8,17}$/, "a subnet id")).min(2)
        .meta({ expected: "a list of at least two subnet ids in different availability zones" }).optional()
        .meta({ examples: [["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]], derivedDefault: "none" });
}

