import * as assert from "assert";
// AWS's own partitions data, as the AWS SDK resolves endpoints with it: tests take their
// expectations from here, never from the program's partition table.
import * as aws from "@aws-sdk/util-endpoints/dist-cjs/lib/aws/partitions.json";

export { aws as awsPartitions };

/** The partitions the program supports. */
export const SUPPORTED = ["aws", "aws-cn", "aws-us-gov"];

/** The partition AWS puts a region in: the one that lists it, else the one whose region pattern it matches. */
export function partitionOfRegion(region: string) {
    const found = aws.partitions.find(p => region in p.regions) ?? aws.partitions.find(p => new RegExp(p.regionRegex).test(region));
    assert.ok(found, `AWS's partitions data does not know ${region}`);
    return found;
}
