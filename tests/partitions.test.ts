import * as assert from "assert";
import { Region } from "@pulumi/aws/types/enums";
import { RegionInfo } from "@aws-cdk/region-info";
import { artifactKeyPolicy } from "../components/policies/artifactStore";
import { dnsSuffixOf, partitionOf } from "../components/policies/document";
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../components/policies/logDelivery";
import { evaluate, RawConfig } from "../offline/engine/engine";
import { problemsBesideAnother } from "./support/fixtures";
import { awsPartitions as aws, partitionOfRegion, SUPPORTED } from "./support/partitions";
import { asList, key, policyOf, fixture } from "./support/stacks";

const P = "cross-account-pipeline";
const REGIONS: string[] = Object.values(Region);

/** dev's config moved to a region, its ARNs in that region's partition as AWS names it. */
function devIn(region: string): RawConfig {
    const partition = partitionOfRegion(region).outputs.name;
    return { ...JSON.parse(JSON.stringify(fixture("dev")).replace(/arn:aws:/g, `arn:${partition}:`)), [key("region")]: region };
}

const problemsIn = (region: string): string[] => problemsBesideAnother("dev", devIn(region));

/** Every string in a value, at any depth. */
const strings = (value: unknown): string[] => typeof value === "string" ? [value]
    : value && typeof value === "object" ? Object.values(value).flatMap(strings) : [];

describe("regions and partitions, checked against AWS's partitions data", () => {
    it("accepts every region @pulumi/aws knows in the aws, aws-cn and aws-us-gov partitions, and refuses the others", () => {
        const accepted = REGIONS.filter(r => SUPPORTED.includes(partitionOfRegion(r).id));
        assert.ok(accepted.length >= 30 && accepted.length < REGIONS.length, `${accepted.length} of ${REGIONS.length}`);
        for (const region of REGIONS) {
            const problems = problemsIn(region);
            if (accepted.includes(region)) {
                assert.deepStrictEqual(problems, [], region);
            } else {
                assert.ok(problems.some(p => p.startsWith(`Pulumi.dev.yaml: ${P}:region: expected an AWS region name; found the string "${region}"`)),
                    `${region}: ${problems.join("\n")}`);
            }
        }
    });

    it("refuses to derive a partition or endpoint domain for a region of no supported partition, naming those it supports", () => {
        for (const derive of [partitionOf, dnsSuffixOf]) {
            assert.throws(() => derive("eusc-de-east-1"), /^Error: eusc-de-east-1 is not a region of a supported partition \(aws, aws-cn, aws-us-gov\)$/);
        }
    });

    it("derives the partition and the endpoint domain of every accepted region as AWS does", () => {
        for (const region of REGIONS.filter(r => SUPPORTED.includes(partitionOfRegion(r).id))) {
            const { name, dnsSuffix } = partitionOfRegion(region).outputs;
            assert.strictEqual(partitionOf(region), name, region);
            assert.strictEqual(dnsSuffixOf(region), dnsSuffix, region);
            const keyPolicy = artifactKeyPolicy({ accountId: "121212121212", partition: name, region, writerRoleArns: [], readers: [] });
            const via = (keyPolicy.Statement as any[]).flatMap(s => strings(s.Condition?.StringEquals?.["kms:ViaService"]));
            assert.deepStrictEqual([...new Set(via)], [`s3.${region}.${dnsSuffix}`], region);
        }
    });

    for (const id of SUPPORTED) {
        const partition = aws.partitions.find(p => p.id === id)!;
        const region = REGIONS.find(r => r in partition.regions)!;
        const { name, dnsSuffix } = partition.outputs;

        it(`registers every ARN, endpoint and kms:ViaService of a stack in ${region} in AWS's ${id} partition (${dnsSuffix})`, async () => {
            const e = await evaluate("dev", devIn(region));
            assert.ifError(e.error);
            const all = e.resources.flatMap(r => strings(r.inputs));

            const arnPartitions = all.flatMap(s => [...s.matchAll(/\barn:([\w-]+):/g)].map(m => m[1]));
            assert.ok(arnPartitions.length > 50, `only ${arnPartitions.length} ARNs`);
            assert.deepStrictEqual([...new Set(arnPartitions)], [name]);

            // Endpoints name their region: <service>.<region>.<domain>, as ECR URLs, git URLs and kms:ViaService do.
            const domains = all.flatMap(s => [...s.matchAll(new RegExp(`\\b[\\w-]+\\.${region}\\.([a-z0-9.-]*[a-z0-9])`, "g"))].map(m => m[1]));
            assert.ok(domains.length >= 3, `only ${domains.length} endpoints`);
            assert.deepStrictEqual([...new Set(domains)], [dnsSuffix]);

            const via = e.resources.filter(r => typeof r.inputs.policy === "string" || typeof r.inputs.policy?.value === "string")
                .flatMap(r => asList(policyOf(r).Statement)).flatMap(s => strings(s.Condition?.StringEquals?.["kms:ViaService"]));
            assert.ok(via.length >= 2, `only ${via.length} kms:ViaService conditions`);
            assert.deepStrictEqual([...new Set(via)], [`s3.${region}.${dnsSuffix}`]);
        });
    }
});

describe("Elastic Load Balancing's log delivery accounts, checked against AWS's region facts (@aws-cdk/region-info)", () => {
    it("are AWS's for each region that has one, and no region the program takes has one AWS does not list", () => {
        const regions = REGIONS.filter(r => SUPPORTED.includes(partitionOfRegion(r).id));
        const aws = Object.fromEntries(regions.map(r => [r, RegionInfo.get(r).elbv2Account]).filter(([, account]) => account));
        assert.ok(Object.keys(aws).length >= 20, "AWS's facts list the regions older than August 2022");
        assert.deepStrictEqual(ELB_LOG_DELIVERY_ACCOUNTS, aws);
    });
});
