// Rules within one block of the schema, each a named refinement its block runs (the blocks are in
// this folder); the rules across blocks are stacks/validation/rules.ts.
import { alarmCount, AlarmCondition, DEFAULT_ALARMS, MAX_ALARMS_PER_GROUP } from "../../components/alarms";
import { SELF_MANAGED_PROVIDERS } from "../../components/SourceConnection";
import { isRootUser } from "../../components/securityHub";
import { isBlock } from "./issues";
import { Ctx, problem, valid } from "./rule";
import { arnAccount, FARGATE_MEMORY } from "./values";

export function roleInOwnAccount(a: { accountId: string; provisioningRoleArn?: string }, ctx: Ctx) {
    if (valid(ctx, ["accountId"], ["provisioningRoleArn"]) && a.provisioningRoleArn &&
        arnAccount(a.provisioningRoleArn) !== a.accountId) {
        problem(ctx, ["provisioningRoleArn"], `a role in account ${a.accountId} (the block's accountId)`,
            `arn:aws:iam::${a.accountId}:role/pulumi-provisioner`);
    }
}

/** Exactly one of create and existing: with both, the problem is the second block (and what is wrong inside it is beside the point). */
export function exactlyOneTarget(t: { create?: object; existing?: object }, ctx: Ctx) {
    const expected = "a target with exactly one of create (a target this program makes) or existing (one made elsewhere)";
    if (isBlock(t) && t.create !== undefined && t.existing !== undefined) {
        problem(ctx, ["existing"], expected, "(remove existing, or create)", "supersedes");
    } else if (isBlock(t) && t.create === undefined && t.existing === undefined) {
        problem(ctx, [], expected, "{ name: prod, account: { accountId: \"222222222222\" }, create: { serviceName: my-service } }");
    }
}

export function exactlyOneOfPathAndUrl(check: { path?: string; url?: string }, ctx: Ctx) {
    if (isBlock(check) && (check.path === undefined) === (check.url === undefined)) {
        problem(ctx, [], "a block with exactly one of path (of a created target's URL) and url", "{ path: /health }");
    }
}


/** What the connection rules read of a source block (written out: the schema refers to the rules). */
export interface ConnectionSourceKeys {
    provider: string;
    repository: string;
    connectionArn?: string;
    host?: { arn?: string; endpoint?: string; vpc?: object };
    fullClone?: boolean;
}

/** GitHub and Bitbucket name a repository owner/name; GitLab nests groups. A host belongs to a created connection to a server. */
export function connectionSourceComplete(s: ConnectionSourceKeys, ctx: Ctx) {
    if (!isBlock(s)) {
        return;
    }
    const selfManaged = (SELF_MANAGED_PROVIDERS as readonly string[]).includes(s.provider);
    if (valid(ctx, ["provider"], ["repository"]) && !s.provider.startsWith("GitLab") && s.repository.split("/").length !== 2) {
        problem(ctx, ["repository"], `owner/repository: ${s.provider} names a repository by its owner and its name`, "my-org/my-service");
    }
    if (!valid(ctx, ["provider"], ["connectionArn"], ["host"])) {
        return;
    }
    if (s.connectionArn && s.host) {
        problem(ctx, ["host"], "no host with connectionArn: an existing connection has its host already", "(remove source.host)");
    } else if (s.host && !selfManaged) {
        problem(ctx, ["host"], `no host: ${s.provider} is a cloud service; hosts are for ${SELF_MANAGED_PROVIDERS.join(" and ")}`,
            "(remove source.host)");
    } else if (!s.connectionArn && selfManaged && !s.host) {
        problem(ctx, ["host"], `with provider ${s.provider} and no connectionArn, the host of your server (its endpoint, or an existing host's arn)`,
            "{ endpoint: https://github.example.com }");
    }
    // With a full clone the build itself runs `git clone` against the server
    // (https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-CodestarConnectionSource.html, "Full clone"),
    // from CodeBuild's network: the build project has no VPC, so a server reachable only in a VPC is out of its reach.
    if (s.host?.vpc && s.fullClone === true && valid(ctx, ["fullClone"])) {
        problem(ctx, ["fullClone"], "false with host.vpc: a full clone is made by the build, which runs outside the server's VPC and " +
            "cannot reach it (the source archive is fetched by CodeConnections, through the host's VPC)", "false");
    }
}

