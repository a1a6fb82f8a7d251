// The plan's opening verdict: what a reviewer must know before reading the sections, in a few
// lines: where the resources go, what the access table allows and whether any row surprised the
// program, the Security Hub exceptions, what needs a person, what outlives a destroy, what is adopted.
import { ELB_LOG_DELIVERY_ACCOUNTS } from "../../components/policies/logDelivery";
import { StackConfig } from "../../stacks/config/stackConfig";
import { Evaluation, Resource } from "../engine/engine";
import { controlResults, exceptionsOf } from "./securityHub";

/** `n thing` or `n things`. */
export const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * An account as the stack knows it: the pipeline's, a target's (named), ELB's log delivery account
 * of a region (AWS's, which writes the load balancers' access logs), or another one (not the stack's).
 */
export function accountLabel(config: StackConfig, account: string): string {
    if (account === config.pipelineAccount.accountId) {
        return `pipeline account ${account}`;
    }
    const targets = config.targets.filter(t => t.account.accountId === account).map(t => t.name);
    if (targets.length) {
        return `target account ${account} (${targets.join(", ")})`;
    }
    const elbRegion = Object.entries(ELB_LOG_DELIVERY_ACCOUNTS).find(([, id]) => id === account)?.[0];
    return elbRegion ? `Elastic Load Balancing's log delivery account ${account} (AWS's, for ${elbRegion})` : `account ${account} (not one of the stack's)`;
}

/** A registered resource the stack creates or adopts (not the stack itself, not a provider). */
const placed = (r: Resource) => r.custom && r.type !== "pulumi:providers:aws" && r.account !== undefined;

/** The verdict: the plan's first lines. `access`: the access table's answers in a line; `steps`: how many one-time steps of a person the plan lists. */
export function verdictLines(e: Evaluation, config: StackConfig, access: string | undefined, steps: number): string[] {
    const resources = e.resources.filter(placed);
    // The pipeline account's places first, then the targets' in the order of the path.
    const order = (place: string) => place.startsWith(config.pipelineAccount.accountId) ? -1
        : config.targets.findIndex(t => `${t.account.accountId} ${t.region}` === place);
    const places = [...new Set(resources.map(r => `${r.account} ${r.region}`))].sort((a, b) => order(a) - order(b));
    const exceptions = exceptionsOf(controlResults(e)).map(x => x.replace("@", " on "));
    const kept = resources.filter(r => r.retainOnDelete);
    const protectedOnes = resources.filter(r => r.protect);
    const imported = resources.filter(r => r.importId);
    return [
        `Verdict for stack ${e.stack}:`,
        `  Resources: ${count(resources.length, "resource")} in ${count(places.length, "account and region", "accounts and regions")}:`,
        ...places.map(place => {
            const [account, region] = place.split(" ");
            return `    ${String(resources.filter(r => `${r.account} ${r.region}` === place).length).padStart(4)} in ${accountLabel(config, account)}, ${region}`;
        }),
        ...(access ? [`  Access (the access table, decided by the IAM policy simulator): ${access}`] : []),
        `  Security Hub exceptions (declared by this configuration; SECURITY.md says why each is allowed): ` +
            (exceptions.length ? exceptions.join(", ") : "none"),
        `  Steps a person takes once: ${steps ? `${steps} (listed below)` : "none"}`,
        `  Kept on destroy: ${count(kept.length, "resource")} (each marked below)` +
            (protectedOnes.length ? `; protected, a destroy stops at: ${protectedOnes.map(r => r.name).join(", ")}` : ""),
        `  Imported instead of created (adopt): ` +
            (imported.length ? `${imported.map(r => `${r.name} (id ${r.importId})`).join(", ")} (see Adoption below)` : "nothing"),
    ];
}
