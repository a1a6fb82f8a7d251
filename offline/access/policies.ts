import { PolicyDocument } from "../../components/policies/document";
import { Evaluation, Resource } from "../engine/engine";
import { POLICY_INPUTS, PolicyKind } from "../engine/policyInputs";

/** A policy field (Action, Resource, ...) as a list: IAM allows one value or several. */
export const asList = <T>(v: T | T[] | undefined): T[] => v === undefined ? [] : Array.isArray(v) ? v : [v];

/** A policy document as registered, with the resource that carries it. */
export interface RegisteredPolicy {
    kind: PolicyKind;
    resource: Resource;
    document: PolicyDocument;
}

/** Every policy document the program registered, parsed from the JSON the provider receives. */
export function registeredPolicies(evaluation: Evaluation): RegisteredPolicy[] {
    return evaluation.resources.flatMap(resource => {
        const [input, kind] = POLICY_INPUTS[resource.type] ?? [];
        const text = input && resource.inputs[input];
        return typeof text === "string" ? [{ kind: kind!, resource, document: JSON.parse(text) }] : [];
    });
}
