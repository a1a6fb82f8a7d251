import { loadConfig } from "./stacks/config";
import { buildStack } from "./stacks/pipelineStack";

// The stack outputs. An object, not named exports: `applicationUrl` and `networkLogBucketName` exist
// only when the target is created, and an undefined output would make the Pulumi runtime warn on every run.
export = buildStack(loadConfig());
