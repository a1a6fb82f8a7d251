// Value types of the stack files' schema, each with what the user is told when a value does not fit,
// and the zod metadata every block of the schema (stacks/config/*.ts) writes.
import { Region } from "@pulumi/aws/types/enums";
import { z } from "zod";
import { isSupportedRegion } from "../../components/policies/document";
import { NAME_LIMITS } from "../nameLimits";

declare module "zod" {
    interface GlobalMeta {
        /** What a valid value looks like: the "expected" of an error line and the reference table. */
        expected?: string;
        /** A default computed from other keys, in words (a JSON Schema `default` must be a value). */
        derivedDefault?: string;
        /** Keys of a block of which exactly one is given: its refinement checks it, the JSON Schema says it too. */
        exactlyOne?: [string, string];
    }
}


export const matching = (pattern: RegExp, expected: string) => z.string().regex(pattern).meta({ expected });
export const wholeNumber = (min: number, max: number, unit: string) =>
    z.int().min(min).max(max).meta({ expected: `a whole number of ${unit} from ${min} to ${max}` });
export const yesNo = () => z.boolean().meta({ expected: "true or false" });
export const port = () => wholeNumber(1, 65535, "").meta({ expected: "a port from 1 to 65535" });

export const accountId = () => matching(/^\d{12}$/, "a 12-digit AWS account id, quoted as a string");
const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@\/-]{1,64}$/;
export const roleArn = () => matching(ROLE_ARN, "an IAM role ARN");
/** CodeCommit, CodeDeploy and deployment config names. */
export const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/**
 * A CodeConnections ARN under either service prefix: `codestar-connections` before AWS renamed the
 * service in July 2024, `codeconnections` after; both stay valid
 * (https://docs.aws.amazon.com/dtconsole/latest/userguide/security-iam.html).
 */
export const CONNECTIONS_ARN = (type: string, id: string) =>
    new RegExp(`^arn:aws(-cn|-us-gov)?:(codeconnections|codestar-connections):[a-z0-9-]+:\\d{12}:${type}\\/${id}$`);
export const resourceName = (what: string) =>
    matching(/^[A-Za-z0-9][\w.-]{0,99}$/, `${what} (letters, digits, . _ -; at most 100)`);
/** ECS cluster, service, family and container names. */
export const ecsName = (what: string) => matching(/^[A-Za-z0-9][\w-]{0,99}$/, `${what} (letters, digits, - and _; at most 100)`);
export const image = (expected: string) => matching(/^\S+$/, expected);
export const logGroupName = () => matching(/^[\w.\/#-]{1,512}$/, "a CloudWatch log group name");
/**
 * An ECR repository name as ECR's model takes it (stacks/nameLimits.ts): the stack gives the
 * repository this name, so one ECR would refuse is the user's to change, not the program's to shorten.
 */
export const ecrRepositoryName = () => {
    const { min, max, pattern } = NAME_LIMITS.ecrRepository;
    return z.string().min(min).max(max).regex(pattern)
        .meta({ expected: `an ECR repository name (lowercase letters, digits, . _ - /; ${min} to ${max} characters)` });
};

export const between = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);

/** Fargate task sizes (Linux): memory in MiB by CPU units, as AWS documents them. */
export const FARGATE_MEMORY: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: between(1, 4).map(gb => gb * 1024),
    1024: between(2, 8).map(gb => gb * 1024),
    2048: between(4, 16).map(gb => gb * 1024),
    4096: between(8, 30).map(gb => gb * 1024),
    8192: between(4, 15).map(gb4 => gb4 * 4096),
    16384: between(4, 15).map(gb8 => gb8 * 8192),
};
export const CPU_UNITS = Object.keys(FARGATE_MEMORY).map(Number);

/** Every region @pulumi/aws knows in a partition the program supports. */
export const SUPPORTED_REGIONS = Object.values(Region).filter(isSupportedRegion) as [Region, ...Region[]];

/** A log group's retention: the values PutRetentionPolicy takes (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** The account id in an ARN. */
export function arnAccount(arn: string): string {
    return arn.split(":")[4];
}
