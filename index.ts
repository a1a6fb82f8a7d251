import { loadConfig } from "./stacks/validation/parse";
import { buildStack } from "./stacks/pipelineStack";

// The stack outputs. An object, not named exports: some exist only for some stacks (`applicationUrl`
// and `networkLogBucketName` for a created target, a CodeCommit source's clone URL, a connection's
// status), and an undefined output would make the Pulumi runtime warn on every run.
export = buildStack(loadConfig());
