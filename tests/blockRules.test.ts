import { strict as assert } from "assert";
import { modelsStack, problemsOf } from "./support/fixtures";

// Each rule within a block of the schema (stacks/config/blockRules.ts) at the case that breaks it:
// its whole line (what was expected, what was found, the example), the same line beside a mistake
// elsewhere in the file, and, for a key it reads given a value of the wrong type, that key's own
// problem alone (one mistake, one line). On the API-model tests' stack (tests/fixtures/models/).

type Keys = Record<string, any>;
const t0 = (c: Keys) => c.targets[0].create;
const ghes = (c: Keys) => { c.source.provider = "GitHubEnterpriseServer"; };
// Mistakes at keys of a block that its rules do not read.
const sourceSlip = (c: Keys) => { c.source.branch = 5; };
const createSlip = (c: Keys) => { t0(c).networkLogRetentionDays = 0; };
const networkSlip = (c: Keys) => { t0(c).network.availabilityZones = 9; };
const windowSlip = (c: Keys) => { t0(c).rollbackAlarms.target5xx.threshold = -1; };
const alarmsSlip = (c: Keys) => { t0(c).rollbackAlarms.loadBalancer5xx = { threshold: -1 }; };
interface RuleCase {
    what: string;
    /** Its problem, whole, after `Pulumi.apimodels.yaml: cross-account-pipeline:`. */
    line: string;
    change: (c: Keys) => void;
    /** A mistake beside it, in its own block where it has a key the rule does not read (the region otherwise). */
    beside?: (c: Keys) => void;
    /** Keys the rule reads, each given a value of the wrong type: its own problem, not the rule's as well. */
    reads: [key: string, set: (c: Keys) => void][];
}
const CASES: RuleCase[] = [
    { what: "a provisioning role in another account",
      line: "pipelineAccount.provisioningRoleArn: expected a role in account 123456789012 (the block's accountId); found the string \"arn:aws:iam::999999999999:role/pulumi-provisioner\"; for example arn:aws:iam::123456789012:role/pulumi-provisioner",
      change: c => { c.pipelineAccount.provisioningRoleArn = "arn:aws:iam::999999999999:role/pulumi-provisioner"; },
      reads: [["pipelineAccount.accountId", c => { c.pipelineAccount.accountId = "1234"; }],
              ["pipelineAccount.provisioningRoleArn", c => { c.pipelineAccount.provisioningRoleArn = "pulumi-provisioner"; }]] },
    { what: "a target both created and existing",
      line: "targets[1].existing: expected a target with exactly one of create (a target this program makes) or existing (one made elsewhere); found object {\"applicationName\":\"shop\",\"deploymentGroupName\":\"shop-us\",\"taskRoleArn\":\"arn:aws:iam::310987654321:role/shop-task\",\"executionRoleArn\":\"arn:aws:iam::310987654321:role/shop-task-execution\",\"taskFamily\":\"shop\",\"containerName\":\"web\",\"containerPort\":3000}; for example (remove existing, or create)",
      change: c => { c.targets[1].create = { serviceName: "shop-us" }; }, reads: [] },
    { what: "a target neither created nor existing",
      line: "targets[1]: expected a target with exactly one of create (a target this program makes) or existing (one made elsewhere); found object {\"name\":\"live-us\",\"wave\":\"live\",\"approval\":true,\"region\":\"us-west-2\",\"account\":{\"accountId\":\"310987654321\"}}; for example { name: prod, account: { accountId: \"222222222222\" }, create: { serviceName: my-service } }",
      change: c => { delete c.targets[1].existing; }, reads: [] },
    { what: "a GitHub repository path deeper than owner/name", beside: sourceSlip,
      line: "source.repository: expected owner/repository: GitHub names a repository by its owner and its name; found the string \"acme/shop/web\"; for example my-org/my-service",
      change: c => { c.source.repository = "acme/shop/web"; },
      reads: [["source.provider", c => { c.source.provider = "GitHubb"; c.source.repository = "a/b/c"; }]] },
    { what: "a host for a cloud provider", beside: sourceSlip,
      line: "source.host: expected no host: GitHub is a cloud service; hosts are for GitHubEnterpriseServer and GitLabSelfManaged; found object {\"endpoint\":\"https://github.example.com\"}; for example (remove source.host)",
      change: c => { c.source.host = { endpoint: "https://github.example.com" }; },
      reads: [["source.provider", c => { c.source.provider = "Bitbucketx"; c.source.host = { endpoint: "https://github.example.com" }; }],
              ["source.host", c => { c.source.host = 5; }]] },
    { what: "a host beside an existing connection", beside: sourceSlip,
      line: "source.host: expected no host with connectionArn: an existing connection has its host already; found object {\"endpoint\":\"https://github.example.com\"}; for example (remove source.host)",
      change: c => { ghes(c); c.source.host = { endpoint: "https://github.example.com" };
        c.source.connectionArn = "arn:aws:codeconnections:eu-central-1:123456789012:connection/11111111-2222-3333-4444-555555555555"; },
      reads: [["source.connectionArn", c => { ghes(c); c.source.host = { endpoint: "https://github.example.com" }; c.source.connectionArn = "my-connection"; }]] },
    { what: "a server without a host", beside: sourceSlip,
      line: "source.host: expected with provider GitHubEnterpriseServer and no connectionArn, the host of your server (its endpoint, or an existing host's arn); found nothing (the key is missing); for example { endpoint: https://github.example.com }",
      change: c => { ghes(c); }, reads: [] },
    { what: "a full clone of a server in a VPC", beside: sourceSlip,
      line: "source.fullClone: expected false with host.vpc: a full clone is made by the build, which runs outside the server's VPC and cannot reach it (the source archive is fetched by CodeConnections, through the host's VPC); found boolean true; for example false",
      change: c => { ghes(c); c.source.fullClone = true;
        c.source.host = { endpoint: "https://github.example.com", vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] } }; }, reads: [] },
    { what: "a trigger filter with nothing to filter on",
      line: "source.triggers[0]: expected a block with tags, branches, or branches and filePaths; found object {}; for example { tags: { includes: [\"v*\"] } }",
      change: c => { c.source.triggers = [{}]; }, reads: [] },
    { what: "a branch filter with neither includes nor excludes",
      line: "source.triggers[0].branches: expected a block with includes, excludes or both; found object {}; for example { includes: [main] }",
      change: c => { c.source.triggers = [{ branches: {} }]; }, reads: [] },
    { what: "a host both existing and created",
      line: "source.host: expected a block with exactly one of arn (an existing host) or endpoint (a host to create); found object {\"endpoint\":\"https://github.example.com\",\"arn\":\"arn:aws:codeconnections:eu-central-1:123456789012:host/abc-11111111\"}; for example { endpoint: https://github.example.com }",
      change: c => { ghes(c); c.source.host = { endpoint: "https://github.example.com", arn: "arn:aws:codeconnections:eu-central-1:123456789012:host/abc-11111111" }; }, reads: [] },
    { what: "an existing host with a VPC",
      line: "source.host.vpc: expected no vpc with arn: an existing host has its own; found object {\"vpcId\":\"vpc-0123456789abcdef0\",\"subnetIds\":[\"subnet-0123456789abcdef0\"],\"securityGroupIds\":[\"sg-0123456789abcdef0\"]}; for example (remove source.host.vpc)",
      change: c => { ghes(c); c.source.host = { arn: "arn:aws:codeconnections:eu-central-1:123456789012:host/abc-11111111",
        vpc: { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] } }; }, reads: [] },
    { what: "a memory size Fargate does not offer with the CPU", beside: createSlip,
      line: "targets[0].create.memory: expected a memory size Fargate offers with 256 CPU units: 512, 1024, 2048 MiB; found number 4096; for example 512",
      change: c => { t0(c).cpu = 256; t0(c).memory = 4096; },
      reads: [["targets[0].create.memory", c => { t0(c).cpu = 256; t0(c).memory = "lots"; }], ["targets[0].create.cpu", c => { t0(c).cpu = 300; t0(c).memory = 512; }]] },
    { what: "a port below 1024 for a user that is not root", beside: createSlip,
      line: "targets[0].create.containerPort: expected a port from 1024, as containerUser 1000 is not root (or containerUser: \"0\", a documented exception to Security Hub ECS.20); found number 80; for example 8080",
      change: c => { t0(c).containerPort = 80; t0(c).containerUser = "1000"; },
      reads: [["targets[0].create.containerPort", c => { t0(c).containerPort = 0; t0(c).containerUser = "1000"; }],
              ["targets[0].create.containerUser", c => { t0(c).containerPort = 80; t0(c).containerUser = "no body"; }]] },
    { what: "a domain without a certificate", beside: createSlip,
      line: "targets[0].create.domainName: expected no domainName without certificateArn: it names what the certificate covers (plain HTTP reaches the load balancer's own name); found the string \"qa.shop.example.org\"; for example (remove domainName, or add certificateArn)",
      change: c => { delete t0(c).certificateArn; },
      reads: [["targets[0].create.domainName", c => { delete t0(c).certificateArn; t0(c).domainName = "-qa-"; t0(c).domainResolves = true; }]] },
    { what: "a domain that resolves without a domain", beside: createSlip,
      line: "targets[0].create.domainResolves: expected domainResolves only with domainName, the name DNS resolves; found boolean true; for example false",
      change: c => { delete t0(c).domainName; t0(c).domainResolves = true; },
      reads: [["targets[0].create.domainResolves", c => { delete t0(c).domainName; t0(c).domainResolves = "yes"; }]] },
    { what: "an existing VPC without public subnets", beside: networkSlip,
      line: "targets[0].create.network.publicSubnetIds: expected with vpcId, a list of at least two public subnet ids for the load balancer; found nothing (the key is missing); for example [\"subnet-0123456789abcdef0\", \"subnet-0fedcba9876543210\"]",
      change: c => { t0(c).network = { vpcId: "vpc-0123456789abcdef0", subnets: "public" }; },
      reads: [["targets[0].create.network.vpcId", c => { t0(c).network = { vpcId: "my-vpc", subnets: "public" }; }]] },
    { what: "an existing VPC without private subnets for private tasks", beside: networkSlip,
      line: "targets[0].create.network.privateSubnetIds: expected with vpcId and subnets: private, a list of at least two private subnet ids; found nothing (the key is missing); for example [\"subnet-0123456789abcdef0\", \"subnet-0fedcba9876543210\"]",
      change: c => { t0(c).network = { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }; },
      reads: [["targets[0].create.network.subnets", c => { t0(c).network = { vpcId: "vpc-0123456789abcdef0", subnets: "privat", publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }; }]] },
    { what: "public subnets without their VPC", beside: networkSlip,
      line: "targets[0].create.network.vpcId: expected the VPC of publicSubnetIds; found nothing (the key is missing); for example vpc-0123456789abcdef0",
      change: c => { t0(c).network = { publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }; },
      reads: [["targets[0].create.network.publicSubnetIds", c => { t0(c).network = { publicSubnetIds: "subnet-0123456789abcdef0" }; }]] },
    { what: "private subnets without their VPC", beside: networkSlip,
      line: "targets[0].create.network.vpcId: expected the VPC of privateSubnetIds; found nothing (the key is missing); for example vpc-0123456789abcdef0",
      change: c => { t0(c).network = { privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }; },
      reads: [["targets[0].create.network.privateSubnetIds", c => { t0(c).network = { privateSubnetIds: "subnet-0123456789abcdef0" }; }]] },
    { what: "a CIDR block with host bits", beside: networkSlip,
      line: "targets[0].create.network.cidrBlock: expected a network address: the block's host bits zero; found the string \"10.1.2.3/16\"; for example 10.1.0.0/16",
      change: c => { t0(c).network = { cidrBlock: "10.1.2.3/16" }; },
      reads: [["targets[0].create.network.cidrBlock", c => { t0(c).network = { cidrBlock: 5 }; }],
              ["targets[0].create.network.cidrBlock", c => { t0(c).network = { cidrBlock: "a.b.c.d/16" }; }]] },
    { what: "an alarm window over a day", beside: windowSlip,
      line: "targets[0].create.rollbackAlarms.target5xx.evaluationPeriods: expected at most 24 periods of 3600 seconds (CloudWatch evaluates at most a day); found number 30; for example 24",
      change: c => { t0(c).rollbackAlarms = { target5xx: { periodSeconds: 3600, evaluationPeriods: 30 } }; },
      reads: [["targets[0].create.rollbackAlarms.target5xx.periodSeconds", c => { t0(c).rollbackAlarms = { target5xx: { periodSeconds: 3601, evaluationPeriods: 30 } }; }],
              ["targets[0].create.rollbackAlarms.target5xx.evaluationPeriods", c => { t0(c).rollbackAlarms = { target5xx: { periodSeconds: 3600, evaluationPeriods: 1441, datapointsToAlarm: 1440 } }; }]] },
    { what: "more breaching periods than periods", beside: windowSlip,
      line: "targets[0].create.rollbackAlarms.target5xx.datapointsToAlarm: expected at most evaluationPeriods (2); found number 3; for example 2",
      change: c => { t0(c).rollbackAlarms = { target5xx: { evaluationPeriods: 2, datapointsToAlarm: 3 } }; },
      reads: [["targets[0].create.rollbackAlarms.target5xx.evaluationPeriods", c => { t0(c).rollbackAlarms = { target5xx: { evaluationPeriods: 0, datapointsToAlarm: 3 } }; }]] },
    { what: "more alarms than a deployment group takes", beside: alarmsSlip,
      line: "targets[0].create.rollbackAlarms.extra: expected at most 10 alarms per deployment group, CodeDeploy's limit (found 11: 5 defaults, an extra one per target group scope twice, and the existing ones); found nothing (the key is missing); for example [ ...fewer alarms ]",
      change: c => { t0(c).rollbackAlarms = { existing: Array.from({ length: 6 }, (_, i) => `alarm-${i}`) }; },
      reads: [["targets[0].create.rollbackAlarms.existing", c => { t0(c).rollbackAlarms = { existing: [...Array.from({ length: 5 }, (_, i) => `alarm-${i}`), "\u0007"] }; }]] },
    { what: "an extra alarm named as a default one", beside: alarmsSlip,
      line: "targets[0].create.rollbackAlarms.extra[0].name: expected a name no other alarm of the target has (elb-5xx, target-5xx, unhealthy-hosts are taken); found the string \"target-5xx\"; for example target-5xx-2",
      change: c => { t0(c).rollbackAlarms = { extra: [{ name: "target-5xx", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }] }; },
      reads: [["targets[0].create.rollbackAlarms.extra[0].name", c => { t0(c).rollbackAlarms = { extra: [{ name: "Target-5xx", metric: "TargetResponseTime", scope: "loadBalancer", statistic: "p99", threshold: 2 }] }; }]] },
    { what: "an existing alarm named twice", beside: alarmsSlip,
      line: "targets[0].create.rollbackAlarms.existing: expected each alarm once; found a list [\"shop-errors\",\"shop-errors\"]; for example [my-service-checkout-errors]",
      change: c => { t0(c).rollbackAlarms = { existing: ["shop-errors", "shop-errors"] }; }, reads: [] },
    { what: "an email address twice, in another case", beside: c => { c.notifications.slack.workspaceId = 5; },
      line: "notifications.emails: expected each address once (releases@example.org is there twice); found a list [\"releases@example.org\",\"Releases@Example.org\"]; for example [releases@example.org]",
      change: c => { c.notifications.emails = ["releases@example.org", "Releases@Example.org"]; },
      reads: [["notifications.emails", c => { c.notifications.emails = "releases@example.org"; }]] },
];