/** CodePipeline's valid push filters: tags alone, branches, or branches with file paths. */
export function pushFilterCombination(f: { tags?: object; branches?: object; filePaths?: object }, ctx: Ctx) {
    // It reads every key of the block: any mistake in it is reported at its own key, not as a combination.
    if (!valid(ctx, [])) {
        return;
    }
    if (f.tags && (f.branches || f.filePaths)) {
        problem(ctx, ["tags"], "tags in a filter of their own: CodePipeline filters on tags, branches, or branches with filePaths",
            "a second filter: [{ tags: { includes: [\"v*\"] } }, { branches: { includes: [main] } }]");
    } else if (f.filePaths && !f.branches) {
        problem(ctx, ["filePaths"], "filePaths beside branches: CodePipeline filters file paths only on the branches it names",
            "{ branches: { includes: [main] }, filePaths: { includes: [\"app/**\"] } }");
    } else if (!f.tags && !f.branches) {
        problem(ctx, [], "a block with tags, branches, or branches and filePaths", "{ tags: { includes: [\"v*\"] } }", "value");
    }
}

export function includesOrExcludes(c: { includes?: string[]; excludes?: string[] }, ctx: Ctx) {
    if (isBlock(c) && c.includes === undefined && c.excludes === undefined) {
        problem(ctx, [], "a block with includes, excludes or both", "{ includes: [main] }", "value");
    }
}

export function oneHost(h: { arn?: string; endpoint?: string; vpc?: object }, ctx: Ctx) {
    if (!isBlock(h)) {
        return;
    }
    if ((h.arn === undefined) === (h.endpoint === undefined)) {
        problem(ctx, [], "a block with exactly one of arn (an existing host) or endpoint (a host to create)",
            "{ endpoint: https://github.example.com }", "supersedes");
    } else if (h.arn && h.vpc) {
        problem(ctx, ["vpc"], "no vpc with arn: an existing host has its own", "(remove source.host.vpc)");
    }
}

/** Fargate offers fixed CPU and memory pairs; any other pair would fail only when ECS registers the task definition. */
export function fargateTaskSize(t: { cpu: number; memory: number }, ctx: Ctx) {
    if (!valid(ctx, ["cpu"], ["memory"])) {
        return;
    }
    const offered = FARGATE_MEMORY[t.cpu];
    if (!offered.includes(t.memory)) {
        problem(ctx, ["memory"], `a memory size Fargate offers with ${t.cpu} CPU units: ${sizes(offered)} MiB`, String(offered[0]));
    }
}

/**
 * ECS lets no user but root listen below port 1024 (aws/containers-roadmap#1721): a container that
 * is not root would fail to start and ECS would replace it in a loop.
 */
export function portForUser(t: { containerPort: number; containerUser: string }, ctx: Ctx) {
    if (valid(ctx, ["containerPort"], ["containerUser"]) && t.containerPort < 1024 && !isRootUser(t.containerUser)) {
        problem(ctx, ["containerPort"], `a port from 1024, as containerUser ${t.containerUser} is not root ` +
            "(or containerUser: \"0\", a documented exception to Security Hub ECS.20)", "8080");
    }
}

/** A domain is for TLS (a name the certificate covers); it resolves only when there is one. */
export function domainWithCertificate(t: { certificateArn?: string; domainName?: string; domainResolves: boolean }, ctx: Ctx) {
    if (!valid(ctx, ["certificateArn"], ["domainName"], ["domainResolves"])) {
        return;
    }
    if (t.domainName && !t.certificateArn) {
        problem(ctx, ["domainName"], "no domainName without certificateArn: it names what the certificate covers (plain HTTP " +
            "reaches the load balancer's own name)", "(remove domainName, or add certificateArn)");
    } else if (t.domainResolves && !t.domainName) {
        problem(ctx, ["domainResolves"], "domainResolves only with domainName, the name DNS resolves", "false");
    }
}

type Network = { vpcId?: string; publicSubnetIds?: string[]; privateSubnetIds?: string[]; subnets: string };

/** With vpcId, the load balancer's subnets (and the tasks' private ones) are needed; without it, subnet ids mean nothing. */
export function existingVpcComplete(n: Network, ctx: Ctx) {
    if (!valid(ctx, ["vpcId"], ["publicSubnetIds"], ["privateSubnetIds"])) {
        return;
    }
    const example = '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]';
    if (n.vpcId && !n.publicSubnetIds) {
        problem(ctx, ["publicSubnetIds"], "with vpcId, a list of at least two public subnet ids for the load balancer", example);
    }
    if (n.vpcId && !n.privateSubnetIds && n.subnets === "private") {
        problem(ctx, ["privateSubnetIds"], "with vpcId and subnets: private, a list of at least two private subnet ids", example);
    }
    if (!n.vpcId && (n.publicSubnetIds || n.privateSubnetIds)) {
        problem(ctx, ["vpcId"], `the VPC of ${n.publicSubnetIds ? "publicSubnetIds" : "privateSubnetIds"}`, "vpc-0123456789abcdef0");
    }
}

