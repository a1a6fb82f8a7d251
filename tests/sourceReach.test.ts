// What the pipeline and the build can reach of a source (README, "What each source reaches"):
// validation refuses the combination that cannot work, a full clone of a server that only a VPC reaches.
import { strict as assert } from "assert";
import { fixtureConfig, problemsBesideAnother } from "./support/fixtures";
import { key } from "./support/stacks";

const FIXTURE = "release-path-https";
const VPC = { vpcId: "vpc-0123456789abcdef0", subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] };

/** The fixture with a GitHub Enterprise Server source through a created host, and these keys. */
const withServer = (keys: Record<string, unknown>) => {
    const raw = fixtureConfig(FIXTURE);
    raw[key("source")] = { provider: "GitHubEnterpriseServer", repository: "platform/release-path", ...keys };
    return problemsBesideAnother(FIXTURE, raw);
};

describe("a source's reach", () => {
    it("refuses a full clone of a server only a VPC reaches: the build, outside that VPC, clones it itself", () => {
        const found = withServer({ host: { endpoint: "https://git.release.test", vpc: VPC }, fullClone: true });
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(found[0], /source\.fullClone: expected false with host\.vpc: a full clone is made by the build, which runs outside the server's VPC/);
    });

    it("accepts the same server without a full clone (CodeConnections fetches through the host's VPC), and a full clone of a server on the internet", () => {
        assert.deepEqual(withServer({ host: { endpoint: "https://git.release.test", vpc: VPC } }), []);
        assert.deepEqual(withServer({ host: { endpoint: "https://git.release.test" }, fullClone: true }), []);
    });
});