/** Blocks given a value that is no block (null is a key left empty in YAML): the rules on them must not run (nor fail) on it. */
const NOT_BLOCKS: [key: string, set: (c: Keys) => void][] = [
    ["notifications", c => { c.notifications = 5; }], ["source", c => { c.source = 5; }], ["source.triggers[0]", c => { c.source.triggers = [5]; }],
    ["source.triggers[0].branches", c => { c.source.triggers = [{ branches: null }]; }], ["source.host", c => { ghes(c); c.source.host = 5; }],
    ["targets[0].check", c => { c.targets[0].check = 5; }], ["targets[1]", c => { c.targets[1] = 5; }],
    ["targets[0].create.rollbackAlarms", c => { t0(c).rollbackAlarms = null; }],
    ["targets[0].create.rollbackAlarms.target5xx", c => { t0(c).rollbackAlarms = { target5xx: 5 }; }],
    ["targets[0].create.network", c => { t0(c).network = 5; }],
];

const PREFIX = "Pulumi.apimodels.yaml: cross-account-pipeline:";
const problems = (change: (c: Keys) => void) => problemsOf("apimodels", modelsStack(change));
const badRegion = (c: Keys) => { c.region = "mars-1"; };

describe("config: rules within a block", () => {
    for (const { what, line, change, beside = badRegion, reads } of CASES) {
        it(`${what}: its line, whole, also beside another mistake`, () => {
            const alone = problems(change);
            assert.ok(alone.includes(PREFIX + line), alone.join("\n"));
            const both = problems(c => { change(c); beside(c); });
            assert.ok(both.includes(PREFIX + line), both.join("\n"));
            assert.ok(both.some(l => !alone.includes(l)), `the other mistake is reported too:\n${both.join("\n")}`);
        });
        for (const [key, set] of reads) {
            it(`${what}: a wrong ${key} is that key's problem alone`, () => {
                const found = problems(set);
                assert.equal(found.length, 1, found.join("\n"));
                assert.ok(found[0].startsWith(`${PREFIX}${key}: `), found[0]);
            });
        }
    }
});