/** AWS refuses a CIDR block with host bits set (10.0.0.1/16); the example is the block's network. */
export function networkAddress(block: string, ctx: Ctx) {
    if (!valid(ctx, [])) {
        return;
    }
    const [address, prefix] = block.split("/");
    const bits = address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
    const network = bits - bits % 2 ** (32 - Number(prefix));
    if (network !== bits) {
        const octets = [24, 16, 8, 0].map(shift => Math.floor(network / 2 ** shift) % 256);
        problem(ctx, [], "a network address: the block's host bits zero", `${octets.join(".")}/${prefix}`, "value");
    }
}

/**
 * git check-ref-format's rules (https://git-scm.com/docs/git-check-ref-format) that a name of
 * letters, digits, `_`, `.`, `/` and `-` (the schema's characters) can break: no component that
 * begins with `.` or ends with `.lock`, no `..`, no `//`, not beginning with `/` or (a branch) `-`,
 * not ending with `/` or `.`.
 */
export function isGitBranchName(name: string): boolean {
    return !/^[\/-]|(^|\/)\.|\.lock(\/|$)|\.\.|\/\/|[.\/]$/.test(name);
}

/** Memory sizes as AWS lists them: a few values, or a range in steps. */
function sizes(values: number[]): string {
    const step = values[1] - values[0];
    return values.length > 3 ? `${values[0]} to ${values[values.length - 1]} in steps of ${step}` : values.join(", ");
}

/** CloudWatch's window: the periods an alarm looks back over span at most a day, and it fires on some of them. */
export function alarmWindow(a: AlarmCondition, ctx: Ctx) {
    if (!isBlock(a)) {
        return;
    }
    if (valid(ctx, ["periodSeconds"], ["evaluationPeriods"]) && a.periodSeconds * a.evaluationPeriods > 86400) {
        problem(ctx, ["evaluationPeriods"], `at most ${Math.floor(86400 / a.periodSeconds)} periods of ${a.periodSeconds} seconds ` +
            "(CloudWatch evaluates at most a day)", String(Math.min(a.evaluationPeriods, Math.floor(86400 / a.periodSeconds))));
    }
    if (a.datapointsToAlarm !== undefined && valid(ctx, ["datapointsToAlarm"], ["evaluationPeriods"]) && a.datapointsToAlarm > a.evaluationPeriods) {
        problem(ctx, ["datapointsToAlarm"], `at most evaluationPeriods (${a.evaluationPeriods})`, String(a.evaluationPeriods));
    }
}

/** At most CodeDeploy's alarms per deployment group, each named once (a target group alarm counts twice: blue and green). */
export function alarmsWithinLimit(a: { extra: { name: string; scope: "loadBalancer" | "targetGroups" | "service" }[]; existing: string[] }, ctx: Ctx) {
    if (!valid(ctx, ["extra"], ["existing"])) {
        return;
    }
    const count = alarmCount(a);
    if (count > MAX_ALARMS_PER_GROUP) {
        problem(ctx, ["extra"], `at most ${MAX_ALARMS_PER_GROUP} alarms per deployment group, CodeDeploy's limit (found ${count}: ` +
            "5 defaults, an extra one per target group scope twice, and the existing ones)", "[ ...fewer alarms ]");
    }
    const taken = new Set<string>(Object.values(DEFAULT_ALARMS).map(d => d.name));
    a.extra.forEach((x, i) => {
        if (taken.has(x.name)) {
            problem(ctx, ["extra", i, "name"], `a name no other alarm of the target has (${[...taken].join(", ")} are taken)`, `${x.name}-2`);
        }
        taken.add(x.name);
    });
    a.existing.forEach((name, i) => {
        if (a.existing.indexOf(name) !== i) {
            problem(ctx, ["existing"], "each alarm once", "[my-service-checkout-errors]");
        }
    });
}

export function uniqueEmails(n: { emails: string[] }, ctx: Ctx) {
    if (valid(ctx, ["emails"])) {
        const lower = n.emails.map(e => e.toLowerCase());
        const twice = lower.find((e, i) => lower.indexOf(e) !== i);
        if (twice) {
            problem(ctx, ["emails"], `each address once (${twice} is there twice)`, `[${twice}]`);
        }
    }
}
