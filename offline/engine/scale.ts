// A release path of any length, for the scale test and `npm run bench`: prod's stack file with its
// targets replaced by n created targets in waves of ten (each wave behind an approval), spread
// over five accounts and three regions. Artifacts live a year: a path of many approvals needs long
// for a stage rollback (stacks/config/releasePath.ts, rollbackWindowMinutes).
import { RawConfig } from "./engine";

const ACCOUNTS = ["200000000001", "200000000002", "200000000003", "200000000004", "200000000005"];
const REGIONS = ["ap-northeast-2", "eu-west-1", "us-east-1"];
export const WAVE_SIZE = 10;

export function scaledPath(base: RawConfig, n: number, project = "cross-account-pipeline"): RawConfig {
    return {
        ...base,
        [`${project}:artifactRetentionDays`]: 365,
        [`${project}:targets`]: Array.from({ length: n }, (_, i) => ({
            name: `t${i}`,
            wave: `w${Math.floor(i / WAVE_SIZE)}`,
            approval: i % WAVE_SIZE === 0,
            account: { accountId: ACCOUNTS[i % ACCOUNTS.length] },
            region: REGIONS[i % REGIONS.length],
            create: { serviceName: `my-service-${i}`, desiredCount: 1, network: { subnets: "public" } },
        })),
    };
}
