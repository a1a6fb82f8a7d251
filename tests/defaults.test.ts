import { strict as assert } from "assert";
import { projectKeys } from "../offline/access/access";
import { parseConfig } from "../stacks/validation/parse";
import { modelsStack } from "./support/fixtures";

// Defaults the program derives from other keys when a stack file leaves them out
// (stacks/config/stackConfig.ts), on the API-model tests' stack.

const P = "cross-account-pipeline";
const parsed = (change: (c: Record<string, any>) => void) => parseConfig(P, "apimodels", projectKeys(P, modelsStack(change)));

describe("config: defaults derived from other keys", () => {
    it("a created target's service is <project>-<stack>-<target>, its task family the service's; a target with legacy names keeps <project>-<stack>", () => {
        const [qa] = parsed(c => { delete c.targets[0].create.serviceName; }).targets;
        assert.deepEqual([qa.create!.serviceName, qa.create!.taskFamily], ["cross-account-pipeline-apimodels-qa", "cross-account-pipeline-apimodels-qa"]);
        const [legacy] = parsed(c => { delete c.targets[0].create.serviceName; c.targets[0].legacyNames = true; c.targets.pop(); }).targets;
        assert.equal(legacy.create!.serviceName, "cross-account-pipeline-apimodels");
    });

    it("an existing target's log group is /ecs/<task family>", () => {
        assert.equal(parsed(() => undefined).targets[1].existing!.logGroupName, "/ecs/shop");
    });

    it("an existing VPC with public subnets only leaves the private ones empty", () => {
        const [qa] = parsed(c => { c.targets[0].create.network = { vpcId: "vpc-0123456789abcdef0", subnets: "public",
            publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] }; }).targets;
        assert.deepEqual(qa.create!.network.existing, { vpcId: "vpc-0123456789abcdef0",
            publicSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"], privateSubnetIds: [] });
    });
});