describe("config: rules within a block, at their limits", () => {
    it("take what is just inside: port 1024 for a user that is not root, an alarm window of exactly a day", () => {
        assert.deepEqual(problems(c => { t0(c).containerPort = 1024; t0(c).containerUser = "1000"; }), []);
        assert.deepEqual(problems(c => { t0(c).rollbackAlarms = { target5xx: { periodSeconds: 3600, evaluationPeriods: 24 } }; }), []);
    });

    it("a host both existing and created hides what is wrong inside it (it must change anyway)", () => {
        const found = problems(c => { ghes(c); c.source.host = { endpoint: "https://github.example.com",
            arn: "arn:aws:codeconnections:eu-central-1:123456789012:host/abc-11111111", vpc: 5 }; });
        assert.deepEqual(found.map(l => l.slice(PREFIX.length, l.indexOf(": expected"))), ["source.host"]);
    });
});

describe("config: a block that is no block", () => {
    it("is that block's problem (and its missing keys'), never a rule's", () => {
        for (const [key, set] of NOT_BLOCKS) {
            const found = problems(set);
            assert.ok(found.length > 0 && found.every(l => l.startsWith(`${PREFIX}${key}`)), `${key}:\n${found.join("\n")}`);
        }
    });
});

describe("config: a git branch name, as git check-ref-format takes it", () => {
    const refused = (branch: string) => problems(c => { c.source.branch = branch; }).some(l => l.startsWith(`${PREFIX}source.branch: `));
    it("takes names with components, dots and .lock inside a component", () => {
        for (const name of ["main", "release/1.2", "feature/a.lock.b", "fix-x_y", "v1.0.0-rc.1", "a/b/c"]) assert.equal(refused(name), false, name);
    });
    it("refuses a component beginning with . or ending with .lock, .., //, a leading / or -, a trailing / or .", () => {
        for (const name of [".hidden", "feature/.x", "a.lock", "feature.lock/x", "a..b", "a//b", "/a", "-a", "a/", "a."]) assert.equal(refused(name), true, name);
    });
});

