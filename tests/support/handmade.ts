// Resources and evaluations built by hand, for tests of the reports and harnesses on cases of their
// own: an unremarkable custom resource in 111111111111 / eu-west-1, changed by what a test sets.
import { Evaluation, Resource } from "../../offline/engine/engine";

export const handmadeUrn = (name: string) => `urn:pulumi:s::p::t::${name}`;

export function handmade(name: string, extra: Partial<Resource> = {}): Resource {
    return {
        urn: handmadeUrn(name), type: "aws:x/y:Y", name, custom: true, parent: "", provider: "", providers: {}, dependencies: [],
        propertyDependencies: {}, aliases: [], id: name, account: "111111111111", region: "eu-west-1", inputs: {}, state: {},
        protect: false, retainOnDelete: false, ignoreChanges: [], importId: "", deleteBeforeReplace: false, ...extra,
    };
}

/** An evaluation of stack `s` of project `p` that registered these. */
export const evaluationOf = (resources: Resource[]): Evaluation =>
    ({ project: "p", stack: "s", config: {}, resources, invokes: [], outputs: {}, warnings: [] });

/** A trust policy CodeBuild may assume a role by: a valid document for a hand-made role. */
export const CODEBUILD_TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] };
