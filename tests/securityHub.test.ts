// Security Hub's FSBP controls (policy/securityHub.ts) on the program's own resources: every
// control that applies passes, or fails as a documented exception that the stack's configuration
// makes and the failing resource declares; nothing else fails and nothing else is declared.
import { strict as assert } from "assert";
import { configOf } from "../offline/access/access";
import { evaluate, Evaluation, RawConfig } from "../offline/engine/engine";
import { controlResults, DOCUMENTED_EXCEPTIONS, exceptionsOf, failuresOf } from "../offline/report/securityHub";
import { declaredExceptions, EXCEPTION_TAG, exceptionTags, isInternet } from "../components/securityHub";
import { FSBP_CONTROLS } from "../policy/securityHub";
import { expectedExceptions } from "./support/securityHub";
import { evaluated, existingTargetConfig, targetsOf, fixture, FIXTURE_STACKS } from "./support/stacks";

/** Configurations that make (or avoid) each exception, on top of a committed stack. */
const SCENARIOS: { name: string; stack: string; change: (c: RawConfig) => void }[] = [{
    name: "dev with a certificate: port 80 redirects to HTTPS (ELB.1 passes)",
    stack: "dev",
    change: c => { targetsOf(c)[0].create.certificateArn = "arn:aws:acm:ap-northeast-2:454545454545:certificate/0a1b2c3d"; },
}, {
    name: "prod's PROD target with a writable root file system and a root user listening on port 80 (ECS.5, ECS.20)",
    stack: "prod",
    change: c => { Object.assign(targetsOf(c)[1].create, { readonlyRootFilesystem: false, containerUser: "0", containerPort: 80 }); },
}, {
    name: "prod's PROD target serving 8080 to the internet and its test port 3000 to the internet (EC2.18, EC2.19)",
    stack: "prod",
    change: c => { Object.assign(targetsOf(c)[1].create, { productionPort: 8080, testPort: 3000, testCidrs: ["0.0.0.0/0"] }); },
}, {
    name: "prod's PROD target on port 80 with a certificate: no redirect listener (port 80 is taken)",
    stack: "prod",
    change: c => { targetsOf(c)[1].create.productionPort = 80; },
}, {
    name: "dev in an existing VPC: no VPC of the program's, so no EC2.2, EC2.6 or EC2.15",
    stack: "dev",
    change: c => {
        targetsOf(c)[0].create.network = { subnets: "public", vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0a0a0a0a0a0a0a0a0", "subnet-0b0b0b0b0b0b0b0b0"] };
    },
}, {
    name: "an existing target whose task definitions the build renders with root and a writable root file system",
    stack: "dev",
    change: c => {
        Object.assign(c, existingTargetConfig());
        Object.assign(targetsOf(c)[0].existing, { readonlyRootFilesystem: false, containerUser: "root" });
    },
}];

/**
 * The committed stacks' exceptions, written out: prod's are the ones no configuration avoids (a
 * privileged build, awsx's public subnets, in each created target); dev adds its sandbox's public tasks, plain HTTP and
 * no deletion protection.
 */
const COMMITTED_EXCEPTIONS: Record<string, string[]> = {
    prod: ["CodeBuild.5@pipeline-build", "EC2.15@staging-target-vpc", "EC2.15@target-vpc"],
    dev: ["CodeBuild.5@pipeline-build", "EC2.15@target-vpc", "ECS.16@target-service", "ECS.2@target-service", "ELB.1@target-alb",
        "ELB.6@target-alb"],
};

/** The checks every evaluation must pass; returns the exceptions it found. */
function checkControls(e: Evaluation): string[] {
    assert.ifError(e.error);
    const results = controlResults(e);
    assert.deepEqual(failuresOf(results), []);
    const found = exceptionsOf(results);
    assert.deepEqual(found, expectedExceptions(configOf(e)));
    return found;
}

describe("the exception tag, as an automation rule and the policy pack read it", () => {
    it("lists each declared control once, sorted, space-separated; no tag without one; read back whatever the spacing or the tags", () => {
        assert.deepEqual(exceptionTags(["ECS.2", "EC2.15", "ECS.2"]), { [EXCEPTION_TAG]: "EC2.15 ECS.2" });
        assert.equal(exceptionTags([]), undefined);
        assert.deepEqual(declaredExceptions({ [EXCEPTION_TAG]: " EC2.15  ECS.2 ", team: "x" }), ["EC2.15", "ECS.2"]);
        assert.deepEqual([undefined, null, "EC2.15", { team: "x" }, { [EXCEPTION_TAG]: 3 }].map(declaredExceptions), [[], [], [], [], []]);
    });

    it("the whole internet is either family's any-address block, and nothing narrower", () => {
        assert.deepEqual(["0.0.0.0/0", "::/0", "0.0.0.0/1", "10.0.0.0/8", "::/1"].map(isInternet), [true, true, false, false, false]);
    });
});

describe("Security Hub FSBP controls", () => {
    const reached = new Set<string>();

    for (const stack of FIXTURE_STACKS) {
        describe(`stack ${stack}`, () => {
            let e: Evaluation;
            before(async () => { e = await evaluated(stack); });

            it("passes every control, but for the exceptions its configuration makes, each declared by the resource that fails it", () => {
                checkControls(e).forEach(x => reached.add(x.split("@")[0]));
            });

            it("fails by choice only where its stack file says so: the defaults pass (prod sets none of the keys)", () => {
                assert.deepEqual(exceptionsOf(controlResults(e)), COMMITTED_EXCEPTIONS[stack]);
            });

            it("evaluates each control on at least one resource", () => {
                assert.deepEqual(controlResults(e).filter(r => r.resources.length === 0).map(r => r.control.id), []);
            });

            it("declares its exceptions in tags AWS accepts (at most 256 characters: letters, digits, spaces, _.:/=+-@)", () => {
                for (const r of e.resources) {
                    const value = r.inputs.tags?.[EXCEPTION_TAG] ?? r.inputs.subnetSpecs?.map((s: any) => s.tags?.[EXCEPTION_TAG]).find(Boolean);
                    if (value !== undefined) {
                        assert.match(value, /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,256}$/u, `${r.type} ${r.name}`);
                    }
                }
            });
        });
    }

    describe("configurations that make or avoid exceptions", () => {
        for (const scenario of SCENARIOS) {
            it(scenario.name, async () => {
                const config = structuredClone(fixture(scenario.stack));
                scenario.change(config);
                checkControls(await evaluate(scenario.stack, config)).forEach(x => reached.add(x.split("@")[0]));
            });
        }

        it("every documented exception is one some configuration makes, and every control a stack may fail is documented", () => {
            assert.deepEqual(Object.keys(DOCUMENTED_EXCEPTIONS).filter(id => !reached.has(id)), []);
            assert.deepEqual([...reached].filter(id => !(id in DOCUMENTED_EXCEPTIONS)), []);
            assert.ok([...reached].every(id => FSBP_CONTROLS.some(c => c.id === id)));
        });
    });
});
