import * as fs from "fs";
import * as path from "path";
import { evaluate, Evaluation, projectName, RawConfig, stackFileConfig } from "../../offline/engine";

const FIXTURES = path.join(__dirname, "..", "fixtures");

/** A stack file of the tests' own (tests/fixtures/<name>.yaml), read as the Pulumi CLI reads it. */
export function fixtureConfig(name: string): RawConfig {
    const file = `${name}.yaml`;
    return stackFileConfig(file, fs.readFileSync(path.join(FIXTURES, file), "utf8"), projectName());
}

/** A fixture evaluated as a stack named after it, optionally changed first. */
export function evaluateFixture(name: string, change: (config: RawConfig) => void = () => undefined): Promise<Evaluation> {
    const config = fixtureConfig(name);
    change(config);
    return evaluate(name, config);
}
