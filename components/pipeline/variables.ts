// CodeBuild environment variables as the pipeline's actions and projects take them: plain values and
// functions (no resources, no Pulumi SDK), which the validation of a stack's config uses too.

/** A check action's variables: the URL it GETs, and where curl connects for it (see checkBuildspec). */
export function checkVariables(c: { url: string; connectTo?: string }): Record<string, string> {
    return { CHECK_URL: c.url, ...c.connectTo ? { CHECK_CONNECT_TO: c.connectTo } : {} };
}

/**
 * CodePipeline's longest action configuration value (ActionConfigurationValue, 1 to 1,000 characters,
 * in the API model aws/api-models-aws codepipeline-2015-07-09.json): a check's EnvironmentVariables must fit.
 */
export const ACTION_CONFIGURATION_VALUE_MAX = 1000;

/** A CodeBuild action's EnvironmentVariables: plain text ones, as the action's configuration takes them (JSON). */
export function variablesValue(vars: Record<string, string>): string {
    return JSON.stringify(plainText(vars));
}

/** Environment variables as CodeBuild takes them, in a project or an action: plain text. */
export function plainText(vars: Record<string, string>) {
    return Object.entries(vars).map(([name, value]) => ({ name, value, type: "PLAINTEXT" }));
}
